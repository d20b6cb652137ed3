// The out-of-order head chunk of one series (prometheus-tsdb-formats.md §7.3): up to
// out_of_order_cap_max samples kept sorted by timestamp, encoded to XOR only when it is m-mapped
// (§7.4). A sample whose timestamp is already present is dropped (not an error), as in Prometheus.
//
// Not thread-safe: the owning series' lock guards it.
#ifndef STRATA_TSDB_OOO_OOO_CHUNK_H_
#define STRATA_TSDB_OOO_OOO_CHUNK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tsdb/chunkenc/xor.h"

namespace strata::tsdb::ooo {

struct OOOSample {
  int64_t t;
  double v;
};

class OOOChunk {
 public:
  // Grows as samples arrive: room for kFirstCapacity at the first, then by half up to
  // out_of_order_cap_max. Most series get a few late samples, not a chunk's worth: reserving the
  // whole capacity up front cost 512 bytes (32 samples) for every series with one late sample.
  OOOChunk() = default;
  static constexpr size_t kFirstCapacity = 8;

  // Inserts in timestamp order. Returns false (and changes nothing) if `t` is already present.
  bool Insert(int64_t t, double v);

  size_t num_samples() const { return samples_.size(); }
  bool empty() const { return samples_.empty(); }
  int64_t min_time() const { return samples_.front().t; }  // REQUIRES: !empty()
  int64_t max_time() const { return samples_.back().t; }   // REQUIRES: !empty()
  const std::vector<OOOSample>& samples() const { return samples_; }

  // The samples as an XOR chunk (in timestamp order): the bytes an m-mapped OOO chunk holds.
  chunkenc::XorChunk ToXor() const;

  // Heap bytes held (the samples' capacity).
  size_t bytes() const { return samples_.capacity() * sizeof(OOOSample); }

 private:
  std::vector<OOOSample> samples_;  // sorted by t, unique t
};

}  // namespace strata::tsdb::ooo

#endif  // STRATA_TSDB_OOO_OOO_CHUNK_H_
