#include "ingester/active_series.h"

namespace strata::ingester {

void ActiveSeries::Update(uint64_t hash, int64_t now_ms) {
  Stripe& s = stripes_[hash % kStripes];
  absl::MutexLock l(&s.mu);
  auto [it, inserted] = s.last_seen.try_emplace(hash, now_ms);
  if (inserted) {
    active_.fetch_add(1, std::memory_order_relaxed);
  } else if (it->second < now_ms) {
    it->second = now_ms;
  }
}

size_t ActiveSeries::Purge(int64_t keep_since_ms) {
  size_t total = 0;
  for (Stripe& s : stripes_) {
    absl::MutexLock l(&s.mu);
    const size_t before = s.last_seen.size();
    absl::erase_if(s.last_seen, [keep_since_ms](const auto& kv) { return kv.second < keep_since_ms; });
    // Give the table's memory back when a tenant went quiet.
    if (s.last_seen.empty()) {
      s.last_seen = {};
    } else if (s.last_seen.size() * 4 < before) {
      s.last_seen.rehash(0);
    }
    total += s.last_seen.size();
  }
  active_.store(total, std::memory_order_relaxed);
  return total;
}

size_t ActiveSeries::MemoryBytes() const {
  size_t n = sizeof(*this);
  for (const Stripe& s : stripes_) {
    absl::MutexLock l(&s.mu);
    n += s.last_seen.capacity() * (sizeof(uint64_t) + sizeof(int64_t) + 1);
  }
  return n;
}

}  // namespace strata::ingester
