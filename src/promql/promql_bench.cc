// Measures query latency of the engine over an in-memory storage: 500 series of 2h at a 15s
// scrape interval (480 samples each), range queries at step 15s (481 steps) and instant queries.
#include <string>

#include "benchmark/benchmark.h"
#include "promql/engine.h"
#include "promql/memory_storage.h"
#include "util/check.h"

namespace strata::promql {
namespace {

constexpr int kSeries = 500;
constexpr int64_t kScrapeMs = 15000;
constexpr int64_t kSpanMs = 2 * 3600 * 1000;

// m{job, instance}: counters; <kind>_cpu_seconds_total{namespace, pod} plus as many
// <kind>_memory_bytes series that the regex must skip.
const MemoryStorage& Storage() {
  static const MemoryStorage* storage = [] {
    auto* s = new MemoryStorage;
    const char* kinds[] = {"node", "container", "process", "machine", "pod"};
    for (int i = 0; i < kSeries; i++) {
      labels::Labels counter{{"__name__", "m"},
                             {"job", "job-" + std::to_string(i % 10)},
                             {"instance", "host-" + std::to_string(i) + ":9100"}};
      std::string kind = kinds[i % 5];
      labels::Labels cpu{{"__name__", kind + "_cpu_seconds_total"},
                         {"namespace", "ns-" + std::to_string(i % 20)},
                         {"pod", "pod-" + std::to_string(i)}};
      labels::Labels mem{{"__name__", kind + "_memory_bytes"},
                         {"namespace", "ns-" + std::to_string(i % 20)},
                         {"pod", "pod-" + std::to_string(i)}};
      double v = 0;
      for (int64_t t = 0; t < kSpanMs; t += kScrapeMs) {
        v += 1 + (i * 7 + t / kScrapeMs) % 13;
        CHECK(s->Append(counter, t, v).ok());
        CHECK(s->Append(cpu, t, v / 100).ok());
        CHECK(s->Append(mem, t, 1e9 + v).ok());
      }
    }
    return s;
  }();
  return *storage;
}

Queryable StorageQueryable() {
  return [](int64_t mint, int64_t maxt) { return Storage().Querier(mint, maxt); };
}

void RunRange(benchmark::State& state, const char* query) {
  Storage();  // built outside the timed loop
  Queryable q = StorageQueryable();
  Engine engine;
  size_t points = 0;
  for (auto _ : state) {
    auto query_or = engine.NewRangeQuery(q, query, 0, kSpanMs, kScrapeMs);
    CHECK(query_or.ok());
    absl::StatusOr<Result> r = (*query_or)->Exec();
    CHECK(r.ok());
    points = 0;
    for (const Series& s : std::get<Matrix>(r->value)) points += s.points.size();
    benchmark::DoNotOptimize(points);
  }
  state.counters["points"] = static_cast<double>(points);
}

void RunInstant(benchmark::State& state, const char* query) {
  Storage();
  Queryable q = StorageQueryable();
  Engine engine;
  for (auto _ : state) {
    auto query_or = engine.NewInstantQuery(q, query, kSpanMs - kScrapeMs);
    CHECK(query_or.ok());
    absl::StatusOr<Result> r = (*query_or)->Exec();
    CHECK(r.ok());
    benchmark::DoNotOptimize(r);
  }
}

void BM_RangeSumRate(benchmark::State& state) { RunRange(state, "sum by (job) (rate(m[5m]))"); }
void BM_RangeCountCpu(benchmark::State& state) {
  RunRange(state, "count by (namespace) ({__name__=~\".+_cpu_seconds_total\"})");
}
void BM_RangeSelector(benchmark::State& state) { RunRange(state, "m"); }
void BM_RangeBinaryOp(benchmark::State& state) {
  RunRange(state, "rate(m[5m]) / on(job) group_left sum by (job) (rate(m[5m]))");
}
void BM_RangeHistogramLike(benchmark::State& state) {
  RunRange(state, "max_over_time(sum by (job) (rate(m[1m]))[10m:1m])");
}
void BM_InstantSumRate(benchmark::State& state) { RunInstant(state, "sum by (job) (rate(m[5m]))"); }
void BM_InstantCountCpu(benchmark::State& state) {
  RunInstant(state, "count by (namespace) ({__name__=~\".+_cpu_seconds_total\"})");
}

BENCHMARK(BM_RangeSumRate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeCountCpu)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeSelector)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeBinaryOp)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeHistogramLike)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InstantSumRate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InstantCountCpu)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::promql
