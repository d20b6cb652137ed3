// Measures Ingester::Push on existing series, the steady state of remote write: 1,000 series of
// 10 labels, one sample each per request (as Prometheus sends), WAL on a real disk, with and
// without the active-series tracking, so its share of the per-sample cost is visible.
#include <malloc.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "ingester/ingester.h"
#include "util/testing.h"

namespace strata::ingester {
namespace {

constexpr int kSeries = 1000;

// As in the server (main.cc): Debian's abseil runs its deadlock detector on every Mutex lock
// unless switched off (see head_bench.cc).
const bool kDetectionOff = [] {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return true;
}();

constexpr int64_t kStart = 1'700'000'000'000;

// An ingester on a temporary directory, shipping off, its clock at kStart.
struct BenchIngester {
  explicit BenchIngester(bool active_series) {
    IngesterConfig cfg;
    cfg.tsdb_dir = dir.Join("tsdb");
    cfg.bucket_dir = "";
    cfg.active_series_enabled = active_series;
    if (auto opened = Ingester::Open(DefaultFs(), cfg, &clock, &overrides); opened.ok()) {
      ing = *std::move(opened);
    }
  }
  strata::testing::TempDir dir;
  FakeClock clock{kStart};
  limits::Overrides overrides;
  std::unique_ptr<Ingester> ing;  // null if it did not open; destroyed first
};

void BM_PushExistingSeries(benchmark::State& state) {
  BenchIngester b(state.range(0) != 0);
  if (b.ing == nullptr) {
    state.SkipWithError("open");
    return;
  }
  int64_t now = kStart;
  std::vector<labels::Labels> lsets;
  for (int s = 0; s < kSeries; s++) {
    std::vector<std::string> text;  // owns what the Label views point at
    for (int i = 0; i < 9; i++) {
      text.push_back("label_" + std::to_string(i));
      text.push_back("value_" + std::to_string(s * 9 + i));
    }
    std::vector<labels::Label> l = {{"__name__", "node_cpu_seconds_total"}};
    for (size_t i = 0; i < text.size(); i += 2) l.push_back({text[i], text[i + 1]});
    lsets.push_back(labels::Labels::FromUnsorted(std::move(l)));
  }
  std::vector<std::vector<labels::Label>> views;
  for (const auto& l : lsets) views.emplace_back(l.begin(), l.end());
  std::vector<prompb::Sample> samples(kSeries);
  std::vector<PushSeries> push(kSeries);
  for (auto _ : state) {
    now += 15'000;
    b.clock.SetMs(now);
    for (int s = 0; s < kSeries; s++) {
      samples[s] = {static_cast<double>(s), now};
      push[s] = PushSeries{views[s], std::span(&samples[s], 1)};
    }
    PushResult r = b.ing->Push("tenant", push);
    if (r.appended != kSeries) state.SkipWithError("not all appended");
  }
  state.SetItemsProcessed(state.iterations() * kSeries);  // samples
}
// Arg: active series tracking off (0) / on (1).
BENCHMARK(BM_PushExistingSeries)->Arg(0)->Arg(1)->UseRealTime();

// Heap bytes per series when many small tenants each push 1,000 series of 6 labels once
// (bench/compare's D shape, in-process): malloc's in-use bytes (mallinfo2, arenas and mmapped
// chunks) before and after, over all series, so what a tenant costs beyond its series (log and
// file buffers, stripes) is spread over them. Run it alone (--benchmark_filter=ManySmall): after
// the other benchmark the heap's state shifts the figure. Measured: 446 bytes per series (890
// before flushed write buffers were released and one-ref postings kept inline, 719 before the
// series became one allocation); a tenant's fixed part is ~20 KB, 16 KB of it the stripes (one
// series in each of 100 tenants).
void BM_ManySmallTenantsMemory(benchmark::State& state) {
  const int tenants = static_cast<int>(state.range(0));
  double per_series = 0;
  for (auto _ : state) {
    BenchIngester b(/*active_series=*/true);
    if (b.ing == nullptr) {
      state.SkipWithError("open");
      return;
    }
    std::vector<std::string> text;
    std::vector<std::vector<labels::Label>> views(kSeries);
    for (int s = 0; s < kSeries; s++) text.push_back(std::to_string(s));
    for (int s = 0; s < kSeries; s++) {
      views[s] = {{"__name__", "m_total"}, {"cpu", text[s % 64]}, {"instance", "host:9100"},
                  {"job", "node"}, {"mode", "user"}, {"series", text[s]}};
    }
    std::vector<prompb::Sample> samples(kSeries, prompb::Sample{1.0, kStart});
    std::vector<PushSeries> push(kSeries);
    for (int s = 0; s < kSeries; s++) push[s] = PushSeries{views[s], std::span(&samples[s], 1)};
    ::malloc_trim(0);
    auto in_use = [] {
      const struct mallinfo2 m = mallinfo2();
      return m.uordblks + m.hblkhd;  // in arenas + in mmapped chunks
    };
    const size_t before = in_use();
    for (int t = 0; t < tenants; t++) {
      if (b.ing->Push("tenant-" + std::to_string(t), push).appended != kSeries) {
        state.SkipWithError("not all appended");
      }
    }
    per_series = double(in_use() - before) / (double(tenants) * kSeries);
  }
  state.counters["heap_bytes/series"] = per_series;
}
BENCHMARK(BM_ManySmallTenantsMemory)->Arg(100)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::ingester
