// Measures the distributor's per-request work: validating a decoded remote-write request
// (per series and per sample) and one rate-limiter decision.
#include <algorithm>
#include <string>

#include "benchmark/benchmark.h"
#include "distributor/rate_limiter.h"
#include "distributor/validate.h"
#include "prompb/decode.h"
#include "prompb/encode.h"

namespace strata::distributor {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

// 1000 series of 10 labels (Prometheus's default max_samples_per_send is 2000), `samples` each.
std::string Body(int samples, bool reversed_labels) {
  prompb::WriteRequest req;
  for (int s = 0; s < 1000; ++s) {
    prompb::TimeSeries ts;
    ts.labels.push_back({"__name__", "node_cpu_seconds_total"});
    for (int l = 0; l < 9; ++l) {
      ts.labels.push_back({"label_" + std::to_string(l), "value_" + std::to_string(s * 9 + l)});
    }
    if (reversed_labels) std::reverse(ts.labels.begin(), ts.labels.end());
    for (int i = 0; i < samples; ++i) ts.samples.push_back({1.0, kNow - samples + i});
    req.timeseries.push_back(std::move(ts));
  }
  std::string body;
  prompb::EncodeWriteRequest(req, &body);
  return body;
}

void BM_Validate(benchmark::State& state) {
  const int samples = static_cast<int>(state.range(0));
  const std::string body = Body(samples, state.range(1) != 0);
  prompb::WriteRequestView view;
  if (!prompb::DecodeWriteRequest(body, &view).ok()) state.SkipWithError("decode");
  const limits::Limits limits;
  ValidatedRequest out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ValidateWriteRequest(view, limits, kNow, {}, &out));
    benchmark::DoNotOptimize(out.series.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000 * samples);  // samples
  state.counters["series/s"] =
      benchmark::Counter(1000.0 * state.iterations(), benchmark::Counter::kIsRate);
}
// Args: samples per series, labels sent unsorted (0/1).
BENCHMARK(BM_Validate)->Args({1, 0})->Args({1, 1})->Args({10, 0})->Args({100, 0});

void BM_RateLimiterAllowN(benchmark::State& state) {
  RateLimiter limiter;
  limits::Limits limits;
  limits.ingestion_rate = 1e12;  // never refuses: measure the bookkeeping
  limits.ingestion_burst_size = 1'000'000'000;
  int64_t now = kNow;
  for (auto _ : state) benchmark::DoNotOptimize(limiter.AllowN("tenant-1", ++now, 1000, limits));
}
BENCHMARK(BM_RateLimiterAllowN)->ThreadRange(1, 2);

}  // namespace
}  // namespace strata::distributor
