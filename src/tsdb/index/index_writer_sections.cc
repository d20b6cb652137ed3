// The sections IndexWriter::Close writes after the series (§4.4 - §4.7).
#include <algorithm>
#include <utility>

#include "tsdb/index/index_writer.h"
#include "util/coding.h"
#include "util/status_macros.h"

namespace strata::tsdb::index {
namespace {

uint32_t KeyName(uint64_t key) { return static_cast<uint32_t>(key >> 32); }
uint32_t KeyValue(uint64_t key) { return static_cast<uint32_t>(key); }

// The end of the run of keys starting at `i` that share its label name.
size_t NameRunEnd(const std::vector<uint64_t>& keys, size_t i) {
  size_t j = i;
  while (j < keys.size() && KeyName(keys[j]) == KeyName(keys[i])) j++;
  return j;
}

constexpr size_t kRefsPerPiece = 1024;

}  // namespace

// §4.4: one per label name, 4-aligned: be32 len ‖ be32 1 ‖ be32 #values ‖ be32 value refs ‖ crc.
absl::Status IndexWriter::WriteLabelIndices(const std::vector<uint64_t>& keys) {
  for (size_t i = 0; i < keys.size();) {
    const size_t end = NameRunEnd(keys, i);
    RETURN_IF_ERROR(PadTo(kListAlignment));
    label_index_offsets_.push_back(pos_);
    RETURN_IF_ERROR(BeginSection(4 + 4 + 4 * (end - i)));
    buf_.clear();
    PutBE32(&buf_, 1);
    PutBE32(&buf_, static_cast<uint32_t>(end - i));
    for (; i < end; i++) {
      PutBE32(&buf_, KeyValue(keys[i]));
      if (buf_.size() >= 4 * kRefsPerPiece) {
        RETURN_IF_ERROR(SectionAppend(buf_));
        buf_.clear();
      }
    }
    RETURN_IF_ERROR(SectionAppend(buf_));
    RETURN_IF_ERROR(EndSection());
  }
  return absl::OkStatus();
}

// §4.5: be32 len ‖ be32 #refs ‖ be32 refs ‖ crc.
absl::Status IndexWriter::WritePostingsList(std::span<const uint32_t> refs) {
  RETURN_IF_ERROR(BeginSection(4 + 4 * uint64_t{refs.size()}));
  char count[4];
  EncodeBE32(static_cast<uint32_t>(refs.size()), count);
  RETURN_IF_ERROR(SectionAppend(std::string_view(count, 4)));
  for (size_t i = 0; i < refs.size(); i += kRefsPerPiece) {
    const size_t n = std::min(kRefsPerPiece, refs.size() - i);
    buf_.resize(4 * n);
    for (size_t k = 0; k < n; k++) EncodeBE32(refs[i + k], buf_.data() + 4 * k);
    RETURN_IF_ERROR(SectionAppend(buf_));
  }
  return EndSection();
}

// The all-postings list first, then one list per key; `offsets` gets each list's start in the
// same order. Lists are freed once written.
absl::Status IndexWriter::WritePostings(const std::vector<uint64_t>& keys,
                                        std::vector<uint64_t>* offsets) {
  offsets->reserve(keys.size() + 1);
  RETURN_IF_ERROR(PadTo(kListAlignment));
  offsets->push_back(pos_);
  RETURN_IF_ERROR(WritePostingsList(all_postings_));
  std::vector<uint32_t>().swap(all_postings_);
  for (uint64_t key : keys) {
    RETURN_IF_ERROR(PadTo(kListAlignment));
    offsets->push_back(pos_);
    auto it = postings_.find(key);
    RETURN_IF_ERROR(WritePostingsList(it->second));
    std::vector<uint32_t>().swap(it->second);
  }
  return absl::OkStatus();
}

// §4.6: be32 len ‖ be32 #names ‖ {uvarint 1, str name, uvarint offset}… ‖ crc.
absl::Status IndexWriter::WriteLabelOffsetTable(const std::vector<uint64_t>& keys) {
  std::string content;
  PutBE32(&content, static_cast<uint32_t>(label_index_offsets_.size()));
  size_t n = 0;
  for (size_t i = 0; i < keys.size(); i = NameRunEnd(keys, i), n++) {
    PutUvarint(&content, 1);
    PutUvarintStr(&content, SymbolAt(KeyName(keys[i])));
    PutUvarint(&content, label_index_offsets_[n]);
  }
  RETURN_IF_ERROR(BeginSection(content.size()));
  RETURN_IF_ERROR(SectionAppend(content));
  return EndSection();
}

// §4.7: be32 len ‖ be32 #entries ‖ {uvarint 2, str name, str value, uvarint offset}… ‖ crc.
// The content can be large (one entry per label pair), so its size is computed first and the
// entries are streamed.
absl::Status IndexWriter::WritePostingsOffsetTable(const std::vector<uint64_t>& keys,
                                                   const std::vector<uint64_t>& offsets) {
  auto entry_size = [](std::string_view name, std::string_view value, uint64_t offset) {
    return 1 + UvarintSize(name.size()) + name.size() + UvarintSize(value.size()) + value.size() +
           UvarintSize(offset);
  };
  uint64_t size = 4 + entry_size(kAllPostingsName, kAllPostingsValue, offsets[0]);
  for (size_t i = 0; i < keys.size(); i++) {
    size += entry_size(SymbolAt(KeyName(keys[i])), SymbolAt(KeyValue(keys[i])), offsets[i + 1]);
  }
  RETURN_IF_ERROR(BeginSection(size));
  buf_.clear();
  PutBE32(&buf_, static_cast<uint32_t>(keys.size() + 1));
  for (size_t i = 0; i <= keys.size(); i++) {
    PutUvarint(&buf_, 2);
    PutUvarintStr(&buf_, i == 0 ? kAllPostingsName : SymbolAt(KeyName(keys[i - 1])));
    PutUvarintStr(&buf_, i == 0 ? kAllPostingsValue : SymbolAt(KeyValue(keys[i - 1])));
    PutUvarint(&buf_, offsets[i]);
    if (buf_.size() >= 64 * 1024) {
      RETURN_IF_ERROR(SectionAppend(buf_));
      buf_.clear();
    }
  }
  RETURN_IF_ERROR(SectionAppend(buf_));
  return EndSection();
}

}  // namespace strata::tsdb::index
