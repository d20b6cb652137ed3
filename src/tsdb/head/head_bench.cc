// Measures the head: append throughput (existing vs new series, 1 and 2 threads), memory per
// series and per sample, WAL replay speed, and select+iterate speed. Everything writes to a
// temporary directory on the real file system (the WAL is written, not fsynced, per commit).
#include <malloc.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "benchmark/benchmark.h"
#include "tsdb/head/head.h"
#include "util/check.h"
#include "util/testing.h"

namespace strata::tsdb::head {
namespace {

// Debian's abseil is built without NDEBUG, so absl::Mutex runs its deadlock detector on every
// Lock (~3 us instead of ~20 ns with 100k mutexes on this machine). A server must switch it off;
// these benchmarks measure that configuration unless STRATA_ABSL_DEADLOCK_DETECTION is set.
const bool kDetectionOff = [] {
  if (std::getenv("STRATA_ABSL_DEADLOCK_DETECTION") != nullptr) return false;
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return true;
}();

constexpr int64_t kScrape = 15000;
constexpr int64_t kStart = 1700000000000;

// 10 labels, like a typical scraped series (job, instance, pod, ...).
std::vector<std::string> LabelStrings(int i, int variant) {
  return {"__name__", "http_requests_total",
          "code",     std::to_string(200 + i % 5),
          "handler",  "/api/v1/query_range",
          "instance", "10.0.0." + std::to_string(i % 250) + ":9090",
          "job",      "bench",
          "method",   i % 2 == 0 ? "get" : "post",
          "pod",      "pod-" + std::to_string(i) + "-" + std::to_string(variant),
          "region",   "eu-west-1",
          "series",   std::to_string(i),
          "zone",     "eu-west-1a"};
}

// A prepared label set: its strings and the Label views into them (never reallocated).
struct BenchSeries {
  std::vector<std::string> strings;
  std::vector<labels::Label> view;
  void Set(std::vector<std::string> s) {
    strings = std::move(s);
    view.clear();
    for (size_t k = 0; k + 1 < strings.size(); k += 2) view.push_back({strings[k], strings[k + 1]});
  }
};

std::vector<BenchSeries> MakeSeries(int n, int variant) {
  std::vector<BenchSeries> out(n);
  for (int i = 0; i < n; i++) out[i].Set(LabelStrings(i, variant));
  return out;
}

struct Fixture {
  strata::testing::TempDir dir;
  std::unique_ptr<Head> head;
  std::vector<BenchSeries> series;
  explicit Fixture(int n, HeadOptions opts = {}) : series(MakeSeries(n, 0)) {
    auto h = Head::Open(DefaultFs(), dir.path(), opts, INT64_MIN);
    CHECK(h.ok());
    head = *std::move(h);
  }
  // One commit per scrape, one sample per series, from `from` (inclusive) for `scrapes`.
  void Fill(int64_t from, int scrapes) {
    for (int k = 0; k < scrapes; k++) {
      auto app = head->Appender();
      const int64_t t = from + k * kScrape;
      for (size_t i = 0; i < series.size(); i++) app->Append(series[i].view, t, double(t / 1000 + i));
      CHECK(app->Commit().ok());
    }
  }
};

// Shared by the threads of one run; replaced by the next run's thread 0 (all threads of the
// previous run have finished by then).
std::unique_ptr<Fixture> g_fixture;

void SetSampleCounters(benchmark::State& state, int64_t samples) {
  state.SetItemsProcessed(samples);
  // Seconds per sample (printed with an SI prefix, e.g. "697n" = 697 ns).
  state.counters["time/sample"] = benchmark::Counter(
      double(samples), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Appends one sample to each existing series per iteration (one commit per thread and scrape).
void BM_AppendExistingSeries(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  if (state.thread_index() == 0) {
    g_fixture = std::make_unique<Fixture>(n);
    g_fixture->Fill(kStart, 1);  // the series exist
  }
  // Each thread owns a slice of the series, so every sample is in order for its series.
  const int per = n / state.threads();
  const int first = state.thread_index() * per;
  int64_t t = kStart;
  int64_t samples = 0;
  for (auto _ : state) {
    t += kScrape;
    auto app = g_fixture->head->Appender();
    for (int i = first; i < first + per; i++) {
      benchmark::DoNotOptimize(app->Append(g_fixture->series[i].view, t, double(t / 1000 + i)));
    }
    if (!app->Commit().ok()) state.SkipWithError("commit failed");
    samples += per;
  }
  SetSampleCounters(state, samples);
}
BENCHMARK(BM_AppendExistingSeries)->Arg(1000)->Arg(10000)->UseRealTime()->Threads(1)->Threads(2);

// Appends to series that do not exist yet: creation (labels copy, postings, WAL series record)
// dominates. Label strings are prepared outside the timed part.
void BM_AppendNewSeries(benchmark::State& state) {
  constexpr int kBatch = 1000;
  if (state.thread_index() == 0) g_fixture = std::make_unique<Fixture>(0);
  std::vector<BenchSeries> batch(kBatch);
  int round = 0;
  int64_t samples = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < kBatch; i++) batch[i].Set(LabelStrings(i, round * 16 + state.thread_index()));
    round++;
    state.ResumeTiming();
    auto app = g_fixture->head->Appender();
    for (int i = 0; i < kBatch; i++) {
      benchmark::DoNotOptimize(app->Append(batch[i].view, kStart, 1.0));
    }
    if (!app->Commit().ok()) state.SkipWithError("commit failed");
    samples += kBatch;
  }
  SetSampleCounters(state, samples);
}
BENCHMARK(BM_AppendNewSeries)->UseRealTime()->Threads(1)->Threads(2);

// What a series and a sample cost in memory, by HeadStats (one run, no timing of interest).
void BM_HeadMemory(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int samples = static_cast<int>(state.range(1));
  double per_series = 0, per_sample = 0, total_per_series = 0;
  for (auto _ : state) {
    Fixture f(n);
    const double empty = double(f.head->Stats().memory_bytes);
    f.Fill(kStart, 1);
    const double one = double(f.head->Stats().memory_bytes);
    f.Fill(kStart + kScrape, samples - 1);
    const double full = double(f.head->Stats().memory_bytes);
    per_series = (one - empty) / n;
    per_sample = (full - one) / (double(n) * (samples - 1));
    total_per_series = (full - empty) / n;
  }
  state.counters["bytes/series"] = per_series;
  state.counters["bytes/sample"] = per_sample;
  state.counters["bytes/series_total"] = total_per_series;
}
BENCHMARK(BM_HeadMemory)->Args({10000, 120})->Iterations(1)->Unit(benchmark::kMillisecond);

// bench/compare's B shape in-process: many short series (6 node-exporter labels, 10 samples),
// malloc's in-use bytes per series (mallinfo2: every allocation the head makes, maps and
// postings included, unlike HeadStats). Run alone: the figure depends on the heap's state.
void BM_HeadMallocPerShortSeries(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::vector<BenchSeries> series(n);
  for (int i = 0; i < n; i++) {
    series[i].Set({"__name__", "node_cpu_seconds_total", "cpu", std::to_string(i % 64),
                   "instance", "host-" + std::to_string(i / 640) + ":9100", "job", "node",
                   "mode", "user", "series", std::to_string(i)});
  }
  double per_series = 0;
  for (auto _ : state) {
    const size_t before = mallinfo2().uordblks + mallinfo2().hblkhd;
    Fixture f(0);
    f.series = std::move(series);
    f.Fill(kStart, 10);
    const size_t after = mallinfo2().uordblks + mallinfo2().hblkhd;
    per_series = double(after - before) / n;
    series = std::move(f.series);
  }
  state.counters["heap_bytes/series"] = per_series;
}
BENCHMARK(BM_HeadMallocPerShortSeries)->Arg(300000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

// Opens a head whose WAL holds `n` series × 120 samples (no m-mapped chunk: 120 samples at 15 s
// fill one chunk that is never cut), i.e. replays the WAL.
void BM_WalReplay(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  constexpr int kSamples = 120;
  strata::testing::TempDir dir;
  {
    Fixture f(n);
    f.Fill(kStart, kSamples);
    strata::testing::CopyTree(f.dir.path(), dir.path());
  }
  for (auto _ : state) {
    // Each open starts a new WAL segment and chunks_head file: replay a pristine copy.
    state.PauseTiming();
    strata::testing::TempDir copy;
    strata::testing::CopyTree(dir.path(), copy.path());
    state.ResumeTiming();
    auto h = Head::Open(DefaultFs(), copy.path(), {}, INT64_MIN);
    if (!h.ok() || (*h)->Stats().num_series != uint64_t(n)) state.SkipWithError("replay failed");
    state.PauseTiming();
    h->reset();
    state.ResumeTiming();
  }
  SetSampleCounters(state, int64_t(state.iterations()) * n * kSamples);
}
BENCHMARK(BM_WalReplay)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Selects every series and iterates every sample.
void BM_SelectIterate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  constexpr int kSamples = 120;
  Fixture f(n);
  f.Fill(kStart, kSamples);
  int64_t samples = 0;
  for (auto _ : state) {
    auto q = f.head->Querier(INT64_MIN, INT64_MAX);
    auto set = q->Select(true, {}, {});
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) {
        benchmark::DoNotOptimize(it->At());
        samples++;
      }
    }
  }
  SetSampleCounters(state, samples);
}
BENCHMARK(BM_SelectIterate)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace strata::tsdb::head
