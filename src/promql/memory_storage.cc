#include "promql/memory_storage.h"

#include <algorithm>
#include <bit>
#include <set>
#include <span>

#include "util/strings.h"

namespace strata::promql {
namespace {

using storage::Sample;

// Iterates a borrowed span of samples.
class SpanIterator final : public storage::SeriesIterator {
 public:
  explicit SpanIterator(std::span<const Sample> s) : s_(s) {}
  bool Next() override {
    if (!started_) {
      started_ = true;
      i_ = 0;
    } else if (i_ < s_.size()) {
      i_++;
    }
    return i_ < s_.size();
  }
  bool Seek(int64_t t) override {
    if (!started_) {
      started_ = true;
      i_ = 0;
    }
    if (i_ < s_.size() && s_[i_].t >= t) return true;
    auto it = std::lower_bound(s_.begin() + static_cast<ptrdiff_t>(std::min(i_, s_.size())),
                               s_.end(), t, [](const Sample& a, int64_t x) { return a.t < x; });
    i_ = static_cast<size_t>(it - s_.begin());
    return i_ < s_.size();
  }
  Sample At() const override { return s_[i_]; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::span<const Sample> s_;
  size_t i_ = 0;  // the current sample, once started_
  bool started_ = false;
};

class SpanSeries final : public storage::Series {
 public:
  SpanSeries(const labels::Labels* l, std::span<const Sample> s) : labels_(l), samples_(s) {}
  const labels::Labels& labels() const override { return *labels_; }
  std::unique_ptr<storage::SeriesIterator> Iterator() const override {
    return std::make_unique<SpanIterator>(samples_);
  }

 private:
  const labels::Labels* labels_;
  std::span<const Sample> samples_;
};

class VectorSeriesSet final : public storage::SeriesSet {
 public:
  explicit VectorSeriesSet(std::vector<SpanSeries> s) : series_(std::move(s)) {}
  bool Next() override { return ++i_ < series_.size(); }
  const storage::Series& At() const override { return series_[i_]; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<SpanSeries> series_;
  size_t i_ = static_cast<size_t>(-1);
};

bool MatchesAll(const labels::Labels& l, const std::vector<labels::Matcher>& ms) {
  for (const labels::Matcher& m : ms) {
    if (!m.Matches(l.Get(m.name()))) return false;
  }
  return true;
}

std::span<const Sample> Clip(const std::vector<Sample>& s, int64_t mint, int64_t maxt) {
  auto lo = std::lower_bound(s.begin(), s.end(), mint,
                             [](const Sample& a, int64_t x) { return a.t < x; });
  auto hi = std::upper_bound(lo, s.end(), maxt, [](int64_t x, const Sample& a) { return x < a.t; });
  return std::span<const Sample>(&*s.begin() + (lo - s.begin()), static_cast<size_t>(hi - lo));
}

class MemoryQuerier final : public storage::Querier {
 public:
  MemoryQuerier(const std::map<labels::Labels, std::vector<Sample>>* series, int64_t mint,
                int64_t maxt)
      : series_(series), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<storage::SeriesSet> Select(bool, const storage::SelectHints& hints,
                                             const std::vector<labels::Matcher>& ms) override {
    int64_t mint = std::max(mint_, hints.start_ms), maxt = std::min(maxt_, hints.end_ms);
    std::vector<SpanSeries> out;
    for (const auto& [l, samples] : *series_) {
      if (!MatchesAll(l, ms) || samples.empty()) continue;
      std::span<const Sample> s = Clip(samples, mint, maxt);
      if (!s.empty()) out.emplace_back(&l, s);
    }
    return std::make_unique<VectorSeriesSet>(std::move(out));
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<labels::Matcher>& ms) override {
    std::set<std::string> vals;
    for (const auto& [l, samples] : *series_) {
      if (MatchesAll(l, ms) && l.Has(name)) vals.emplace(l.Get(name));
    }
    return std::vector<std::string>(vals.begin(), vals.end());
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      const std::vector<labels::Matcher>& ms) override {
    std::set<std::string> names;
    for (const auto& [l, samples] : *series_) {
      if (!MatchesAll(l, ms)) continue;
      for (const labels::Label& x : l) names.emplace(x.name);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

 private:
  const std::map<labels::Labels, std::vector<Sample>>* series_;
  int64_t mint_, maxt_;
};

}  // namespace

absl::Status MemoryStorage::Append(const labels::Labels& l, int64_t t, double v) {
  std::vector<Sample>& s = series_[l];
  if (!s.empty() && t <= s.back().t) {
    if (t < s.back().t) return absl::InvalidArgumentError("out of order sample");
    if (std::bit_cast<uint64_t>(v) != std::bit_cast<uint64_t>(s.back().v)) {
      return absl::InvalidArgumentError("duplicate sample for timestamp");
    }
    return absl::OkStatus();
  }
  s.push_back(Sample{t, v});
  return absl::OkStatus();
}

std::unique_ptr<storage::Querier> MemoryStorage::Querier(int64_t mint, int64_t maxt) const {
  return std::make_unique<MemoryQuerier>(&series_, mint, maxt);
}

}  // namespace strata::promql
