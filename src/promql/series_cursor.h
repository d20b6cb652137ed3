// Internal to the engine: reading one series for a sequence of increasing evaluation times, each
// sample read once (rather than re-seeking the storage at every step).
#ifndef STRATA_PROMQL_SERIES_CURSOR_H_
#define STRATA_PROMQL_SERIES_CURSOR_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "promql/value.h"
#include "storage/storage.h"

namespace strata::promql::internal {

// Prometheus reads each selector only within the time range computed for it (its Select
// hints), and the TSDB trims samples to that range; the cursors take the range as [mint, maxt]
// and ignore samples outside it, whatever the storage returns.
struct Bounds {
  int64_t mint = INT64_MIN;
  int64_t maxt = INT64_MAX;
};

// The value of an instant vector selector: the latest sample at or before a reference time,
// if it is no older than the lookback delta and is not a stale marker.
class LookbackCursor {
 public:
  LookbackCursor(std::unique_ptr<storage::SeriesIterator> it, int64_t lookback_ms, Bounds b)
      : it_(std::move(it)), lookback_(lookback_ms), bounds_(b) {}

  // REQUIRES: ref_time does not decrease from call to call.
  bool At(int64_t ref_time, Point* out);
  absl::Status status() const { return it_->status(); }

 private:
  void Load() {
    has_next_ = true;
    storage::Sample s = it_->At();
    next_ = Point{s.t, s.v};
  }

  std::unique_ptr<storage::SeriesIterator> it_;
  int64_t lookback_;
  Bounds bounds_;
  bool started_ = false;
  bool has_last_ = false;
  bool has_next_ = false;
  Point last_;  // the newest sample read with t <= the last ref_time
  Point next_;  // the sample after it, read but not consumed
};

// The samples of a range selector: those with mint <= t <= maxt, stale markers excluded,
// kept in a sliding buffer as the window moves forward.
class WindowCursor {
 public:
  WindowCursor(std::unique_ptr<storage::SeriesIterator> it, Bounds b)
      : it_(std::move(it)), bounds_(b) {}

  // Moves the window; REQUIRES: mint and maxt do not decrease from call to call. Sets
  // *dropped / *added to the number of points that left / entered the window.
  std::span<const Point> Window(int64_t mint, int64_t maxt, int64_t* dropped, int64_t* added);
  absl::Status status() const { return it_->status(); }

  // How many adjacent pairs of the current window decrease (counter resets), kept up to date
  // as the window moves so that rate() need not scan windows without resets.
  int64_t decreases() const { return decreases_; }

 private:
  void Advance(bool ok) {
    has_next_ = ok;
    if (ok) {
      storage::Sample s = it_->At();
      next_ = Point{s.t, s.v};
    }
  }

  std::unique_ptr<storage::SeriesIterator> it_;
  Bounds bounds_;
  bool started_ = false;
  bool has_next_ = false;
  Point next_;
  std::vector<Point> buf_;
  size_t head_ = 0;  // buf_[head_:] is the window
  int64_t decreases_ = 0;
};

// Iterates points held in memory (a subquery's result) as a storage series.
class PointsIterator final : public storage::SeriesIterator {
 public:
  explicit PointsIterator(std::span<const Point> p) : p_(p) {}
  bool Next() override;
  bool Seek(int64_t t) override;
  storage::Sample At() const override { return storage::Sample{p_[i_].t, p_[i_].v}; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::span<const Point> p_;
  size_t i_ = 0;
  bool started_ = false;
};

// Inline: called once per series and step.
inline std::span<const Point> WindowCursor::Window(int64_t mint, int64_t maxt, int64_t* dropped,
                                                   int64_t* added) {
  size_t before = buf_.size() - head_;
  while (head_ < buf_.size() && buf_[head_].t < mint) {
    if (head_ + 1 < buf_.size() && buf_[head_ + 1].v < buf_[head_].v) decreases_--;
    head_++;
  }
  *dropped = static_cast<int64_t>(before - (buf_.size() - head_));
  if (head_ == buf_.size()) {
    buf_.clear();
    head_ = 0;
  } else if (head_ > 256 && head_ * 2 > buf_.size()) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<ptrdiff_t>(head_));
    head_ = 0;
  }
  if (!started_ || (has_next_ && next_.t < mint)) {
    started_ = true;
    Advance(it_->Seek(std::max(mint, bounds_.mint)));
  }
  size_t size_before_add = buf_.size();
  while (has_next_ && next_.t <= maxt && next_.t <= bounds_.maxt) {
    if (next_.t >= mint && !IsStaleNaN(next_.v)) {
      if (buf_.size() > head_ && next_.v < buf_.back().v) decreases_++;
      buf_.push_back(next_);
    }
    Advance(it_->Next());
  }
  *added = static_cast<int64_t>(buf_.size() - size_before_add);
  return std::span<const Point>(buf_.data() + head_, buf_.size() - head_);
}

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_SERIES_CURSOR_H_
