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

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
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
  // Both indexes are hash sets of series pointers (8 bytes a slot; maps keyed by ref and by hash
  // took 16), searched with a ref or a label hash and encoding through transparent functors.
  struct RefHash {
    using is_transparent = void;
    size_t operator()(uint64_t ref) const { return absl::Hash<uint64_t>()(ref); }
    size_t operator()(const std::unique_ptr<MemSeries>& s) const { return (*this)(s->ref()); }
  };
  struct RefEq {
    using is_transparent = void;
    static uint64_t Ref(uint64_t ref) { return ref; }
    static uint64_t Ref(const std::unique_ptr<MemSeries>& s) { return s->ref(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Ref(a) == Ref(b);
    }
  };
  struct LabelsKey {
    uint64_t hash;  // labels::Labels::HashEncoded(encoded)
    std::string_view encoded;
  };
  // Rehashing recomputes a series' label hash (xxhash3 over its labels): cheaper than keeping 8
  // bytes per series for it. Mixed again because a stripe's hashes share their low bits, which
  // the table would otherwise use to tell slots apart.
  struct LabelsHash {
    using is_transparent = void;
    size_t operator()(const LabelsKey& k) const { return absl::Hash<uint64_t>()(k.hash); }
    size_t operator()(const MemSeries* s) const { return (*this)(LabelsKey{s->labels().Hash(), {}}); }
  };
  struct LabelsEq {
    using is_transparent = void;
    static std::string_view Encoded(const LabelsKey& k) { return k.encoded; }
    static std::string_view Encoded(const MemSeries* s) { return s->labels().data(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Encoded(a) == Encoded(b);
    }
  };

  // Profiled in Prometheus: one lock per cache line avoids false sharing between stripes.
  struct alignas(64) Stripe {
    mutable absl::Mutex mu;
    // Owns the series of this ref stripe.
    absl::flat_hash_set<std::unique_ptr<MemSeries>, RefHash, RefEq> by_ref ABSL_GUARDED_BY(mu);
    // The series of this label-hash stripe.
    absl::flat_hash_set<MemSeries*, LabelsHash, LabelsEq> by_labels ABSL_GUARDED_BY(mu);
  };

  size_t HashStripe(uint64_t hash) const { return hash & mask_; }
  size_t RefStripe(uint64_t ref) const { return ref & mask_; }
  // Removes from `hs` (its hash maps only) the series `remove` picks; appends them to `unlinked`.
  static void UnlinkFromHashStripe(Stripe* hs, const std::function<bool(MemSeries&)>& remove,
                                   std::vector<MemSeries*>* unlinked);

  const size_t mask_;
  std::unique_ptr<Stripe[]> stripes_;
  std::atomic<size_t> size_{0};  // relaxed: a gauge, read without ordering needs
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_STRIPE_SERIES_H_
