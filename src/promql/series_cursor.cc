#include "promql/series_cursor.h"

#include <algorithm>

namespace strata::promql::internal {

bool LookbackCursor::At(int64_t ref_time, Point* out) {
  const int64_t oldest = ref_time - lookback_;
  if (!started_ || (has_next_ && next_.t < oldest)) {
    // Nothing before `oldest` can be the answer (it would be too old), so skip it in storage.
    started_ = true;
    has_last_ = false;
    if (it_->Seek(std::max(oldest, bounds_.mint))) {
      Load();
    } else {
      has_next_ = false;
    }
  }
  while (has_next_ && next_.t <= ref_time && next_.t <= bounds_.maxt) {
    last_ = next_;
    has_last_ = true;
    if (it_->Next()) {
      Load();
    } else {
      has_next_ = false;
    }
  }
  if (!has_last_ || last_.t < oldest || IsStaleNaN(last_.v)) return false;
  *out = last_;
  return true;
}

bool PointsIterator::Next() {
  if (!started_) {
    started_ = true;
    i_ = 0;
  } else if (i_ < p_.size()) {
    i_++;
  }
  return i_ < p_.size();
}

bool PointsIterator::Seek(int64_t t) {
  if (!started_) {
    started_ = true;
    i_ = 0;
  }
  if (i_ < p_.size() && p_[i_].t >= t) return true;
  auto it = std::lower_bound(p_.begin() + static_cast<ptrdiff_t>(std::min(i_, p_.size())), p_.end(),
                             t, [](const Point& a, int64_t x) { return a.t < x; });
  i_ = static_cast<size_t>(it - p_.begin());
  return i_ < p_.size();
}

}  // namespace strata::promql::internal
