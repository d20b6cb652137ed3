#include "distributor/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "util/float_format.h"
#include "util/strings.h"

namespace strata::distributor {

double RateLimiter::TokensAt(const Bucket& b, int64_t now_ms) {
  const double burst = static_cast<double>(b.burst);
  if (now_ms <= b.last_ms || !(b.rate > 0)) return std::min(b.tokens, burst);
  // Multiply before dividing so whole-second steps of integer rates stay exact.
  const double refill = static_cast<double>(now_ms - b.last_ms) * b.rate / 1000.0;
  return std::min(b.tokens + refill, burst);
}

RateLimiter::Shard& RateLimiter::ShardFor(std::string_view tenant) {
  return shards_[absl::Hash<absl::string_view>{}(AbslView(tenant)) % kShards];
}

bool RateLimiter::AllowN(std::string_view tenant, int64_t now_ms, int64_t n,
                         const limits::Limits& limits) {
  if (n <= 0 || (std::isinf(limits.ingestion_rate) && limits.ingestion_rate > 0)) return true;
  Shard& shard = ShardFor(tenant);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(AbslView(tenant));
  if (it == shard.buckets.end()) {
    Bucket fresh;
    fresh.tokens = static_cast<double>(limits.ingestion_burst_size);
    fresh.last_ms = now_ms;
    fresh.rate = limits.ingestion_rate;
    fresh.burst = limits.ingestion_burst_size;
    it = shard.buckets.emplace(std::string(tenant), fresh).first;
  }
  Bucket& b = it->second;
  // Bring the bucket up to `now` under the limits it had, then apply today's limits.
  b.tokens = TokensAt(b, now_ms);
  b.last_ms = std::max(b.last_ms, now_ms);
  b.rate = limits.ingestion_rate;
  b.burst = limits.ingestion_burst_size;
  b.tokens = std::min(b.tokens, static_cast<double>(b.burst));
  if (n > b.burst || b.tokens < static_cast<double>(n)) return false;
  b.tokens -= static_cast<double>(n);
  return true;
}

void RateLimiter::Forget(std::string_view tenant) {
  Shard& shard = ShardFor(tenant);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(AbslView(tenant));
  if (it != shard.buckets.end()) shard.buckets.erase(it);
}

size_t RateLimiter::ForgetIdle(int64_t now_ms, int64_t min_idle_ms) {
  size_t dropped = 0;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      const Bucket& b = it->second;
      const bool idle = now_ms - b.last_ms >= min_idle_ms;
      if (idle && TokensAt(b, now_ms) >= static_cast<double>(b.burst)) {
        shard.buckets.erase(it++);
        ++dropped;
      } else {
        ++it;
      }
    }
  }
  return dropped;
}

size_t RateLimiter::num_tenants() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    n += shard.buckets.size();
  }
  return n;
}

std::string RateLimitedMessage(double rate, int64_t samples, int64_t metadata) {
  return StrCat("ingestion rate limit (", FormatGoG(rate), ") exceeded while adding ", samples,
                " samples and ", metadata, " metadata");
}

absl::Status RateLimitedError(double rate, int64_t samples, int64_t metadata) {
  return absl::ResourceExhaustedError(RateLimitedMessage(rate, samples, metadata));
}

}  // namespace strata::distributor
