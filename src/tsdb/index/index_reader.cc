#include "tsdb/index/index_reader.h"

#include <algorithm>
#include <optional>

#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::index {

absl::StatusOr<std::unique_ptr<IndexReader>> IndexReader::Open(Fs* fs, const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<ReadOnlyRegion> region, fs->MapFile(path));
  return Open(std::move(region), path);
}

absl::StatusOr<std::unique_ptr<IndexReader>> IndexReader::Open(
    std::unique_ptr<ReadOnlyRegion> region, std::string name) {
  std::unique_ptr<IndexReader> r(new IndexReader(std::move(region), std::move(name)));
  RETURN_IF_ERROR(r->Init());
  return r;
}

absl::Status IndexReader::Corrupt(std::string_view what, uint64_t offset) const {
  return absl::DataLossError(StrCat("index ", name_, ": ", what, " at offset ", offset));
}

absl::Status IndexReader::Init() {
  if (data_.size() < kIndexHeaderSize) {
    return absl::DataLossError(
        StrCat("index ", name_, ": file too small (", data_.size(), " bytes)"));
  }
  if (uint32_t magic = DecodeBE32(data_.data()); magic != kIndexMagic) {
    return Corrupt(StrCat("invalid magic number ", absl::Hex(magic)), 0);
  }
  const uint8_t version = static_cast<uint8_t>(data_[4]);
  if (version == kIndexFormatV1) {
    return absl::UnimplementedError(
        StrCat("index ", name_, ": index format version 1 is not supported (only 2)"));
  }
  if (version != kIndexFormatV2) {
    return Corrupt(StrCat("unknown index format version ", int{version}), 4);
  }
  const std::string context = StrCat("index ", name_);
  absl::StatusOr<Toc> toc = DecodeToc(data_);
  if (!toc.ok()) return Annotate(toc.status(), context);
  toc_ = *toc;
  absl::StatusOr<SymbolTable> symbols = SymbolTable::Parse(data_, toc_.symbols);
  if (!symbols.ok()) return Annotate(symbols.status(), context);
  symbols_ = std::move(*symbols);
  absl::StatusOr<PostingsTable> table = PostingsTable::Parse(data_, toc_.postings_table);
  if (!table.ok()) return Annotate(table.status(), context);
  postings_table_ = std::move(*table);
  return absl::OkStatus();
}

std::vector<std::string_view> IndexReader::Symbols() const {
  std::vector<std::string_view> out;
  out.reserve(symbols_.size());
  for (uint32_t i = 0; i < symbols_.size(); i++) out.push_back(symbols_.At(i));
  return out;
}

std::vector<std::string_view> IndexReader::LabelNames() const {
  std::vector<std::string_view> names = postings_table_.Names();
  names.erase(std::remove(names.begin(), names.end(), kAllPostingsName), names.end());
  return names;
}

absl::StatusOr<std::vector<std::string_view>> IndexReader::LabelValues(
    std::string_view name) const {
  std::vector<std::string_view> values;
  RETURN_IF_ERROR(postings_table_.ForEachValue(name, [&values](std::string_view v, uint64_t) {
    values.push_back(v);
    return true;
  }));
  return values;
}

// §4.5: be32 len ‖ be32 #refs ‖ be32 refs ‖ be32 crc, with len == 4 + 4 * #refs.
absl::StatusOr<std::string_view> IndexReader::PostingsListAt(uint64_t offset) const {
  if (offset > data_.size() || data_.size() - offset < 12) {
    return Corrupt("postings list out of bounds", offset);
  }
  const uint64_t len = DecodeBE32(data_.data() + offset);
  if (len + 8 > data_.size() - offset) {
    return Corrupt(StrCat("postings list of length ", len, " overruns the file"), offset);
  }
  const std::string_view content = data_.substr(offset + 4, len);
  const uint32_t expected = DecodeBE32(content.data() + len);
  if (uint32_t actual = crc32c::Value(content); actual != expected) {
    return Corrupt(StrCat("postings list checksum mismatch expected:", absl::Hex(expected),
                          ", actual:", absl::Hex(actual)),
                   offset);
  }
  const uint64_t n = len >= 4 ? DecodeBE32(content.data()) : 0;
  if (len < 4 || len != 4 + 4 * n) {
    return Corrupt(StrCat("postings list length ", len, " does not match ", n, " entries"), offset);
  }
  return content.substr(4);
}

