#include "tsdb/ooo/ooo_chunk.h"

#include <algorithm>

#include "util/check.h"

namespace strata::tsdb::ooo {

bool OOOChunk::Insert(int64_t t, double v) {
  // Room for a few late samples at once: fewer reallocations than growing from one.
  if (samples_.capacity() == 0) samples_.reserve(kFirstCapacity);
  // Grow by half instead of std::vector's doubling: a series holds its OOO samples until the
  // next OOO compaction, and doubling leaves a quarter of them unused on average.
  if (samples_.size() == samples_.capacity()) samples_.reserve(samples_.size() * 3 / 2);
  if (samples_.empty() || t > samples_.back().t) {
    samples_.push_back(OOOSample{t, v});
    return true;
  }
  auto it = std::lower_bound(samples_.begin(), samples_.end(), t,
                             [](const OOOSample& s, int64_t x) { return s.t < x; });
  if (it != samples_.end() && it->t == t) return false;
  samples_.insert(it, OOOSample{t, v});
  return true;
}

chunkenc::XorChunk OOOChunk::ToXor() const {
  chunkenc::XorChunk chunk;
  auto app = chunk.Appender();
  CHECK(app.ok());  // a fresh chunk always yields an appender
  for (const OOOSample& s : samples_) app->Append(s.t, s.v);
  return chunk;
}

}  // namespace strata::tsdb::ooo
