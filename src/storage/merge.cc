#include "storage/merge.h"

#include <algorithm>
#include <queue>
#include <set>

#include "util/status_macros.h"

namespace strata::storage {
namespace {

// Merges iterators by a min-heap on (timestamp, input index).
class MergingIterator final : public SeriesIterator {
 public:
  explicit MergingIterator(std::vector<std::unique_ptr<SeriesIterator>> its)
      : its_(std::move(its)) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < its_.size(); i++) Push(i, its_[i]->Next());
    } else if (!heap_.empty()) {
      AdvancePast(cur_.t);
    }
    return Settle();
  }

  bool Seek(int64_t t) override {
    if (started_ && !heap_.empty() && cur_.t >= t) return true;
    started_ = true;
    heap_.clear();
    for (size_t i = 0; i < its_.size(); i++) Push(i, its_[i]->Seek(t));
    return Settle();
  }

  Sample At() const override { return cur_; }
  absl::Status status() const override { return status_; }

 private:
  struct Entry {
    int64_t t;
    size_t index;
  };
  static bool Later(const Entry& a, const Entry& b) {
    return a.t != b.t ? a.t > b.t : a.index > b.index;
  }

  void Push(size_t i, bool has) {
    if (has) {
      heap_.push_back(Entry{its_[i]->At().t, i});
      std::push_heap(heap_.begin(), heap_.end(), Later);
    } else if (status_.ok() && !its_[i]->status().ok()) {
      status_ = its_[i]->status();
    }
  }

  // Advances every input whose current sample is at `t`.
  void AdvancePast(int64_t t) {
    while (!heap_.empty() && heap_.front().t <= t) {
      std::pop_heap(heap_.begin(), heap_.end(), Later);
      size_t i = heap_.back().index;
      heap_.pop_back();
      Push(i, its_[i]->Next());
    }
  }

  bool Settle() {
    if (!status_.ok() || heap_.empty()) return false;
    cur_ = its_[heap_.front().index]->At();
    return true;
  }

  std::vector<std::unique_ptr<SeriesIterator>> its_;
  std::vector<Entry> heap_;
  bool started_ = false;
  Sample cur_{0, 0};
  absl::Status status_;
};

// A series present in several inputs.
class ChainedSeries final : public Series {
 public:
  explicit ChainedSeries(std::vector<const Series*> parts) : parts_(std::move(parts)) {}
  const labels::Labels& labels() const override { return parts_.front()->labels(); }
  std::unique_ptr<SeriesIterator> Iterator() const override {
    std::vector<std::unique_ptr<SeriesIterator>> its;
    its.reserve(parts_.size());
    for (const Series* s : parts_) its.push_back(s->Iterator());
    return MergeIterators(std::move(its));
  }

 private:
  std::vector<const Series*> parts_;  // owned by the input sets, which outlive this series
};

class MergedSeriesSet final : public SeriesSet {
 public:
  explicit MergedSeriesSet(std::vector<std::unique_ptr<SeriesSet>> sets) : sets_(std::move(sets)) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
      for (size_t i = 0; i < sets_.size(); i++) Push(i);
    } else {
      for (size_t i : current_sets_) Push(i);
    }
    if (!status_.ok() || heap_.empty()) return false;
    // Pop every input whose current series has the smallest labels.
    current_sets_.clear();
    std::vector<const Series*> parts;
    const labels::Labels& first = sets_[heap_.front()]->At().labels();
    while (!heap_.empty() && sets_[heap_.front()]->At().labels() == first) {
      std::pop_heap(heap_.begin(), heap_.end(), cmp_);
      size_t i = heap_.back();
      heap_.pop_back();
      current_sets_.push_back(i);
    }
    std::sort(current_sets_.begin(), current_sets_.end());  // earliest input first
    for (size_t i : current_sets_) parts.push_back(&sets_[i]->At());
    if (parts.size() == 1) {
      current_ = parts.front();
    } else {
      chained_.push_back(std::make_unique<ChainedSeries>(std::move(parts)));
      current_ = chained_.back().get();
    }
    return true;
  }

  const Series& At() const override { return *current_; }
  absl::Status status() const override { return status_; }

 private:
  // Advances input i and puts it back in the heap if it has a series.
  void Push(size_t i) {
    if (sets_[i]->Next()) {
      heap_.push_back(i);
      std::push_heap(heap_.begin(), heap_.end(), cmp_);
    } else if (status_.ok() && !sets_[i]->status().ok()) {
      status_ = sets_[i]->status();
    }
  }

  struct Cmp {
    const std::vector<std::unique_ptr<SeriesSet>>* sets;
    bool operator()(size_t a, size_t b) const {
      int c = labels::Compare((*sets)[a]->At().labels(), (*sets)[b]->At().labels());
      return c != 0 ? c > 0 : a > b;
    }
  };

  std::vector<std::unique_ptr<SeriesSet>> sets_;
  Cmp cmp_{&sets_};
  std::vector<size_t> heap_;
  std::vector<size_t> current_sets_;
  std::vector<std::unique_ptr<ChainedSeries>> chained_;  // stable: series outlive Next
  const Series* current_ = nullptr;
  bool started_ = false;
  absl::Status status_;
};

