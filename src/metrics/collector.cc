#include "metrics/collector.h"

#include <algorithm>
#include <cmath>

#include "metrics/text_format.h"

namespace strata::metrics {
namespace {

std::vector<LabelOrder> OrdersOf(const std::vector<Desc>& descs) {
  std::vector<LabelOrder> orders;
  orders.reserve(descs.size());
  for (const Desc& d : descs) orders.emplace_back(d.label_names);
  return orders;
}

// The invariants the text format needs from a histogram a collector hands us.
bool WellFormed(const HistogramSnapshot& h) {
  if (h.upper_bounds.size() != h.cumulative_counts.size()) return false;
  for (size_t i = 0; i < h.upper_bounds.size(); i++) {
    if (!std::isfinite(h.upper_bounds[i])) return false;
    if (i > 0 && !(h.upper_bounds[i - 1] < h.upper_bounds[i])) return false;
    if (i > 0 && h.cumulative_counts[i - 1] > h.cumulative_counts[i]) return false;
  }
  return h.cumulative_counts.empty() || h.cumulative_counts.back() <= h.count;
}

}  // namespace

CollectSink::CollectSink(const Collector* collector)
    : collector_(collector), samples_(collector->descs_.size()) {}

bool CollectSink::Accepts(size_t desc_index, LabelValues values, bool histogram) const {
  if (desc_index >= samples_.size()) return false;
  const Desc& d = collector_->descs_[desc_index];
  if ((d.type == MetricType::kHistogram) != histogram) return false;
  return values.size() == d.label_names.size();
}

void CollectSink::Add(size_t desc_index, LabelValues values, double value) {
  if (!Accepts(desc_index, values, /*histogram=*/false)) return;
  Sample s;
  s.values = collector_->orders_[desc_index].ToSorted(values);
  s.value = value;
  samples_[desc_index].push_back(std::move(s));
}

void CollectSink::AddHistogram(size_t desc_index, LabelValues values, HistogramSnapshot h) {
  if (!Accepts(desc_index, values, /*histogram=*/true) || !WellFormed(h)) return;
  Sample s;
  s.values = collector_->orders_[desc_index].ToSorted(values);
  s.histogram = std::move(h);
  samples_[desc_index].push_back(std::move(s));
}

Collector::Collector(std::vector<Desc> descs, CollectFn fn)
    : descs_(std::move(descs)), orders_(OrdersOf(descs_)), fn_(std::move(fn)) {}

CollectSink Collector::Collect() const {
  CollectSink sink(this);
  fn_(sink);
  return sink;
}

void Collector::AppendText(CollectSink& sink, size_t desc_index, std::string* out) const {
  std::vector<CollectSink::Sample>& samples = sink.samples_[desc_index];
  if (samples.empty()) return;
  // Stable, so that of two samples with the same values the first one added is kept.
  std::stable_sort(samples.begin(), samples.end(),
                   [](const auto& a, const auto& b) { return a.values < b.values; });
  const Desc& d = descs_[desc_index];
  AppendHeader(out, d.name, d.help, d.type);
  std::string pairs;
  for (size_t i = 0; i < samples.size(); i++) {
    if (i > 0 && samples[i].values == samples[i - 1].values) continue;
    pairs.clear();
    AppendLabelPairs(&pairs, orders_[desc_index].sorted(), samples[i].values);
    if (d.type == MetricType::kHistogram) {
      AppendHistogram(out, d.name, pairs, samples[i].histogram);
    } else {
      AppendSample(out, d.name, "", pairs, samples[i].value);
    }
  }
}

}  // namespace strata::metrics
