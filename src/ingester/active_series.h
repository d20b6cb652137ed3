// Active series of one tenant (Cortex pkg/ingester/active_series.go): series that received a
// sample within the idle timeout. Independent of the head: a series can be in memory but no longer
// active (and the gauge cortex_ingester_active_series{user} counts only the active ones).
// Thread-safe; striped to spread contention.
#ifndef STRATA_INGESTER_ACTIVE_SERIES_H_
#define STRATA_INGESTER_ACTIVE_SERIES_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace strata::ingester {

class ActiveSeries {
 public:
  // Marks the series with label hash `hash` as seen at `now_ms`.
  void Update(uint64_t hash, int64_t now_ms);
  // Forgets series not seen since `keep_since_ms`; returns the number still active.
  size_t Purge(int64_t keep_since_ms);
  // Series active as of the last Purge plus those added since.
  size_t Active() const { return active_.load(std::memory_order_relaxed); }
  size_t MemoryBytes() const;

 private:
  static constexpr size_t kStripes = 16;
  struct alignas(64) Stripe {
    mutable absl::Mutex mu;
    absl::flat_hash_map<uint64_t, int64_t> last_seen ABSL_GUARDED_BY(mu);
  };
  std::array<Stripe, kStripes> stripes_;
  std::atomic<size_t> active_{0};  // relaxed: a gauge
};

}  // namespace strata::ingester

#endif  // STRATA_INGESTER_ACTIVE_SERIES_H_