absl::StatusOr<std::unique_ptr<index::Postings>> IndexReader::Postings(
    std::string_view name, std::span<const std::string_view> values) const {
  std::vector<std::unique_ptr<index::Postings>> lists;
  lists.reserve(values.size());
  for (std::string_view v : values) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> offset, postings_table_.Find(name, v));
    if (!offset.has_value()) continue;
    ASSIGN_OR_RETURN(std::string_view refs, PostingsListAt(*offset));
    lists.push_back(NewBigEndianPostings(refs));
  }
  return Merge(std::move(lists));
}

absl::Status IndexReader::Series(uint64_t ref, labels::Labels* lset,
                                 std::vector<chunks::ChunkMeta>* chks) const {
  const uint64_t data_end = data_.size() - kTocSize;  // Init checked the size
  if (ref > data_end / kSeriesAlignment || ref * kSeriesAlignment < toc_.series) {
    return Corrupt(StrCat("series reference ", ref, " out of range"), ref * kSeriesAlignment);
  }
  const uint64_t offset = ref * kSeriesAlignment;
  Decbuf d(data_.substr(offset, data_end - offset));
  const uint64_t len = d.Uvarint();
  const std::string_view body = d.Bytes(len);
  const uint32_t expected = d.Be32();
  if (!d.ok())
    return Corrupt(StrCat("series entry truncated (", d.status().message(), ")"), offset);
  if (uint32_t actual = crc32c::Value(body); actual != expected) {
    return Corrupt(StrCat("series checksum mismatch expected:", absl::Hex(expected),
                          ", actual:", absl::Hex(actual)),
                   offset);
  }
  if (absl::Status s = DecodeSeries(body, lset, chks); !s.ok()) {
    return Corrupt(StrCat("series entry: ", s.message()), offset);
  }
  return absl::OkStatus();
}

// §4.3 body: labels as symbol reference pairs, then chunk metas delta-encoded. Arithmetic is done
// in uint64 so that corrupt deltas wrap instead of overflowing.
absl::Status IndexReader::DecodeSeries(std::string_view body, labels::Labels* lset,
                                       std::vector<chunks::ChunkMeta>* chks) const {
  Decbuf d(body);
  const uint64_t num_labels = d.Uvarint();
  std::vector<labels::Label> ls;
  ls.reserve(std::min<uint64_t>(num_labels, body.size()));
  for (uint64_t i = 0; i < num_labels && d.ok(); i++) {
    const uint32_t name_ref = d.Uvarint32();
    const uint32_t value_ref = d.Uvarint32();
    if (!d.ok()) break;
    ASSIGN_OR_RETURN(std::string_view name, symbols_.Lookup(name_ref));
    ASSIGN_OR_RETURN(std::string_view value, symbols_.Lookup(value_ref));
    if (!ls.empty() && name <= ls.back().name) {
      return absl::DataLossError(StrCat("label names not sorted at label ", i));
    }
    ls.push_back(labels::Label{name, value});
  }
  const uint64_t num_chunks = d.Uvarint();
  chks->clear();
  chks->reserve(std::min<uint64_t>(num_chunks, body.size()));
  for (uint64_t i = 0; i < num_chunks && d.ok(); i++) {
    chunks::ChunkMeta c;
    if (i == 0) {
      c.min_time = d.Varint();
      c.max_time = static_cast<int64_t>(static_cast<uint64_t>(c.min_time) + d.Uvarint());
      c.ref = d.Uvarint();
    } else {
      const chunks::ChunkMeta& prev = chks->back();
      c.min_time = static_cast<int64_t>(static_cast<uint64_t>(prev.max_time) + d.Uvarint());
      c.max_time = static_cast<int64_t>(static_cast<uint64_t>(c.min_time) + d.Uvarint());
      c.ref = prev.ref + static_cast<uint64_t>(d.Varint());
    }
    if (d.ok()) chks->push_back(c);
  }
  if (!d.ok()) return d.status();
  if (d.remaining() != 0) return absl::DataLossError(StrCat(d.remaining(), " trailing bytes"));
  *lset = labels::Labels::FromSorted(ls);
  return absl::OkStatus();
}

}  // namespace strata::tsdb::index
