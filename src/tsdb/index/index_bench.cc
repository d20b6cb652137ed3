// Measures index writing (series/s) and postings set operations over on-disk style lists.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tsdb/index/index_reader.h"
#include "tsdb/index/index_writer.h"
#include "tsdb/index/postings.h"
#include "util/check.h"
#include "util/coding.h"
#include "util/testing.h"

namespace strata::tsdb::index {
namespace {

struct Workload {
  std::vector<std::string> symbols;
  std::vector<labels::Labels> series;  // sorted
};

// n series shaped like a scrape: 50 metric names × instances × a per-series id label.
const Workload& GetWorkload(int n) {
  static std::map<int, Workload> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  Workload& w = cache[n];
  std::set<std::string> symbols;
  for (int i = 0; i < n; i++) {
    w.series.push_back(labels::Labels{{"__name__", "metric_" + std::to_string(i % 50)},
                                      {"instance", "10.0." + std::to_string(i % 997) + ":9100"},
                                      {"job", i % 3 == 0 ? "node" : "app"},
                                      {"series_id", std::to_string(i)}});
    for (const labels::Label& l : w.series.back()) {
      symbols.insert(std::string(l.name));
      symbols.insert(std::string(l.value));
    }
  }
  std::sort(w.series.begin(), w.series.end());
  w.symbols.assign(symbols.begin(), symbols.end());
  return w;
}

void BM_IndexWrite(benchmark::State& state) {
  const Workload& w = GetWorkload(static_cast<int>(state.range(0)));
  testing::TempDir tmp;
  for (auto _ : state) {
    auto writer = IndexWriter::Open(DefaultFs(), tmp.Join("index"));
    CHECK(writer.ok());
    for (const std::string& s : w.symbols) CHECK((*writer)->AddSymbol(s).ok());
    for (size_t i = 0; i < w.series.size(); i++) {
      const chunks::ChunkMeta c[] = {{8 + 64 * i, 1000, 120000}, {40 + 64 * i, 121000, 240000}};
      CHECK((*writer)->AddSeries(i, w.series[i], c).ok());
    }
    CHECK((*writer)->Close().ok());
    state.counters["bytes"] = static_cast<double>((*writer)->size_bytes());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(w.series.size()));
}
BENCHMARK(BM_IndexWrite)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_IndexReadAllSeries(benchmark::State& state) {
  const Workload& w = GetWorkload(static_cast<int>(state.range(0)));
  testing::TempDir tmp;
  {
    auto writer = IndexWriter::Open(DefaultFs(), tmp.Join("index"));
    CHECK(writer.ok());
    for (const std::string& s : w.symbols) CHECK((*writer)->AddSymbol(s).ok());
    for (size_t i = 0; i < w.series.size(); i++) {
      const chunks::ChunkMeta c[] = {{8 + 64 * i, 1000, 120000}};
      CHECK((*writer)->AddSeries(i, w.series[i], c).ok());
    }
    CHECK((*writer)->Close().ok());
  }
  auto r = IndexReader::Open(DefaultFs(), tmp.Join("index"));
  CHECK(r.ok());
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  for (auto _ : state) {
    auto all = (*r)->AllPostings();
    CHECK(all.ok());
    while ((*all)->Next()) CHECK((*r)->Series((*all)->At(), &lset, &chks).ok());
    benchmark::DoNotOptimize(lset);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(w.series.size()));
}
BENCHMARK(BM_IndexReadAllSeries)->Arg(100000)->Unit(benchmark::kMillisecond);

// A sorted random subset of [0, 4M) of size n, as be32 (an on-disk postings list body).
std::string RandomList(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint32_t> v(n);
  for (auto& x : v) x = rng() % (4u << 20);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string s;
  for (uint32_t x : v) PutBE32(&s, x);
  return s;
}

void BM_IntersectTwo(benchmark::State& state) {
  const std::string a = RandomList(1000000, 1), b = RandomList(100000, 2);
  size_t n = 0;
  for (auto _ : state) {
    std::vector<std::unique_ptr<Postings>> its;
    its.push_back(NewBigEndianPostings(a));
    its.push_back(NewBigEndianPostings(b));
    auto p = Intersect(std::move(its));
    n = 0;
    while (p->Next()) n++;
    benchmark::DoNotOptimize(n);
  }
  state.counters["matches"] = static_cast<double>(n);
}
BENCHMARK(BM_IntersectTwo)->Unit(benchmark::kMicrosecond);

void BM_IntersectThree(benchmark::State& state) {
  const std::string a = RandomList(1000000, 1), b = RandomList(500000, 2),
                    c = RandomList(100000, 3);
  size_t n = 0;
  for (auto _ : state) {
    std::vector<std::unique_ptr<Postings>> its;
    its.push_back(NewBigEndianPostings(a));
    its.push_back(NewBigEndianPostings(b));
    its.push_back(NewBigEndianPostings(c));
    auto p = Intersect(std::move(its));
    n = 0;
    while (p->Next()) n++;
    benchmark::DoNotOptimize(n);
  }
  state.counters["matches"] = static_cast<double>(n);
}
BENCHMARK(BM_IntersectThree)->Unit(benchmark::kMicrosecond);

// Union of 10 lists of 100k each (e.g. a regex matcher over 10 values).
void BM_MergeTen(benchmark::State& state) {
  std::vector<std::string> lists;
  for (uint32_t i = 0; i < 10; i++) lists.push_back(RandomList(100000, 10 + i));
  size_t n = 0;
  for (auto _ : state) {
    std::vector<std::unique_ptr<Postings>> its;
    for (const std::string& l : lists) its.push_back(NewBigEndianPostings(l));
    auto p = Merge(std::move(its));
    n = 0;
    while (p->Next()) n++;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 1000000);
}
BENCHMARK(BM_MergeTen)->Unit(benchmark::kMicrosecond);

void BM_WithoutLarge(benchmark::State& state) {
  const std::string a = RandomList(1000000, 1), b = RandomList(100000, 2);
  size_t n = 0;
  for (auto _ : state) {
    auto p = Without(NewBigEndianPostings(a), NewBigEndianPostings(b));
    n = 0;
    while (p->Next()) n++;
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_WithoutLarge)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace strata::tsdb::index
