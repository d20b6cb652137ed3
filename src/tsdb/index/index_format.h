// Constants and the table of contents of the index file, format v2 (prometheus-tsdb-formats.md §4).
#ifndef STRATA_TSDB_INDEX_INDEX_FORMAT_H_
#define STRATA_TSDB_INDEX_INDEX_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::tsdb::index {

inline constexpr uint32_t kIndexMagic = 0xBAAAD700;
inline constexpr uint8_t kIndexFormatV1 = 1;
inline constexpr uint8_t kIndexFormatV2 = 2;
inline constexpr uint64_t kIndexHeaderSize = 5;  // be32 magic, u8 version
inline constexpr uint64_t kTocSize = 6 * 8 + 4;  // six be64 offsets and a CRC (§4.8)
// Series entries start at multiples of 16 and are referenced by offset / 16 (§4.3).
inline constexpr uint64_t kSeriesAlignment = 16;
// Label indices and postings lists start at multiples of 4 (§4.4, §4.5).
inline constexpr uint64_t kListAlignment = 4;
// The name and value of the postings list holding every series (§4.5).
inline constexpr std::string_view kAllPostingsName = "";
inline constexpr std::string_view kAllPostingsValue = "";

// Section offsets, in the TOC's on-disk field order (§4.8). 0 means "absent".
struct Toc {
  uint64_t symbols = 0;
  uint64_t series = 0;
  uint64_t label_indices = 0;
  uint64_t label_indices_table = 0;
  uint64_t postings = 0;
  uint64_t postings_table = 0;
  friend bool operator==(const Toc&, const Toc&) = default;
};

// Appends the 52-byte TOC, CRC included.
void EncodeToc(const Toc& toc, std::string* dst);
// Reads the TOC from the last kTocSize bytes of `file`, verifying its CRC and that every offset
// lies before the TOC. DataLoss otherwise.
absl::StatusOr<Toc> DecodeToc(std::string_view file);

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_INDEX_FORMAT_H_
