// The head's series, striped to spread lock contention (Prometheus stripeSeries): every series is
// found by ref in one stripe and by label hash in another. Each stripe's lock sits on its own cache
// line. Lock order: stripe → series; no thread ever holds two stripe locks at once.
#ifndef STRATA_TSDB_HEAD_STRIPE_SERIES_H_
#define STRATA_TSDB_HEAD_STRIPE_SERIES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "tsdb/head/mem_series.h"

namespace strata::tsdb::head {

class StripeSeries {
 public:
  // REQUIRES: `stripes` is a power of two.
  explicit StripeSeries(size_t stripes);
  StripeSeries(const StripeSeries&) = delete;
  StripeSeries& operator=(const StripeSeries&) = delete;

  MemSeries* GetByRef(uint64_t ref) const;
  // The series whose labels encode to `encoded` (labels::Labels::data()); `hash` is its Hash().
  MemSeries* GetByHash(uint64_t hash, std::string_view encoded) const;
  // Inserts `series` unless one with the same labels exists. Returns the series in the map and
  // whether it is the new one (else `series` is destroyed).
  std::pair<MemSeries*, bool> GetOrSet(uint64_t hash, std::unique_ptr<MemSeries> series);

  // Unlinks every series for which `remove(series)` (called with the series lock held
  // exclusively) returns true and hands them to the caller, who frees them once no reader can
  // still point at them (see ReaderEpochs).
  std::vector<std::unique_ptr<MemSeries>> Gc(const std::function<bool(MemSeries&)>& remove);

  // Calls fn for every series. No stripe lock is held during the call; the caller must keep
  // series alive (hold a ReaderEpochs entry, or be the only truncating thread).
  void ForEach(const std::function<void(MemSeries&)>& fn) const;

  size_t size() const { return size_.load(std::memory_order_relaxed); }
  // Bytes of the maps themselves (not of the series).
  size_t MemoryBytes() const;

 private:
  // Profiled in Prometheus: one lock per cache line avoids false sharing between stripes.
  struct alignas(64) Stripe {
    mutable absl::Mutex mu;
    absl::flat_hash_map<uint64_t, std::unique_ptr<MemSeries>> by_ref ABSL_GUARDED_BY(mu);
    // Label hash → series; a hash collision between different label sets goes to `conflicts`.
    absl::flat_hash_map<uint64_t, MemSeries*> by_hash ABSL_GUARDED_BY(mu);
    std::vector<MemSeries*> conflicts ABSL_GUARDED_BY(mu);
  };

  size_t HashStripe(uint64_t hash) const { return hash & mask_; }
  size_t RefStripe(uint64_t ref) const { return ref & mask_; }
  static MemSeries* FindInHashStripe(const Stripe& s, uint64_t hash, std::string_view encoded)
      ABSL_SHARED_LOCKS_REQUIRED(s.mu);
  // Removes from `hs` (its hash maps only) the series `remove` picks; appends them to `unlinked`.
  static void UnlinkFromHashStripe(Stripe* hs, const std::function<bool(MemSeries&)>& remove,
                                   std::vector<MemSeries*>* unlinked);

  const size_t mask_;
  std::unique_ptr<Stripe[]> stripes_;
  std::atomic<size_t> size_{0};  // relaxed: a gauge, read without ordering needs
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_STRIPE_SERIES_H_
