// Metrics computed at scrape time (client_golang's Collector, GaugeFunc and CounterFunc).
//
// A collector declares one or more families (Desc) when it is registered; at every scrape the
// Registry calls its function once with a CollectSink, and the function adds the current samples
// of any of its families, e.g. one sample per open tenant:
//
//   registry.NewCollector({{"cortex_ingester_memory_series_per_user", "...", MetricType::kGauge,
//                           {"user"}}},
//                         [&](CollectSink& sink) {
//                           for (auto& [user, db] : dbs) sink.Add(0, {user}, db->num_series());
//                         });
//
// Samples are sorted like a family's before they are written; a family that got no samples this
// scrape is left off the page.
#ifndef STRATA_METRICS_COLLECTOR_H_
#define STRATA_METRICS_COLLECTOR_H_

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/family.h"
#include "metrics/metric.h"

namespace strata::metrics {

class Collector;

// One family a collector writes.
struct Desc {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<std::string> label_names;  // the order CollectSink::Add takes values in
};

// Receives the samples of one scrape. Used by one thread (the scraping one) during one call.
class CollectSink {
 public:
  // Adds a counter or gauge sample to the family descs[desc_index]; `values` in that Desc's
  // label_names order. A sample is dropped if the index is out of range, the family is a
  // histogram, or the number of values is wrong. If the same label values come twice, the first
  // sample wins.
  void Add(size_t desc_index, std::initializer_list<std::string_view> values, double value) {
    Add(desc_index, LabelValues(values.begin(), values.size()), value);
  }
  void Add(size_t desc_index, LabelValues values, double value);

  // Adds a histogram sample (e.g. Histogram::Snapshot(), or several merged). Dropped like Add's
  // samples, when the family is not a histogram, or when `h` is malformed (sizes differ, bounds
  // not strictly increasing, counts not cumulative or above `count`).
  void AddHistogram(size_t desc_index, std::initializer_list<std::string_view> values,
                    HistogramSnapshot h) {
    AddHistogram(desc_index, LabelValues(values.begin(), values.size()), std::move(h));
  }
  void AddHistogram(size_t desc_index, LabelValues values, HistogramSnapshot h);

 private:
  friend class Collector;
  struct Sample {
    std::vector<std::string> values;  // name-sorted order
    double value = 0;
    HistogramSnapshot histogram;
  };
  explicit CollectSink(const Collector* collector);
  bool Accepts(size_t desc_index, LabelValues values, bool histogram) const;

  const Collector* collector_;
  std::vector<std::vector<Sample>> samples_;  // per Desc
};

using CollectFn = std::function<void(CollectSink&)>;

// A registered collector: its families and its function. Internal to the metrics module; the
// Registry creates it from validated Descs.
class Collector {
 public:
  Collector(std::vector<Desc> descs, CollectFn fn);

  const std::vector<Desc>& descs() const { return descs_; }
  // Runs the function once. Thread-safe if the function is.
  CollectSink Collect() const;
  // Appends family `desc_index` of one Collect()'s result; nothing if it has no samples.
  void AppendText(CollectSink& sink, size_t desc_index, std::string* out) const;

 private:
  friend class CollectSink;
  const std::vector<Desc> descs_;
  const std::vector<LabelOrder> orders_;  // per Desc
  const CollectFn fn_;
};

}  // namespace strata::metrics

#endif  // STRATA_METRICS_COLLECTOR_H_
