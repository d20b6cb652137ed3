// Set operations over postings: Intersect, Merge (union) and Without (difference).
#include <algorithm>
#include <utility>

#include "tsdb/index/postings.h"
#include "util/check.h"

namespace strata::tsdb::index {
namespace {

absl::Status FirstError(const std::vector<std::unique_ptr<Postings>>& its) {
  for (const auto& it : its) {
    if (absl::Status s = it->status(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Leapfrog intersection: the candidate is the largest value seen; every input seeks to it in
// turn until all of them agree.
class IntersectPostings final : public Postings {
 public:
  explicit IntersectPostings(std::vector<std::unique_ptr<Postings>> its) : its_(std::move(its)) {}

  bool Next() override {
    if (done_) return false;
    if (!its_[0]->Next()) return Finish();
    return Align(its_[0]->At());
  }

  // If already at a value >= v, its_[0] stays there and every other input is at that same value,
  // so Align returns at once.
  bool Seek(uint64_t v) override {
    if (done_) return false;
    if (!its_[0]->Seek(v)) return Finish();
    return Align(its_[0]->At());
  }

  uint64_t At() const override { return cur_; }
  absl::Status status() const override { return FirstError(its_); }

 private:
  // REQUIRES: its_[0] is at `target`.
  bool Align(uint64_t target) {
    const size_t n = its_.size();
    size_t agreed = 1;  // consecutive inputs (ending at i - 1) sitting at `target`
    for (size_t i = 1 % n; agreed < n; i = (i + 1) % n) {
      if (!its_[i]->Seek(target)) return Finish();
      const uint64_t at = its_[i]->At();
      if (at == target) {
        agreed++;
      } else {
        target = at;
        agreed = 1;
      }
    }
    cur_ = target;
    return true;
  }

  bool Finish() {
    done_ = true;
    return false;
  }

  std::vector<std::unique_ptr<Postings>> its_;
  uint64_t cur_ = 0;
  bool done_ = false;
};

// Union through a min-heap of the inputs that still have values, keyed by their current value
// (cached in the heap so that comparisons make no virtual calls).
class MergedPostings final : public Postings {
 public:
  explicit MergedPostings(std::vector<std::unique_ptr<Postings>> its) : its_(std::move(its)) {
    heap_.reserve(its_.size());
  }

  bool Next() override {
    if (done_) return false;
    if (!started_) {
      Start([](Postings* p) { return p->Next(); });
    } else {
      // Move every input sitting at the current value past it (this drops duplicates).
      while (!heap_.empty() && heap_.front().at == cur_) {
        Advance([](Postings* p) { return p->Next(); });
      }
    }
    return Settle();
  }

  bool Seek(uint64_t v) override {
    if (done_) return false;
    if (!started_) {
      Start([v](Postings* p) { return p->Seek(v); });
    } else {
      if (cur_ >= v) return true;
      while (!heap_.empty() && heap_.front().at < v) {
        Advance([v](Postings* p) { return p->Seek(v); });
      }
    }
    return Settle();
  }

  uint64_t At() const override { return cur_; }
  absl::Status status() const override { return FirstError(its_); }

 private:
  struct Item {
    uint64_t at;
    Postings* p;
  };
  static bool Greater(const Item& a, const Item& b) { return a.at > b.at; }

  // Positions every input with `step` and heaps those that have values.
  template <typename Step>
  void Start(Step step) {
    started_ = true;
    for (auto& it : its_) {
      if (step(it.get())) {
        heap_.push_back(Item{it->At(), it.get()});
      } else if (!it->status().ok()) {
        failed_ = true;
      }
    }
    std::make_heap(heap_.begin(), heap_.end(), Greater);
  }

  // Pops the smallest input, moves it with `step` and pushes it back if it still has values.
  template <typename Step>
  void Advance(Step step) {
    std::pop_heap(heap_.begin(), heap_.end(), Greater);
    Item& item = heap_.back();
    if (step(item.p)) {
      item.at = item.p->At();
      std::push_heap(heap_.begin(), heap_.end(), Greater);
    } else {
      if (!item.p->status().ok()) failed_ = true;
      heap_.pop_back();
    }
  }

  bool Settle() {
    // A failed input has left the heap; stop rather than return an incomplete union.
    if (heap_.empty() || failed_) {
      done_ = true;
      return false;
    }
    cur_ = heap_.front().at;
    return true;
  }

  std::vector<std::unique_ptr<Postings>> its_;
  std::vector<Item> heap_;
  uint64_t cur_ = 0;
  bool started_ = false;
  bool failed_ = false;
  bool done_ = false;
};

class WithoutPostings final : public Postings {
 public:
  WithoutPostings(std::unique_ptr<Postings> full, std::unique_ptr<Postings> drop)
      : full_(std::move(full)), drop_(std::move(drop)) {}

  bool Next() override {
    if (done_) return false;
    while (full_->Next()) {
      if (Keep()) return true;
      if (done_) return false;
    }
    return false;
  }

  bool Seek(uint64_t v) override {
    if (done_ || !full_->Seek(v)) return false;
    if (Keep()) return true;
    return !done_ && Next();
  }

  uint64_t At() const override { return full_->At(); }
  absl::Status status() const override {
    if (absl::Status s = full_->status(); !s.ok()) return s;
    return drop_->status();
  }

 private:
  // Whether full_'s current value is absent from drop_. drop_ only ever seeks forward. If drop_
  // fails, sets done_: passing everything through would silently return too much.
  bool Keep() {
    if (drop_done_) return true;
    const uint64_t v = full_->At();
    if (!drop_->Seek(v)) {
      drop_done_ = true;
      if (!drop_->status().ok()) done_ = true;
      return !done_;
    }
    return drop_->At() != v;
  }

  std::unique_ptr<Postings> full_;
  std::unique_ptr<Postings> drop_;
  bool drop_done_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Postings> Intersect(std::vector<std::unique_ptr<Postings>> its) {
  if (its.empty()) return EmptyPostings();
  if (its.size() == 1) return std::move(its[0]);
  return std::make_unique<IntersectPostings>(std::move(its));
}

std::unique_ptr<Postings> Merge(std::vector<std::unique_ptr<Postings>> its) {
  if (its.empty()) return EmptyPostings();
  if (its.size() == 1) return std::move(its[0]);
  return std::make_unique<MergedPostings>(std::move(its));
}

std::unique_ptr<Postings> Without(std::unique_ptr<Postings> full, std::unique_ptr<Postings> drop) {
  return std::make_unique<WithoutPostings>(std::move(full), std::move(drop));
}

}  // namespace strata::tsdb::index
