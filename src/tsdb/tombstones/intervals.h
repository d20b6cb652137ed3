// Deleted time ranges of one series (prometheus-tsdb-formats.md §5, §1.5).
//
// An Interval is closed: [mint, maxt] covers every integer timestamp t with mint <= t <= maxt.
// Intervals keeps a canonical form — sorted by mint, pairwise disjoint and not adjacent — so
// [1,2] + [3,4] is stored as [1,4]: both cover exactly the same timestamps, and merging keeps
// lookups logarithmic however often a range is deleted.
//
// Thread-safety: plain values; synchronise externally (MemTombstones does).
#ifndef STRATA_TSDB_TOMBSTONES_INTERVALS_H_
#define STRATA_TSDB_TOMBSTONES_INTERVALS_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <vector>

namespace strata::tsdb::tombstones {

class Intervals;

struct Interval {
  int64_t mint = 0;
  int64_t maxt = 0;

  // True if mint <= t <= maxt.
  bool Contains(int64_t t) const { return mint <= t && t <= maxt; }
  // True if this interval lies entirely inside one interval of `ranges`.
  bool IsSubrange(const Intervals& ranges) const;
  // An interval with mint > maxt covers no timestamp.
  bool empty() const { return mint > maxt; }

  friend bool operator==(const Interval&, const Interval&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Interval& i) {
    return os << "[" << i.mint << "," << i.maxt << "]";
  }
};

class Intervals {
 public:
  Intervals() = default;
  // Adds each interval in turn (so the list need not be sorted or disjoint).
  Intervals(std::initializer_list<Interval> list);

  // Adds `itv`, merging it with every stored interval it overlaps or touches (t and t+1).
  // An empty interval (mint > maxt) is ignored.
  void Add(Interval itv);
  // True if some interval contains t. O(log n).
  bool Contains(int64_t t) const;

  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  const Interval& operator[](size_t i) const { return v_[i]; }
  std::vector<Interval>::const_iterator begin() const { return v_.begin(); }
  std::vector<Interval>::const_iterator end() const { return v_.end(); }

  friend bool operator==(const Intervals&, const Intervals&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Intervals& list);

 private:
  std::vector<Interval> v_;  // canonical: sorted by mint, disjoint, non-adjacent
};

}  // namespace strata::tsdb::tombstones

#endif  // STRATA_TSDB_TOMBSTONES_INTERVALS_H_
