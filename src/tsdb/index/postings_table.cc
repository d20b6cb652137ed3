#include "tsdb/index/postings_table.h"

#include <algorithm>

#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::index {
namespace {

// Prometheus 2.42 samples the same way; any stride would do.
constexpr uint64_t kSampleStride = 32;

}  // namespace

bool PostingsTable::DecodeEntry(std::string_view file, uint64_t* pos, uint64_t end, Entry* e) {
  Decbuf d(file.substr(*pos, end - *pos));
  const uint64_t keys = d.Uvarint();
  e->name = d.UvarintStr();
  e->value = d.UvarintStr();
  e->postings_offset = d.Uvarint();
  if (!d.ok() || keys != 2) return false;
  *pos += d.offset();
  return true;
}

absl::StatusOr<PostingsTable> PostingsTable::Parse(std::string_view file, uint64_t offset) {
  auto fail = [offset](const std::string& what) {
    return absl::DataLossError(
        StrCat("index postings offset table at offset ", offset, ": ", what));
  };
  if (offset > file.size() || file.size() - offset < 12) return fail("truncated");
  const uint64_t len = DecodeBE32(file.data() + offset);
  if (len < 4 || len + 8 > file.size() - offset) {
    return fail(StrCat("length ", len, " does not fit the file"));
  }
  const std::string_view content = file.substr(offset + 4, len);
  const uint32_t expected = DecodeBE32(content.data() + len);
  if (uint32_t actual = crc32c::Value(content); actual != expected) {
    return fail(
        StrCat("checksum mismatch expected:", absl::Hex(expected), ", actual:", absl::Hex(actual)));
  }
  PostingsTable t;
  t.file_ = file;
  const uint32_t count = DecodeBE32(content.data());
  const uint64_t end = offset + 4 + len;
  uint64_t pos = offset + 8;
  uint64_t k = 0;  // index of the entry within its name
  Entry e, prev;
  for (uint32_t i = 0; i < count; i++, k++) {
    const uint64_t start = pos;
    if (!DecodeEntry(file, &pos, end, &e)) {
      return fail(StrCat("malformed entry ", i, " at offset ", start));
    }
    if (i > 0 && (e.name < prev.name || (e.name == prev.name && e.value <= prev.value))) {
      return fail(StrCat("entry ", i, " at offset ", start, " out of order"));
    }
    if (t.names_.empty() || t.names_.back().name != e.name) {
      t.names_.push_back(NameSamples{e.name, {}, 0});
      k = 0;
    }
    NameSamples& ns = t.names_.back();
    // Every 32nd entry is kept for good; the latest entry is kept as the name's last sample
    // until the next one replaces it.
    if (k > 0 && (k - 1) % kSampleStride != 0) ns.samples.pop_back();
    ns.samples.push_back(Sample{e.value, start});
    ns.end = pos;
    prev = e;
  }
  if (pos != end) return fail(StrCat(end - pos, " bytes after the last of ", count, " entries"));
  return t;
}

std::vector<std::string_view> PostingsTable::Names() const {
  std::vector<std::string_view> out;
  out.reserve(names_.size());
  for (const NameSamples& ns : names_) out.push_back(ns.name);
  return out;
}

const PostingsTable::NameSamples* PostingsTable::FindName(std::string_view name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name,
                             [](const NameSamples& ns, std::string_view n) { return ns.name < n; });
  if (it == names_.end() || it->name != name) return nullptr;
  return &*it;
}

absl::Status PostingsTable::Scan(const NameSamples& ns, uint64_t from,
                                 const std::function<bool(const Entry&)>& fn) const {
  Entry e;
  for (uint64_t pos = from; pos < ns.end;) {
    const uint64_t start = pos;
    // Parse validated every entry; this only fails if the mapping changed underneath us.
    if (!DecodeEntry(file_, &pos, ns.end, &e)) {
      return absl::DataLossError(
          StrCat("index postings offset table: malformed entry at offset ", start));
    }
    if (!fn(e)) break;
  }
  return absl::OkStatus();
}

absl::Status PostingsTable::ForEachValue(
    std::string_view name, const std::function<bool(std::string_view, uint64_t)>& fn) const {
  const NameSamples* ns = FindName(name);
  if (ns == nullptr) return absl::OkStatus();
  return Scan(*ns, ns->samples.front().entry,
              [&fn](const Entry& e) { return fn(e.value, e.postings_offset); });
}

absl::StatusOr<std::optional<uint64_t>> PostingsTable::Find(std::string_view name,
                                                            std::string_view value) const {
  const NameSamples* ns = FindName(name);
  if (ns == nullptr) return std::nullopt;
  // The last sample whose value is <= `value`.
  auto it = std::upper_bound(ns->samples.begin(), ns->samples.end(), value,
                             [](std::string_view v, const Sample& s) { return v < s.value; });
  if (it == ns->samples.begin()) return std::nullopt;
  --it;
  std::optional<uint64_t> found;
  RETURN_IF_ERROR(Scan(*ns, it->entry, [&](const Entry& e) {
    if (e.value == value) found = e.postings_offset;
    return e.value < value;
  }));
  return found;
}

}  // namespace strata::tsdb::index
