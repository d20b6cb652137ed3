// libFuzzer target: the index reader (tsdb::index::IndexReader, format v2) over an index file
// held in memory, exercised the way a block querier uses it: symbols, label names and values,
// postings for every value of every name, all postings, and every series entry they reference.
//
// The sections carry CRC32Cs, so almost every mutation would stop at the first CRC check. Each
// input is therefore read twice: as given, and with the CRCs recomputed (of the TOC, the symbol
// table, the two offset tables, and every series entry, label index and postings list found by
// walking those sections), so the fuzzer also reaches the decoders behind the checks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "labels/labels.h"
#include "tsdb/chunks/chunk_meta.h"
#include "tsdb/index/index_format.h"
#include "tsdb/index/index_reader.h"
#include "util/crc32c.h"
#include "util/fs.h"

namespace {

namespace index = strata::tsdb::index;

// Views bytes owned elsewhere (libFuzzer's input, exactly its size: ASan catches over-reads).
class ViewRegion : public strata::ReadOnlyRegion {
 public:
  explicit ViewRegion(std::string_view bytes) : bytes_(bytes) {}
  std::string_view data() const override { return bytes_; }

 private:
  std::string_view bytes_;
};

uint64_t Be(const std::string& f, uint64_t off, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = (v << 8) | static_cast<uint8_t>(f[off + i]);
  return v;
}

void PutCrc(std::string* f, uint64_t body, uint64_t len) {
  const uint32_t crc = strata::crc32c::Value(f->data() + body, len);
  for (int i = 0; i < 4; i++) (*f)[body + len + i] = static_cast<char>(crc >> (24 - 8 * i));
}

// A "be32 len | body | be32 crc32c(body)" block at `off`; returns its end or 0 if it does not fit.
// Offsets come from the (fuzzed) TOC: every comparison is written so that nothing overflows.
uint64_t FixBe32Block(std::string* f, uint64_t off, uint64_t limit) {
  if (off == 0 || off >= limit || limit - off < 8) return 0;
  const uint64_t len = Be(*f, off, 4);
  if (len > limit - off - 8) return 0;
  PutCrc(f, off + 4, len);
  return off + 4 + len + 4;
}

// Series entries (§4.3): 16-byte aligned, "uvarint len | body | be32 crc32c(body)".
void FixSeries(std::string* f, uint64_t off, uint64_t limit) {
  while (off != 0 && off < limit) {
    off = (off + index::kSeriesAlignment - 1) / index::kSeriesAlignment * index::kSeriesAlignment;
    uint64_t len = 0;
    uint64_t p = off;
    for (int shift = 0; p < limit && shift < 64; shift += 7) {
      const uint8_t b = static_cast<uint8_t>((*f)[p++]);
      len |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    if (len == 0 || p >= limit || len > limit - p || limit - p - len < 4) return;
    PutCrc(f, p, len);
    off = p + len + 4;
  }
}

// Consecutive be32-length blocks (label indices, postings lists), each 4-byte aligned.
void FixBlocks(std::string* f, uint64_t off, uint64_t limit) {
  while (off != 0 && off < limit) {
    off = (off + index::kListAlignment - 1) / index::kListAlignment * index::kListAlignment;
    off = FixBe32Block(f, off, limit);
  }
}

std::string FixCrcs(std::string f) {
  if (f.size() < index::kIndexHeaderSize + index::kTocSize) return f;
  const uint64_t toc_at = f.size() - index::kTocSize;
  uint64_t s[6];
  for (int i = 0; i < 6; i++) s[i] = Be(f, toc_at + 8 * i, 8);
  const uint64_t symbols = s[0], series = s[1], label_indices = s[2], label_table = s[3],
                 postings = s[4], postings_table = s[5];
  // Each section ends where the next non-empty one starts (or at the TOC).
  auto end_of = [&](int i) {
    for (int j = i + 1; j < 6; j++) {
      if (s[j] > s[i] && s[j] <= toc_at) return s[j];
    }
    return toc_at;
  };
  FixBe32Block(&f, symbols, toc_at);
  if (series != 0) FixSeries(&f, series, end_of(1));
  if (label_indices != 0) FixBlocks(&f, label_indices, end_of(2));
  FixBe32Block(&f, label_table, toc_at);
  if (postings != 0) FixBlocks(&f, postings, end_of(4));
  FixBe32Block(&f, postings_table, toc_at);
  PutCrc(&f, toc_at, index::kTocSize - 4);
  return f;
}

// Walks a postings list. Not checked: that it increases. The reader verifies a list's CRC and
// length, not its order (neither does Prometheus), so a corrupt list with a valid CRC comes back
// unsorted; see docs/reliability.md.
void WalkPostings(index::Postings* p, std::vector<uint64_t>* refs) {
  while (p->Next()) {
    if (refs != nullptr && refs->size() < 10000) refs->push_back(p->At());
  }
  (void)p->status();
}

void ReadIndex(std::string_view bytes) {
  auto reader = index::IndexReader::Open(std::make_unique<ViewRegion>(bytes), "fuzz");
  if (!reader.ok()) return;
  const index::IndexReader& r = **reader;
  (void)r.Symbols();
  (void)r.LookupSymbol(0);
  (void)r.LookupSymbol(0xffffffffu);
  for (std::string_view name : r.LabelNames()) {
    auto values = r.LabelValues(name);
    if (!values.ok()) continue;
    auto p = r.Postings(name, *values);
    if (p.ok()) WalkPostings(p->get(), nullptr);
  }
  std::vector<uint64_t> refs;
  auto all = r.AllPostings();
  if (all.ok()) WalkPostings(all->get(), &refs);
  refs.push_back(0);
  refs.push_back(bytes.size());
  strata::labels::Labels lset;
  std::vector<strata::tsdb::chunks::ChunkMeta> chks;
  for (uint64_t ref : refs) (void)r.Series(ref, &lset, &chks);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ReadIndex(bytes);
  const std::string fixed = FixCrcs(std::string(bytes));
  if (fixed != bytes) {
    // Exactly-sized copy so that ASan still sees reads past the end.
    std::unique_ptr<char[]> copy(new char[fixed.size()]);
    fixed.copy(copy.get(), fixed.size());
    ReadIndex(std::string_view(copy.get(), fixed.size()));
  }
  return 0;
}
