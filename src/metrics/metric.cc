#include "metrics/metric.h"

#include <algorithm>
#include <cmath>

#include "util/check.h"

namespace strata::metrics {
namespace {

// Adds to an atomic double with a compare-exchange loop (std::atomic<double>::fetch_add compiles
// to the same loop with GCC; spelled out so the memory order is explicit).
void AtomicAddDouble(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

// Below this many buckets a linear scan beats binary search (client_golang picks 35 the same way).
constexpr size_t kLinearSearchMax = 32;

}  // namespace

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void Counter::Add(double v) {
  if (!(v >= 0)) return;  // negative or NaN
  // Whole numbers that fit go to the integer part: exact, and a fetch_add instead of a CAS loop.
  if (v < 18446744073709549568.0 && v == std::floor(v)) {
    ints_.fetch_add(static_cast<uint64_t>(v), std::memory_order_relaxed);
    return;
  }
  AtomicAddDouble(floats_, v);
}

double Counter::value() const {
  return static_cast<double>(ints_.load(std::memory_order_relaxed)) +
         floats_.load(std::memory_order_relaxed);
}

void Gauge::Add(double v) { AtomicAddDouble(v_, v); }

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds), counts_(new std::atomic<uint64_t>[upper_bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); i++) counts_[i].store(0, std::memory_order_relaxed);
}

size_t Histogram::BucketIndex(double v) const {
  if (std::isnan(v)) return bounds_.size();
  if (bounds_.size() <= kLinearSearchMax) {
    size_t i = 0;
    while (i < bounds_.size() && bounds_[i] < v) i++;
    return i;
  }
  return static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
}

void Histogram::Observe(double v) {
  counts_[BucketIndex(v)].fetch_add(1, std::memory_order_relaxed);
  AtomicAddDouble(sum_, v);
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot s;
  s.upper_bounds.assign(bounds_.begin(), bounds_.end());
  s.cumulative_counts.resize(bounds_.size());
  uint64_t total = 0;
  for (size_t i = 0; i < bounds_.size(); i++) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative_counts[i] = total;
  }
  s.count = total + counts_[bounds_.size()].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> DefBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::vector<double> LinearBuckets(double start, double width, int count) {
  DCHECK(count >= 1 && width > 0);
  std::vector<double> b;
  // Repeated addition, as client_golang does, so bounds print identically (0.1+0.1+0.1).
  for (int i = 0; i < count; i++, start += width) b.push_back(start);
  return b;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  DCHECK(count >= 1 && start > 0 && factor > 1);
  std::vector<double> b;
  double v = start;
  for (int i = 0; i < count; i++, v *= factor) b.push_back(v);
  return b;
}

}  // namespace strata::metrics
