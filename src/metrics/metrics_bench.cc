// Measures the hot-path costs of the metrics library: an update through a cached child, a
// WithLabels lookup of an existing child, a histogram observation, and rendering a page.
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "metrics/registry.h"

namespace strata::metrics {
namespace {

// Counter::Inc through a reference cached from WithLabels (what the ingest path does).
void BM_CounterIncCached(benchmark::State& state) {
  static CounterFamily family("x_total", "X.", {"user", "reason"});
  Counter& c = family.WithLabels({"user-1", "sample-out-of-order"});
  for (auto _ : state) c.Inc();
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_CounterIncCached)->Threads(1)->Threads(2);

// Counter::Add with a fractional value (the compare-exchange path).
void BM_CounterAddDouble(benchmark::State& state) {
  Counter c;
  for (auto _ : state) c.Add(0.5);
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_CounterAddDouble);

// WithLabels on an existing child among state.range(0) children, 2 labels.
void BM_WithLabelsLookup(benchmark::State& state) {
  CounterFamily family("x_total", "X.", {"user", "reason"});
  std::vector<std::string> users;
  for (int i = 0; i < state.range(0); i++) users.push_back("user-" + std::to_string(i));
  for (const auto& u : users) family.WithLabels({u, "sample-out-of-order"});
  size_t i = 0;
  for (auto _ : state) {
    Counter& c = family.WithLabels({users[i], "sample-out-of-order"});
    benchmark::DoNotOptimize(&c);
    if (++i == users.size()) i = 0;
  }
}
BENCHMARK(BM_WithLabelsLookup)->Arg(1)->Arg(1000)->Arg(100000);

// WithLabels followed by Inc, one label, from 2 threads on the same child (reader-lock sharing).
void BM_WithLabelsIncParallel(benchmark::State& state) {
  static CounterFamily family("y_total", "Y.", {"user"});
  for (auto _ : state) family.WithLabels({"user-1"}).Inc();
}
BENCHMARK(BM_WithLabelsIncParallel)->Threads(1)->Threads(2);

// Histogram::Observe with Prometheus's 11 default buckets.
void BM_HistogramObserve(benchmark::State& state) {
  const std::vector<double> bounds = DefBuckets();
  Histogram h(bounds);
  double v = 0;
  for (auto _ : state) {
    h.Observe(v);
    v += 0.001;
    if (v > 12) v = 0;
  }
  benchmark::DoNotOptimize(h.Snapshot().count);
}
BENCHMARK(BM_HistogramObserve);

// A whole page: one counter family with state.range(0) series, plus a histogram per 10 of them.
void BM_TextExposition(benchmark::State& state) {
  Registry r;
  CounterFamily* c = r.NewCounterFamily("x_total", "X.", {"user"}).value();
  HistogramFamily* h = r.NewHistogramFamily("y_seconds", "Y.", {"user"}, DefBuckets()).value();
  for (int i = 0; i < state.range(0); i++) {
    std::string u = "user-" + std::to_string(i);
    c->WithLabels({u}).Add(i);
    if (i % 10 == 0) h->WithLabels({u}).Observe(i * 0.01);
  }
  std::string page;
  for (auto _ : state) {
    page.clear();
    r.AppendTextExposition(&page);
    benchmark::DoNotOptimize(page.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * page.size()));
}
BENCHMARK(BM_TextExposition)->Arg(100)->Arg(10000);

}  // namespace
}  // namespace strata::metrics
