#include "tsdb/index/index_format.h"

#include "util/coding.h"
#include "util/crc32c.h"
#include "util/strings.h"

namespace strata::tsdb::index {

void EncodeToc(const Toc& toc, std::string* dst) {
  const size_t start = dst->size();
  for (uint64_t v : {toc.symbols, toc.series, toc.label_indices, toc.label_indices_table,
                     toc.postings, toc.postings_table}) {
    PutBE64(dst, v);
  }
  PutBE32(dst, crc32c::Value(std::string_view(*dst).substr(start)));
}

absl::StatusOr<Toc> DecodeToc(std::string_view file) {
  if (file.size() < kIndexHeaderSize + kTocSize) {
    return absl::DataLossError(StrCat("index too small for a TOC: ", file.size(), " bytes"));
  }
  const uint64_t toc_start = file.size() - kTocSize;
  const std::string_view b = file.substr(toc_start);
  const uint32_t expected = DecodeBE32(b.data() + kTocSize - 4);
  if (uint32_t actual = crc32c::Value(b.substr(0, kTocSize - 4)); actual != expected) {
    return absl::DataLossError(StrCat("index TOC at offset ", toc_start,
                                      ": checksum mismatch expected:", absl::Hex(expected),
                                      ", actual:", absl::Hex(actual)));
  }
  Toc toc;
  uint64_t* fields[] = {&toc.symbols,       &toc.series,
                        &toc.label_indices, &toc.label_indices_table,
                        &toc.postings,      &toc.postings_table};
  for (int i = 0; i < 6; i++) {
    *fields[i] = DecodeBE64(b.data() + 8 * i);
    if (*fields[i] >= toc_start) {
      return absl::DataLossError(StrCat("index TOC field ", i, " = ", *fields[i],
                                        " points past the end of the data (", toc_start, ")"));
    }
  }
  return toc;
}

}  // namespace strata::tsdb::index
