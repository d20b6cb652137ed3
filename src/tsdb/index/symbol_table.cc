#include "tsdb/index/symbol_table.h"

#include "util/check.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::index {

absl::StatusOr<SymbolTable> SymbolTable::Parse(std::string_view file, uint64_t offset) {
  auto fail = [offset](const std::string& what) {
    return absl::DataLossError(StrCat("index symbol table at offset ", offset, ": ", what));
  };
  if (offset > file.size() || file.size() - offset < 8) return fail("truncated");
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
  SymbolTable t;
  t.file_offset_ = offset;
  t.data_ = content.substr(4);
  const uint32_t count = DecodeBE32(content.data());
  if (count > t.data_.size()) return fail(StrCat("symbol count ", count, " exceeds its bytes"));
  t.offsets_.reserve(count);
  Decbuf d(t.data_);
  std::string_view prev;
  for (uint32_t i = 0; i < count && d.ok(); i++) {
    const uint32_t start = static_cast<uint32_t>(d.offset());
    const std::string_view s = d.UvarintStr();
    if (d.ok() && i > 0 && s <= prev) return fail(StrCat("symbol ", i, " out of order"));
    prev = s;
    t.offsets_.push_back(start);
  }
  if (!d.ok()) return fail(d.status().ToString());
  if (d.remaining() != 0) return fail(StrCat(d.remaining(), " bytes after the last symbol"));
  return t;
}

std::string_view SymbolTable::At(uint32_t i) const {
  DCHECK(i < offsets_.size());
  // Parse validated every entry, so the decode cannot fail.
  const char* p = data_.data() + offsets_[i];
  uint64_t n = 0;
  const int k = DecodeUvarint(p, data_.data() + data_.size(), &n);
  return std::string_view(p + k, n);
}

absl::StatusOr<std::string_view> SymbolTable::Lookup(uint32_t ref) const {
  if (ref >= offsets_.size()) {
    return absl::DataLossError(StrCat("symbol reference ", ref, " out of range (table at offset ",
                                      file_offset_, " has ", offsets_.size(), " symbols)"));
  }
  return At(ref);
}

absl::StatusOr<uint32_t> SymbolTable::ReverseLookup(std::string_view s) const {
  uint32_t lo = 0, hi = static_cast<uint32_t>(offsets_.size());
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (At(mid) < s) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < offsets_.size() && At(lo) == s) return lo;
  return absl::NotFoundError(StrCat("symbol \"", s, "\" not found"));
}

}  // namespace strata::tsdb::index
