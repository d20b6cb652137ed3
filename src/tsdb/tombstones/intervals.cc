#include "tsdb/tombstones/intervals.h"

#include <algorithm>

namespace strata::tsdb::tombstones {
namespace {

// True if a range ending at `maxt` overlaps or touches a range starting at `mint`. The `+ 1`
// is only evaluated when maxt < mint <= INT64_MAX, so it cannot overflow.
bool Touches(int64_t maxt, int64_t mint) { return mint <= maxt || mint == maxt + 1; }

}  // namespace

bool Interval::IsSubrange(const Intervals& ranges) const {
  for (const Interval& r : ranges) {
    if (r.mint <= mint && maxt <= r.maxt) return true;
  }
  return false;
}

Intervals::Intervals(std::initializer_list<Interval> list) {
  for (const Interval& itv : list) Add(itv);
}

void Intervals::Add(Interval itv) {
  if (itv.empty()) return;
  // Stored intervals are disjoint and sorted, so both mint and maxt increase along v_: the ones
  // that merge with `itv` form the contiguous run [first, last).
  auto first = std::partition_point(v_.begin(), v_.end(),
                                    [&](const Interval& x) { return !Touches(x.maxt, itv.mint); });
  auto last = std::partition_point(first, v_.end(),
                                   [&](const Interval& x) { return Touches(itv.maxt, x.mint); });
  if (first == last) {
    v_.insert(first, itv);
    return;
  }
  first->mint = std::min(first->mint, itv.mint);
  first->maxt = std::max((last - 1)->maxt, itv.maxt);
  v_.erase(first + 1, last);
}

bool Intervals::Contains(int64_t t) const {
  auto it =
      std::partition_point(v_.begin(), v_.end(), [&](const Interval& x) { return x.maxt < t; });
  return it != v_.end() && it->mint <= t;
}

std::ostream& operator<<(std::ostream& os, const Intervals& list) {
  os << "{";
  for (size_t i = 0; i < list.size(); i++) os << (i == 0 ? "" : ", ") << list[i];
  return os << "}";
}

}  // namespace strata::tsdb::tombstones
