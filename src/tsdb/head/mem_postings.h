// In-memory postings of the head (Prometheus MemPostings): for every label pair the sorted refs of
// the series that have it, plus the all-series list under the key ("", "").
// Thread-safe: readers share a lock with each other, writers exclude them.
#ifndef STRATA_TSDB_HEAD_MEM_POSTINGS_H_
#define STRATA_TSDB_HEAD_MEM_POSTINGS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "labels/labels.h"
#include "tsdb/head/postings_list.h"
#include "util/compact_string.h"

namespace strata::tsdb::head {

class MemPostings {
 public:
  void Add(uint64_t ref, const labels::Labels& labels);
  // Add for each (ref, labels) pair, for replay's many series. `series` sorted by ref: `threads`
  // threads each index a range of it, then the parts are merged in order (lists stay sorted by
  // appending).
  void AddMany(std::span<const std::pair<uint64_t, const labels::Labels*>> series, size_t threads);
  // Removes the given series refs from every list they are in; drops empty lists.
  void Delete(const absl::flat_hash_set<uint64_t>& refs,
              const std::vector<labels::Labels>& their_labels);

  // A copy of the list for name=value (empty if none). All series: Get("", "").
  std::vector<uint64_t> Get(std::string_view name, std::string_view value) const;
  // Sorted union of the lists of name=v for each v in `values`.
  std::vector<uint64_t> GetUnion(std::string_view name, const std::vector<std::string>& values) const;
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(std::string_view name) const;

  size_t MemoryBytes() const;

 private:
  using List = PostingsList;
  // 16-byte keys: one entry per distinct value, often one per series, costs a third less than
  // with std::string keys.
  using Values = absl::btree_map<CompactString, List, CompactStringLess>;
  using Index = absl::btree_map<std::string, Values, std::less<>>;
  static void AddTo(Index* m, uint64_t ref, const labels::Labels& labels);
  // Moves `part`'s lists into `into`: one ordered walk of both.
  static void MergeValues(Values&& part, Values* into);
  mutable absl::Mutex mu_;
  Index m_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_MEM_POSTINGS_H_
