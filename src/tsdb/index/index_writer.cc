#include "tsdb/index/index_writer.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "util/check.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::index {
namespace {

constexpr size_t kSectionFlushBytes = 64 * 1024;
constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();

uint32_t KeyName(uint64_t key) { return static_cast<uint32_t>(key >> 32); }
uint32_t KeyValue(uint64_t key) { return static_cast<uint32_t>(key); }

}  // namespace

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(Fs* fs, std::string path) {
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs->NewWritableFile(path));
  std::unique_ptr<IndexWriter> w(new IndexWriter(std::move(path), std::move(file)));
  std::string header;
  PutBE32(&header, kIndexMagic);
  header.push_back(static_cast<char>(kIndexFormatV2));
  RETURN_IF_ERROR_CTX(w->Write(header), "index writer");
  return w;
}

IndexWriter::~IndexWriter() {
  if (file_ != nullptr) (void)file_->Close();
}

// ---- Output helpers ----

absl::Status IndexWriter::Write(std::string_view b) {
  RETURN_IF_ERROR(file_->Append(b));
  pos_ += b.size();
  return absl::OkStatus();
}

absl::Status IndexWriter::PadTo(uint64_t alignment) {
  static constexpr char kZeros[16] = {};
  const uint64_t rem = pos_ % alignment;
  if (rem == 0) return absl::OkStatus();
  return Write(std::string_view(kZeros, alignment - rem));
}

absl::Status IndexWriter::BeginSection(uint64_t content_len) {
  if (content_len > kMaxU32) {
    return absl::InvalidArgumentError(
        StrCat("index section of ", content_len, " bytes exceeds 4 GiB"));
  }
  char len[4];
  EncodeBE32(static_cast<uint32_t>(content_len), len);
  section_crc_ = 0;
  section_left_ = content_len;
  section_buf_.clear();
  return Write(std::string_view(len, 4));
}

absl::Status IndexWriter::SectionAppend(std::string_view b) {
  DCHECK(b.size() <= section_left_);
  section_left_ -= b.size();
  section_buf_.append(b);
  if (section_buf_.size() < kSectionFlushBytes) return absl::OkStatus();
  section_crc_ = crc32c::Extend(section_crc_, section_buf_.data(), section_buf_.size());
  absl::Status s = Write(section_buf_);
  section_buf_.clear();
  return s;
}

absl::Status IndexWriter::EndSection() {
  // The length was announced up front; a mismatch would make the file unreadable.
  CHECK(section_left_ == 0);
  section_crc_ = crc32c::Extend(section_crc_, section_buf_.data(), section_buf_.size());
  PutBE32(&section_buf_, section_crc_);
  absl::Status s = Write(section_buf_);
  section_buf_.clear();
  return s;
}

// ---- Symbols ----

std::string_view IndexWriter::SymbolAt(uint32_t i) const {
  const char* p = symbols_.data() + symbol_offsets_[i];
  // Fast path for the common one-byte length; symbols_ is our own well-formed encoding.
  if (static_cast<uint8_t>(p[0]) < 0x80) return std::string_view(p + 1, static_cast<uint8_t>(p[0]));
  uint64_t n = 0;
  const int k = DecodeUvarint(p, symbols_.data() + symbols_.size(), &n);
  return std::string_view(p + k, n);
}

int64_t IndexWriter::FindSymbol(std::string_view s) const {
  size_t lo = 0, hi = symbol_offsets_.size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (SymbolAt(static_cast<uint32_t>(mid)) < s) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < symbol_offsets_.size() && SymbolAt(static_cast<uint32_t>(lo)) == s) {
    return static_cast<int64_t>(lo);
  }
  return -1;
}

