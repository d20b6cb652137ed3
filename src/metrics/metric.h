// The value types of Strata's own metrics: Counter, Gauge and Histogram (the Prometheus client
// model, as in client_golang). Each is one series; families with labels (family.h) own many.
//
// Thread-safety: every update and read is lock-free and safe from any number of threads. Updates
// use relaxed atomics: each value is an independent statistic, nothing else is published through
// it, and a scrape only needs each value to be one that really existed at some point.
//
// Lifetime: instances are created and owned by a family (family.h), which a Registry owns.
#ifndef STRATA_METRICS_METRIC_H_
#define STRATA_METRICS_METRIC_H_

#include <atomic>
#include <concepts>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace strata::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// "counter", "gauge" or "histogram": the word on a `# TYPE` line.
std::string_view TypeName(MetricType type);

// A monotonically increasing value. Integer additions go to a 64-bit integer (one fetch_add, exact
// up to 2^64); fractional additions go to a double. The exposed value is their sum.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Inc() { ints_.fetch_add(1, std::memory_order_relaxed); }
  // Adds `n`. A negative `n` is ignored (a counter never decreases).
  template <std::integral I>
  void Add(I n) {
    if (n < 0) return;
    ints_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
  }
  // Adds `v`. A negative or NaN `v` is ignored (a counter never decreases).
  void Add(double v);

  double value() const;

 private:
  std::atomic<uint64_t> ints_{0};
  std::atomic<double> floats_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double v) { v_.store(v, std::memory_order_relaxed); }
  void Add(double v);
  void Sub(double v) { Add(-v); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

// A histogram's state at one moment, cumulative the way the text format exposes it.
struct HistogramSnapshot {
  std::vector<double> upper_bounds;         // strictly increasing, finite; +Inf is implicit
  std::vector<uint64_t> cumulative_counts;  // [i] = observations <= upper_bounds[i]
  uint64_t count = 0;                       // all observations (the +Inf bucket)
  double sum = 0;
};

// Observations counted into fixed buckets, plus their sum and count (a Prometheus classic
// histogram). Observe is a bucket search, one fetch_add and one compare-exchange on the sum.
class Histogram {
 public:
  // REQUIRES: `upper_bounds` strictly increasing and finite (Registry validates them), and it
  // outlives this histogram (the family owns it and shares it among its children).
  explicit Histogram(std::span<const double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `v` in the first bucket whose upper bound is >= v; NaN and values above the last bound
  // go to +Inf only. NaN makes the sum NaN, as in client_golang.
  void Observe(double v);

  // Reads every bucket, then the sum. Concurrent observations may be half-visible: the sum may
  // include an observation the buckets miss or vice versa, but `count` always equals the +Inf
  // bucket and the buckets are always cumulative-consistent.
  HistogramSnapshot Snapshot() const;

  std::span<const double> upper_bounds() const { return bounds_; }

 private:
  size_t BucketIndex(double v) const;

  const std::span<const double> bounds_;
  // bounds_.size() + 1 counters; the last one is the +Inf overflow bucket. Not cumulative.
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Prometheus's default buckets for durations in seconds: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefBuckets();
// `count` buckets: start, start+width, ... REQUIRES: count >= 1, width > 0.
std::vector<double> LinearBuckets(double start, double width, int count);
// `count` buckets: start, start*factor, ... REQUIRES: count >= 1, start > 0, factor > 1.
std::vector<double> ExponentialBuckets(double start, double factor, int count);

}  // namespace strata::metrics

#endif  // STRATA_METRICS_METRIC_H_
