#include "tsdb/head/stripe_series.h"

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
  return it == s.by_ref.end() ? nullptr : it->get();
}

MemSeries* StripeSeries::GetByHash(uint64_t hash, std::string_view encoded) const {
  const Stripe& s = stripes_[HashStripe(hash)];
  absl::ReaderMutexLock l(&s.mu);
  auto it = s.by_labels.find(LabelsKey{hash, encoded});
  return it == s.by_labels.end() ? nullptr : *it;
}

std::pair<MemSeries*, bool> StripeSeries::GetOrSet(uint64_t hash,
                                                   std::unique_ptr<MemSeries> series) {
  MemSeries* raw = series.get();
  {
    Stripe& s = stripes_[HashStripe(hash)];
    absl::MutexLock l(&s.mu);
    auto [it, inserted] = s.by_labels.insert(raw);
    if (!inserted) return {*it, false};
  }
  {
    Stripe& s = stripes_[RefStripe(raw->ref())];
    absl::MutexLock l(&s.mu);
    s.by_ref.insert(std::move(series));
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
      removed.push_back(std::move(node.value()));
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
  for (auto it = hs->by_labels.begin(); it != hs->by_labels.end();) {
    if (should_remove(*it)) {
      unlinked->push_back(*it);
      hs->by_labels.erase(it++);
    } else {
      ++it;
    }
  }
  if (hs->by_labels.empty()) hs->by_labels = {};
}

void StripeSeries::ForEach(const std::function<void(MemSeries&)>& fn) const {
  std::vector<MemSeries*> batch;
  for (size_t i = 0; i <= mask_; i++) {
    batch.clear();
    {
      const Stripe& s = stripes_[i];
      absl::ReaderMutexLock l(&s.mu);
      for (const auto& m : s.by_ref) batch.push_back(m.get());
    }
    for (MemSeries* m : batch) fn(*m);
  }
}

size_t StripeSeries::MemoryBytes() const {
  size_t n = (mask_ + 1) * sizeof(Stripe);
  for (size_t i = 0; i <= mask_; i++) {
    const Stripe& s = stripes_[i];
    absl::ReaderMutexLock l(&s.mu);
    n += (s.by_ref.capacity() + s.by_labels.capacity()) * (sizeof(void*) + 1);
  }
  return n;
}

}  // namespace strata::tsdb::head