absl::Status IndexWriter::AddSymbol(std::string_view symbol) {
  if (!status_.ok()) return status_;
  if (stage_ != Stage::kSymbols) {
    return absl::FailedPreconditionError("index writer: AddSymbol after the first AddSeries");
  }
  if (!symbol_offsets_.empty()) {
    const std::string_view last = SymbolAt(static_cast<uint32_t>(symbol_offsets_.size() - 1));
    if (symbol <= last) {
      return absl::InvalidArgumentError(
          StrCat("index writer: symbol \"", symbol, "\" does not sort after \"", last, "\""));
    }
  }
  if (symbols_.size() > kMaxU32 || symbol_offsets_.size() >= kMaxU32) {
    return absl::InvalidArgumentError("index writer: symbol table exceeds 4 GiB");
  }
  symbol_offsets_.push_back(static_cast<uint32_t>(symbols_.size()));
  PutUvarintStr(&symbols_, symbol);
  return absl::OkStatus();
}

// §4.2: be32 len ‖ be32 #symbols ‖ entries ‖ be32 crc.
absl::Status IndexWriter::WriteSymbols() {
  toc_.symbols = pos_;
  RETURN_IF_ERROR(BeginSection(4 + symbols_.size()));
  char count[4];
  EncodeBE32(static_cast<uint32_t>(symbol_offsets_.size()), count);
  RETURN_IF_ERROR(SectionAppend(std::string_view(count, 4)));
  for (size_t off = 0; off < symbols_.size(); off += kSectionFlushBytes) {
    RETURN_IF_ERROR(SectionAppend(std::string_view(symbols_).substr(off, kSectionFlushBytes)));
  }
  RETURN_IF_ERROR(EndSection());
  toc_.series = pos_;
  stage_ = Stage::kSeries;
  return absl::OkStatus();
}

// ---- Series ----

absl::Status IndexWriter::AddSeries(uint64_t ref, const labels::Labels& lset,
                                    std::span<const chunks::ChunkMeta> chunks) {
  if (!status_.ok()) return status_;
  if (stage_ == Stage::kDone) return absl::FailedPreconditionError("index writer: closed");
  absl::Status s = DoAddSeries(ref, lset, chunks);
  // Invalid input leaves the writer usable; an I/O error breaks it.
  if (!s.ok() && !absl::IsInvalidArgument(s)) status_ = s;
  return s;
}

absl::Status IndexWriter::DoAddSeries(uint64_t ref, const labels::Labels& lset,
                                      std::span<const chunks::ChunkMeta> chunks) {
  if (lset.empty() || Compare(lset, last_series_) <= 0) {
    return absl::InvalidArgumentError(
        StrCat("index writer: out-of-order series added with label set ", lset.ToString()));
  }
  if (ref < last_ref_) {
    return absl::InvalidArgumentError(
        StrCat("index writer: series ref ", ref, " after a series with greater ref ", last_ref_));
  }
  // Encode the body first so that bad input fails before anything is written.
  RETURN_IF_ERROR(EncodeSeries(lset, chunks));

  if (stage_ == Stage::kSymbols) RETURN_IF_ERROR(WriteSymbols());
  RETURN_IF_ERROR(PadTo(kSeriesAlignment));
  if (pos_ / kSeriesAlignment > kMaxU32) {
    return absl::ResourceExhaustedError("index writer: series offset exceeds 4 bytes");
  }
  const uint32_t series_ref = static_cast<uint32_t>(pos_ / kSeriesAlignment);
  char head[kMaxVarintLen64];
  const int head_len = EncodeUvarint(buf_.size(), head);
  PutBE32(&buf_, crc32c::Value(buf_));
  RETURN_IF_ERROR(Write(std::string_view(head, head_len)));
  RETURN_IF_ERROR(Write(buf_));

  for (uint64_t key : series_keys_) postings_[key].push_back(series_ref);
  all_postings_.push_back(series_ref);
  last_series_ = lset;
  last_keys_.swap(series_keys_);
  last_ref_ = ref;
  return absl::OkStatus();
}

