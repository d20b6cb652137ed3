// WAL throughput: appending samples records of 1000 samples (no fsync per record), with and
// without snappy, plus encoding, decoding and reading them back.
#include <benchmark/benchmark.h>

#include <random>

#include "tsdb/record/record.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/wal.h"
#include "util/check.h"
#include "util/testing.h"

namespace strata::tsdb::wal {
namespace {

constexpr int kSamplesPerRecord = 1000;

// One scrape of 1000 series: refs in order, timestamps within a few ms, counter-like values.
std::vector<record::RefSample> Scrape(int64_t t, std::mt19937_64& rng) {
  std::vector<record::RefSample> samples;
  for (int i = 0; i < kSamplesPerRecord; i++) {
    samples.push_back({static_cast<uint64_t>(i + 1), t + static_cast<int64_t>(rng() % 5),
                       static_cast<double>(rng() % 100000) / 4});
  }
  return samples;
}

void BM_WalLogSamplesRecord(benchmark::State& state) {
  const bool compress = state.range(0) != 0;
  testing::TempDir dir;
  auto wal = Wal::Open(DefaultFs(), dir.path(), WalOptions{.compress = compress});
  CHECK(wal.ok());
  std::mt19937_64 rng(1);
  std::vector<std::string> records(16);
  for (int i = 0; i < 16; i++) {
    record::EncodeSamples(Scrape(1700000000000 + 15000 * i, rng), &records[i]);
  }
  size_t bytes = 0;
  int i = 0;
  for (auto _ : state) {
    const std::string& rec = records[i++ % records.size()];
    CHECK((*wal)->Log(rec).ok());
    bytes += rec.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());  // records
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kSamplesPerRecord, benchmark::Counter::kIsRate);
  state.counters["bytes/record"] = static_cast<double>(bytes) / state.iterations();
  state.SetLabel(compress ? "snappy" : "uncompressed");
}
BENCHMARK(BM_WalLogSamplesRecord)->Arg(0)->Arg(1);

void BM_EncodeSamples(benchmark::State& state) {
  std::mt19937_64 rng(2);
  const std::vector<record::RefSample> samples = Scrape(1700000000000, rng);
  std::string buf;
  for (auto _ : state) {
    buf.clear();
    record::EncodeSamples(samples, &buf);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations() * kSamplesPerRecord);  // samples
}
BENCHMARK(BM_EncodeSamples);

void BM_DecodeSamples(benchmark::State& state) {
  std::mt19937_64 rng(3);
  std::string rec;
  record::EncodeSamples(Scrape(1700000000000, rng), &rec);
  record::Decoder dec;
  std::vector<record::RefSample> out;
  for (auto _ : state) {
    CHECK(dec.Samples(rec, &out).ok());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kSamplesPerRecord);  // samples
}
BENCHMARK(BM_DecodeSamples);

// Reading back 2000 records (about 25 MB uncompressed) with CRC checks and decompression.
void BM_ReadWal(benchmark::State& state) {
  const bool compress = state.range(0) != 0;
  testing::TempDir dir;
  std::mt19937_64 rng(4);
  size_t bytes = 0;
  {
    auto wal = Wal::Open(DefaultFs(), dir.path(), WalOptions{.compress = compress});
    CHECK(wal.ok());
    std::string rec;
    for (int i = 0; i < 2000; i++) {
      rec.clear();
      record::EncodeSamples(Scrape(1700000000000 + 15000 * i, rng), &rec);
      CHECK((*wal)->Log(rec).ok());
      bytes += rec.size();
    }
  }
  for (auto _ : state) {
    auto reader = Reader::Open(DefaultFs(), {dir.path()});
    CHECK(reader.ok());
    int n = 0;
    while ((*reader)->Next()) n++;
    CHECK(n == 2000 && (*reader)->status().ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(state.iterations() * 2000);  // records
  state.SetLabel(compress ? "snappy" : "uncompressed");
}
BENCHMARK(BM_ReadWal)->Arg(0)->Arg(1);

}  // namespace
}  // namespace strata::tsdb::wal
