#include "tsdb/compact/compactor.h"

#include <set>
#include <vector>

#include "tsdb/block/block_writer.h"
#include "tsdb/chunkenc/xor.h"
#include "util/check.h"
#include "util/status_macros.h"

namespace strata::tsdb::compact {
namespace {

constexpr int kSamplesPerChunk = 120;

// Encodes one series' samples into chunks; returns the number of samples.
absl::StatusOr<uint64_t> EncodeSeries(const storage::Series& s, std::vector<chunkenc::XorChunk>* xs,
                                      std::vector<chunks::ChunkToWrite>* out) {
  xs->clear();
  out->clear();
  auto it = s.Iterator();
  uint64_t n = 0;
  // The appender points at the newest chunk only; older chunks may move when `xs` grows, which
  // is why their views are taken after the loop.
  std::optional<chunkenc::XorAppender> app;
  std::vector<std::pair<int64_t, int64_t>> spans;
  while (it->Next()) {
    const storage::Sample smp = it->At();
    if (n % kSamplesPerChunk == 0) {
      xs->emplace_back();
      auto a = xs->back().Appender();
      CHECK(a.ok());
      app.emplace(*std::move(a));
      spans.emplace_back(smp.t, smp.t);
    }
    app->Append(smp.t, smp.v);
    spans.back().second = smp.t;
    n++;
  }
  RETURN_IF_ERROR(it->status());
  for (size_t i = 0; i < xs->size(); i++) {
    chunks::ChunkToWrite c;
    c.encoding = static_cast<uint8_t>(chunkenc::Encoding::kXOR);
    c.data = (*xs)[i].bytes();
    c.min_time = spans[i].first;
    c.max_time = spans[i].second;
    out->push_back(c);
  }
  return n;
}

}  // namespace

absl::StatusOr<std::optional<block::BlockMeta>> WriteBlock(Fs* fs, const std::string& parent_dir,
                                                           storage::Querier& q, int64_t mint,
                                                           int64_t maxt, block::BlockMeta meta) {
  storage::SelectHints hints{mint, maxt};
  std::unique_ptr<storage::SeriesSet> set = q.Select(true, hints, {});
  // Pass 1: the series (kept alive by the set) and the symbols the index needs up front.
  std::vector<const storage::Series*> series;
  std::set<std::string> symbols;
  while (set->Next()) {
    const storage::Series& s = set->At();
    series.push_back(&s);
    for (const labels::Label& l : s.labels()) {
      symbols.emplace(l.name);
      symbols.emplace(l.value);
    }
  }
  RETURN_IF_ERROR(set->status());
  if (series.empty()) return std::nullopt;

  ASSIGN_OR_RETURN(auto writer, block::BlockWriter::Create(fs, parent_dir, std::move(meta)));
  RETURN_IF_ERROR(writer->AddSymbols(std::vector<std::string>(symbols.begin(), symbols.end())));
  // Pass 2: samples, chunk by chunk.
  std::vector<chunkenc::XorChunk> xs;
  std::vector<chunks::ChunkToWrite> chunks;
  uint64_t total = 0;
  for (const storage::Series* s : series) {
    ASSIGN_OR_RETURN(uint64_t n, EncodeSeries(*s, &xs, &chunks));
    if (n == 0) continue;
    RETURN_IF_ERROR(writer->AddSeries(s->labels(), chunks, n));
    total += n;
  }
  if (total == 0) return std::nullopt;  // the writer's destructor removes the temporary dir
  ASSIGN_OR_RETURN(block::BlockMeta written, writer->Commit());
  return written;
}

}  // namespace strata::tsdb::compact
