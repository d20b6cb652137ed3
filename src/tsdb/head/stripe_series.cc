#include "tsdb/head/stripe_series.h"

#include <algorithm>

#include "util/check.h"

namespace strata::tsdb::head {

StripeSeries::StripeSeries(size_t stripes)
    : mask_(stripes - 1), stripes_(std::make_unique<Stripe[]>(stripes)) {
  CHECK(stripes > 0 && (stripes & (stripes - 1)) == 0);
}

MemSeries* StripeSeries::GetByRef(uint64_t ref) const {
  const Stripe& s = stripes_[RefStripe(ref)];
  absl::ReaderMutexLock l(&s.mu);
  auto it = s.by_ref.find(ref);
  return it == s.by_ref.end() ? nullptr : it->second.get();
}

MemSeries* StripeSeries::FindInHashStripe(const Stripe& s, uint64_t hash,
                                          std::string_view encoded) {
  auto it = s.by_hash.find(hash);
  if (it == s.by_hash.end()) return nullptr;
  if (it->second->labels().data() == encoded) return it->second;
  for (MemSeries* c : s.conflicts) {
    if (c->labels().data() == encoded) return c;
  }
  return nullptr;
}

MemSeries* StripeSeries::GetByHash(uint64_t hash, std::string_view encoded) const {
  const Stripe& s = stripes_[HashStripe(hash)];
  absl::ReaderMutexLock l(&s.mu);
  return FindInHashStripe(s, hash, encoded);
}

std::pair<MemSeries*, bool> StripeSeries::GetOrSet(uint64_t hash,
                                                   std::unique_ptr<MemSeries> series) {
  MemSeries* raw = series.get();
  {
    Stripe& s = stripes_[HashStripe(hash)];
    absl::MutexLock l(&s.mu);
    if (MemSeries* existing = FindInHashStripe(s, hash, raw->labels().data())) {
      return {existing, false};
    }
    auto [it, inserted] = s.by_hash.emplace(hash, raw);
    if (!inserted) s.conflicts.push_back(raw);
  }
  {
    Stripe& s = stripes_[RefStripe(raw->ref())];
    absl::MutexLock l(&s.mu);
    s.by_ref.emplace(raw->ref(), std::move(series));
  }
  size_.fetch_add(1, std::memory_order_relaxed);
  return {raw, true};
}

std::vector<std::unique_ptr<MemSeries>> StripeSeries::Gc(
    const std::function<bool(MemSeries&)>& remove) {
  std::vector<std::unique_ptr<MemSeries>> removed;
  std::vector<MemSeries*> unlinked;
  for (size_t i = 0; i <= mask_; i++) {
    unlinked.clear();
    UnlinkFromHashStripe(&stripes_[i], remove, &unlinked);
    // Then out of the ref stripes, one lock at a time. Holding the hash stripe meanwhile would
    // take stripes i→j here and j→i for another series: a lock-order cycle (absl's deadlock
    // detector aborts on it). In between, a lookup by ref may still find the series: it is
    // marked dead, and stays allocated until the caller frees it after waiting for readers.
    for (MemSeries* m : unlinked) {
      Stripe& rs = stripes_[RefStripe(m->ref())];
      absl::MutexLock l(&rs.mu);
      auto node = rs.by_ref.extract(m->ref());
      // An idle tenant's head must give its memory back, tables included.
      if (rs.by_ref.empty()) rs.by_ref = {};
      removed.push_back(std::move(node.mapped()));
    }
  }
  size_.fetch_sub(removed.size(), std::memory_order_relaxed);
  return removed;
}

void StripeSeries::UnlinkFromHashStripe(Stripe* hs, const std::function<bool(MemSeries&)>& remove,
                                        std::vector<MemSeries*>* unlinked) {
  absl::MutexLock hl(&hs->mu);
  auto should_remove = [&](MemSeries* m) {
    absl::MutexLock sl(&m->mu());
    return remove(*m);
  };
  for (auto it = hs->conflicts.begin(); it != hs->conflicts.end();) {
    if (should_remove(*it)) {
      unlinked->push_back(*it);
      it = hs->conflicts.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = hs->by_hash.begin(); it != hs->by_hash.end();) {
    if (!should_remove(it->second)) {
      ++it;
      continue;
    }
    const uint64_t hash = it->first;
    unlinked->push_back(it->second);
    hs->by_hash.erase(it++);
    // Promote a conflicting series with the same hash, if any.
    auto c = std::find_if(hs->conflicts.begin(), hs->conflicts.end(),
                          [hash](MemSeries* m) { return m->labels().Hash() == hash; });
    if (c != hs->conflicts.end()) {
      hs->by_hash.emplace(hash, *c);
      hs->conflicts.erase(c);
    }
  }
  if (hs->by_hash.empty()) hs->by_hash = {};
  if (hs->conflicts.empty()) hs->conflicts.shrink_to_fit();
}

void StripeSeries::ForEach(const std::function<void(MemSeries&)>& fn) const {
  std::vector<MemSeries*> batch;
  for (size_t i = 0; i <= mask_; i++) {
    batch.clear();
    {
      const Stripe& s = stripes_[i];
      absl::ReaderMutexLock l(&s.mu);
      for (const auto& [ref, m] : s.by_ref) batch.push_back(m.get());
    }
    for (MemSeries* m : batch) fn(*m);
  }
}

size_t StripeSeries::MemoryBytes() const {
  size_t n = (mask_ + 1) * sizeof(Stripe);
  for (size_t i = 0; i <= mask_; i++) {
    const Stripe& s = stripes_[i];
    absl::ReaderMutexLock l(&s.mu);
    n += s.by_ref.capacity() * (sizeof(uint64_t) + sizeof(void*) + 1);
    n += s.by_hash.capacity() * (sizeof(uint64_t) + sizeof(void*) + 1);
    n += s.conflicts.capacity() * sizeof(void*);
  }
  return n;
}

}  // namespace strata::tsdb::head
