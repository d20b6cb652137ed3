// An in-memory sample store that hands out storage::Queriers: the data source of the promqltest
// script runner and of the engine benchmarks.
//
// Thread-compatible: appends must not run concurrently with anything else; queriers may be used
// concurrently with each other. Queriers borrow the storage: it must outlive them, and Clear()
// or Append() invalidates queriers that are open.
#ifndef STRATA_PROMQL_MEMORY_STORAGE_H_
#define STRATA_PROMQL_MEMORY_STORAGE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "labels/labels.h"
#include "storage/storage.h"

namespace strata::promql {

class MemoryStorage {
 public:
  // Appends a sample to the series `l` (created if new). Like the TSDB head: a sample older
  // than the series' newest fails with InvalidArgument "out of order sample"; one at the same
  // time with another value (bitwise) fails with "duplicate sample for timestamp"; an exact
  // duplicate is ignored.
  absl::Status Append(const labels::Labels& l, int64_t t, double v);
  void Clear() { series_.clear(); }
  size_t num_series() const { return series_.size(); }

  // A querier over [mint, maxt] (closed): Select returns series sorted by labels (whatever
  // `sorted` says) with their samples inside both that range and the hints' range.
  std::unique_ptr<storage::Querier> Querier(int64_t mint, int64_t maxt) const;

 private:
  std::map<labels::Labels, std::vector<storage::Sample>> series_;
};

}  // namespace strata::promql

#endif  // STRATA_PROMQL_MEMORY_STORAGE_H_