std::vector<std::string> SortedUnion(std::vector<std::vector<std::string>> lists) {
  std::set<std::string> all;
  for (auto& l : lists) all.insert(std::make_move_iterator(l.begin()), std::make_move_iterator(l.end()));
  return std::vector<std::string>(all.begin(), all.end());
}

class MergedQuerier final : public Querier {
 public:
  explicit MergedQuerier(std::vector<std::unique_ptr<Querier>> qs) : queriers_(std::move(qs)) {}

  std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints& hints,
                                    const std::vector<labels::Matcher>& matchers) override {
    if (queriers_.size() == 1) return queriers_.front()->Select(sorted, hints, matchers);
    std::vector<std::unique_ptr<SeriesSet>> sets;
    // Merging needs sorted inputs, whatever the caller asked for.
    for (auto& q : queriers_) sets.push_back(q->Select(true, hints, matchers));
    return MergeSeriesSets(std::move(sets));
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<labels::Matcher>& matchers) override {
    std::vector<std::vector<std::string>> lists;
    for (auto& q : queriers_) {
      ASSIGN_OR_RETURN(auto values, q->LabelValues(name, matchers));
      lists.push_back(std::move(values));
    }
    return SortedUnion(std::move(lists));
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      const std::vector<labels::Matcher>& matchers) override {
    std::vector<std::vector<std::string>> lists;
    for (auto& q : queriers_) {
      ASSIGN_OR_RETURN(auto names, q->LabelNames(matchers));
      lists.push_back(std::move(names));
    }
    return SortedUnion(std::move(lists));
  }

 private:
  std::vector<std::unique_ptr<Querier>> queriers_;
};

class StatusSeriesSet final : public SeriesSet {
 public:
  explicit StatusSeriesSet(absl::Status s) : status_(std::move(s)) {}
  bool Next() override { return false; }
  const Series& At() const override { __builtin_unreachable(); }
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

}  // namespace

std::unique_ptr<SeriesIterator> MergeIterators(std::vector<std::unique_ptr<SeriesIterator>> its) {
  if (its.size() == 1) return std::move(its.front());
  return std::make_unique<MergingIterator>(std::move(its));
}

std::unique_ptr<SeriesSet> MergeSeriesSets(std::vector<std::unique_ptr<SeriesSet>> sets) {
  if (sets.size() == 1) return std::move(sets.front());
  return std::make_unique<MergedSeriesSet>(std::move(sets));
}

std::unique_ptr<Querier> MergeQueriers(std::vector<std::unique_ptr<Querier>> queriers) {
  if (queriers.size() == 1) return std::move(queriers.front());
  return std::make_unique<MergedQuerier>(std::move(queriers));
}

std::unique_ptr<SeriesSet> ErrorSeriesSet(absl::Status status) {
  return std::make_unique<StatusSeriesSet>(std::move(status));
}

std::unique_ptr<SeriesSet> EmptySeriesSet() {
  return std::make_unique<StatusSeriesSet>(absl::OkStatus());
}

}  // namespace strata::storage
