// Measures XOR chunk encode and decode time per sample and the encoded size per sample for
// realistic 120-sample chunks: a jittered 15 s counter and a 2-decimal gauge random walk.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tsdb/chunkenc/iterator.h"
#include "tsdb/chunkenc/xor.h"

namespace strata::tsdb::chunkenc {
namespace {

constexpr int kSamplesPerChunk = 120;
constexpr int kChunks = 256;

using Chunk = std::vector<std::pair<int64_t, double>>;

// 15 s scrapes with a few ms of jitter; the counter grows by a random amount each scrape.
std::vector<Chunk> Counters() {
  std::mt19937_64 rng(1);
  std::vector<Chunk> out(kChunks);
  for (Chunk& c : out) {
    int64_t t = 1700000000000 + static_cast<int64_t>(rng() % 15000);
    double v = static_cast<double>(rng() % 100000);
    for (int i = 0; i < kSamplesPerChunk; i++) {
      c.emplace_back(t + static_cast<int64_t>(rng() % 7) - 3, v);
      t += 15000;
      v += static_cast<double>(rng() % 50);
    }
  }
  return out;
}

// A random walk with two decimals (e.g. a temperature), same scrape timing as Counters().
std::vector<Chunk> Gauges() {
  std::mt19937_64 rng(2);
  std::vector<Chunk> out(kChunks);
  for (Chunk& c : out) {
    int64_t t = 1700000000000 + static_cast<int64_t>(rng() % 15000);
    int64_t cents = static_cast<int64_t>(rng() % 10000);
    for (int i = 0; i < kSamplesPerChunk; i++) {
      c.emplace_back(t + static_cast<int64_t>(rng() % 7) - 3, static_cast<double>(cents) / 100);
      t += 15000;
      cents += static_cast<int64_t>(rng() % 101) - 50;
    }
  }
  return out;
}

std::vector<Chunk> Data(int kind) { return kind == 0 ? Counters() : Gauges(); }

std::vector<std::string> EncodeAll(const std::vector<Chunk>& data) {
  std::vector<std::string> out;
  for (const Chunk& c : data) {
    XorChunk chunk;
    auto app = chunk.Appender();
    for (const auto& [t, v] : c) app->Append(t, v);
    out.emplace_back(chunk.bytes());
  }
  return out;
}

void SetCounters(benchmark::State& state, const std::vector<std::string>& encoded) {
  size_t bytes = 0;
  for (const std::string& e : encoded) bytes += e.size();
  const double samples = static_cast<double>(encoded.size()) * kSamplesPerChunk;
  state.counters["bytes/sample"] = static_cast<double>(bytes) / samples;
  state.counters["time/sample"] =
      benchmark::Counter(samples * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(state.range(0) == 0 ? "counter" : "gauge");
}

void BM_XorEncode(benchmark::State& state) {
  const std::vector<Chunk> data = Data(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    for (const Chunk& c : data) {
      XorChunk chunk;
      auto app = chunk.Appender();
      for (const auto& [t, v] : c) app->Append(t, v);
      benchmark::DoNotOptimize(chunk.bytes().data());
    }
  }
  SetCounters(state, EncodeAll(data));
}
BENCHMARK(BM_XorEncode)->Arg(0)->Arg(1);

void BM_XorDecode(benchmark::State& state) {
  const std::vector<std::string> encoded = EncodeAll(Data(static_cast<int>(state.range(0))));
  XorIterator it;
  for (auto _ : state) {
    for (const std::string& e : encoded) {
      it.Reset(e);
      double sum = 0;
      while (it.Next()) sum += it.v() + static_cast<double>(it.t());
      benchmark::DoNotOptimize(sum);
    }
  }
  SetCounters(state, encoded);
}
BENCHMARK(BM_XorDecode)->Arg(0)->Arg(1);

// The same through the virtual Iterator interface (one allocation per chunk for the iterator).
void BM_XorDecodeInterface(benchmark::State& state) {
  const std::vector<std::string> encoded = EncodeAll(Data(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    for (const std::string& e : encoded) {
      auto it = *NewIterator(Encoding::kXOR, e);
      double sum = 0;
      while (it->Next()) sum += it->v() + static_cast<double>(it->t());
      benchmark::DoNotOptimize(sum);
    }
  }
  SetCounters(state, encoded);
}
BENCHMARK(BM_XorDecodeInterface)->Arg(0)->Arg(1);

}  // namespace
}  // namespace strata::tsdb::chunkenc
