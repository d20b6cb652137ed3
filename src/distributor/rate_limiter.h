// Per-tenant ingestion rate limiting: Cortex's "local" strategy (pkg/util/limiter over
// golang.org/x/time/rate). Each tenant has a token bucket that holds at most
// ingestion_burst_size tokens and refills at ingestion_rate tokens per second; a push of n
// samples + exemplars + metadata takes n tokens, or is refused whole (HTTP 429) and takes none.
//
// Semantics, as x/time/rate's Limiter.AllowN:
//   - a new bucket starts full;
//   - tokens accrue continuously (fractions count): elapsed_ms * rate / 1000;
//   - n > burst is always refused (unless the rate is +Inf); n <= 0 is always allowed;
//   - rate +Inf allows everything; rate <= 0 never refills (the initial burst is all there is).
// Limits are passed on every call and a change applies at once: tokens accrue at the old rate up
// to `now`, then the new rate and burst apply (Cortex rechecks every 10s instead). Time that goes
// backwards adds no tokens and does not move the bucket's clock back.
//
// Thread-safety: all methods are thread-safe. Tenants are spread over kShards shards, each with
// its own mutex, so pushes of different tenants rarely contend.
// Memory: one bucket per tenant seen, until Forget/ForgetIdle drops it.
#ifndef STRATA_DISTRIBUTOR_RATE_LIMITER_H_
#define STRATA_DISTRIBUTOR_RATE_LIMITER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "limits/limits.h"
#include "util/clock.h"

namespace strata::distributor {

class RateLimiter {
 public:
  // `clock` is used only by the overload of AllowN without `now_ms`. REQUIRES: `clock` outlives
  // this limiter.
  explicit RateLimiter(const Clock* clock = RealClock::Default()) : clock_(clock) {}
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes `n` tokens from `tenant`'s bucket at time `now_ms` if it holds at least `n`, under
  // `limits.ingestion_rate` and `limits.ingestion_burst_size`. Returns whether it did.
  // Allocates only when it meets a tenant for the first time.
  bool AllowN(std::string_view tenant, int64_t now_ms, int64_t n, const limits::Limits& limits);
  bool AllowN(std::string_view tenant, int64_t n, const limits::Limits& limits) {
    return AllowN(tenant, clock_->NowMs(), n, limits);
  }

  // Drops `tenant`'s bucket; its next push starts with a full one.
  void Forget(std::string_view tenant);

  // Drops the buckets not used for at least `min_idle_ms` before `now_ms` AND full by `now_ms`.
  // While a tenant's limits stay the same, dropping its full bucket changes no later answer (a
  // new bucket starts full), so this can run as often as memory needs. A bucket with rate <= 0
  // that was ever drawn from never refills, so only Forget drops it. Returns how many dropped.
  size_t ForgetIdle(int64_t now_ms, int64_t min_idle_ms);

  size_t num_tenants() const;

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ms = 0;  // when `tokens` was last brought up to date
    double rate = 0;      // the limits last applied
    int64_t burst = 0;
  };
  static constexpr size_t kShards = 16;
  struct alignas(64) Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };

  // Tokens in `b` at `now_ms` (not stored).
  static double TokensAt(const Bucket& b, int64_t now_ms);
  Shard& ShardFor(std::string_view tenant);

  const Clock* const clock_;
  std::array<Shard, kShards> shards_;
};

// Cortex's 429 message: "ingestion rate limit (<rate>) exceeded while adding <samples> samples
// and <metadata> metadata", the rate as Go's %v prints a float64 ("25000", "0.5", "1e+06").
// `samples` counts float samples and histograms, as Cortex does (exemplars are not mentioned,
// although they take tokens).
std::string RateLimitedMessage(double rate, int64_t samples, int64_t metadata);

// ResourceExhausted with RateLimitedMessage: the API layer answers it with HTTP 429.
absl::Status RateLimitedError(double rate, int64_t samples, int64_t metadata);

}  // namespace strata::distributor

#endif  // STRATA_DISTRIBUTOR_RATE_LIMITER_H_