// Fills buf_ with the series entry body of §4.3 and series_keys_ with its postings keys.
absl::Status IndexWriter::EncodeSeries(const labels::Labels& lset,
                                       std::span<const chunks::ChunkMeta> chunks) {
  buf_.clear();
  series_keys_.clear();
  PutUvarint(&buf_, lset.size());
  // Sorted neighbours share leading labels, so most lookups hit the previous series' refs.
  auto last = last_series_.begin();
  size_t i = 0;
  for (const labels::Label& l : lset) {
    int64_t name = -1, value = -1;
    const bool cached = last != last_series_.end() && i < last_keys_.size();
    if (cached && last->name == l.name) {
      name = KeyName(last_keys_[i]);
      if (last->value == l.value) value = KeyValue(last_keys_[i]);
    }
    if (cached) ++last;
    i++;
    if (name < 0 && !l.name.empty()) name = FindSymbol(l.name);
    if (value < 0) value = FindSymbol(l.value);
    if (name < 0 || value < 0) {
      return absl::InvalidArgumentError(StrCat("index writer: label ", l.name, "=\"", l.value,
                                               "\" of series ", lset.ToString(),
                                               " has an empty name or is not in the symbols"));
    }
    PutUvarint(&buf_, static_cast<uint64_t>(name));
    PutUvarint(&buf_, static_cast<uint64_t>(value));
    series_keys_.push_back((static_cast<uint64_t>(name) << 32) | static_cast<uint64_t>(value));
  }
  PutUvarint(&buf_, chunks.size());
  // The first chunk absolute, then deltas against the previous chunk. Negative deltas wrap as
  // two's complement, as Prometheus writes them.
  for (size_t i = 0; i < chunks.size(); i++) {
    const chunks::ChunkMeta& c = chunks[i];
    if (i == 0) {
      PutVarint(&buf_, c.min_time);
      PutUvarint(&buf_, static_cast<uint64_t>(c.max_time - c.min_time));
      PutUvarint(&buf_, c.ref);
    } else {
      const chunks::ChunkMeta& prev = chunks[i - 1];
      PutUvarint(&buf_, static_cast<uint64_t>(c.min_time - prev.max_time));
      PutUvarint(&buf_, static_cast<uint64_t>(c.max_time - c.min_time));
      PutVarint(&buf_, static_cast<int64_t>(c.ref - prev.ref));
    }
  }
  return absl::OkStatus();
}

// ---- Close ----

absl::Status IndexWriter::Close() {
  if (!status_.ok()) return status_;
  if (stage_ == Stage::kDone) return absl::OkStatus();
  status_ = Annotate(DoClose(), StrCat("index writer ", path_));
  return status_;
}

absl::Status IndexWriter::DoClose() {
  if (stage_ == Stage::kSymbols) RETURN_IF_ERROR(WriteSymbols());
  std::vector<uint64_t> keys;
  keys.reserve(postings_.size());
  for (const auto& [k, v] : postings_) keys.push_back(k);
  std::sort(keys.begin(), keys.end());

  toc_.label_indices = pos_;
  RETURN_IF_ERROR(WriteLabelIndices(keys));
  toc_.postings = pos_;
  std::vector<uint64_t> offsets;
  RETURN_IF_ERROR(WritePostings(keys, &offsets));
  toc_.label_indices_table = pos_;
  RETURN_IF_ERROR(WriteLabelOffsetTable(keys));
  toc_.postings_table = pos_;
  RETURN_IF_ERROR(WritePostingsOffsetTable(keys, offsets));
  std::string toc;
  EncodeToc(toc_, &toc);
  RETURN_IF_ERROR(Write(toc));
  RETURN_IF_ERROR(file_->Sync());
  std::unique_ptr<WritableFile> f = std::move(file_);
  RETURN_IF_ERROR(f->Close());
  stage_ = Stage::kDone;
  return absl::OkStatus();
}

}  // namespace strata::tsdb::index
