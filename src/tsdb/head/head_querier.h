// Reading the head (Prometheus head_read.go and ooo_head_read.go): a storage::Querier over the
// in-order chunks, the OOO chunks, or both, of the series matching a selector.
//
// The querier holds a head reader entry for its whole life, so series and chunks_head files it
// reads are not freed underneath it. Chunk bytes are copied under the series lock
// when a series' iterator is created, so appends may continue meanwhile.
#ifndef STRATA_TSDB_HEAD_HEAD_QUERIER_H_
#define STRATA_TSDB_HEAD_HEAD_QUERIER_H_

#include <memory>
#include <string>
#include <vector>

#include "storage/storage.h"
#include "tsdb/head/head.h"

namespace strata::tsdb::head {

// What a head querier reads.
struct HeadReadMode {
  bool in_order = true;
  bool ooo = true;
  // With ooo: read only m-mapped OOO chunks with ref <= this (OOO compaction), not the OOO head.
  bool ooo_mmapped_only = false;
  uint64_t max_mmap_ref = UINT64_MAX;
};

class HeadQuerier final : public storage::Querier {
 public:
  HeadQuerier(Head* head, int64_t mint, int64_t maxt, HeadReadMode mode);
  ~HeadQuerier() override;

  std::unique_ptr<storage::SeriesSet> Select(bool sorted, const storage::SelectHints& hints,
                                             const std::vector<labels::Matcher>& matchers) override;
  absl::StatusOr<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<labels::Matcher>& matchers) override;
  absl::StatusOr<std::vector<std::string>> LabelNames(
      const std::vector<labels::Matcher>& matchers) override;

  // Copies the chunks of `s` that this querier reads. Used by HeadSeries::Iterator.
  std::unique_ptr<storage::SeriesIterator> IteratorFor(const MemSeries& s) const;

 private:
  // The series matching `matchers` that hold data this querier reads.
  absl::StatusOr<std::vector<MemSeries*>> MatchingSeries(
      const std::vector<labels::Matcher>& matchers) const;
  bool HasDataInRange(const MemSeries& s) const;

  Head* const head_;
  const int64_t mint_, maxt_;
  const HeadReadMode mode_;
  const int epoch_slot_;
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_HEAD_QUERIER_H_
