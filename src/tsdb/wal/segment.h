// The write-ahead log's on-disk layout (prometheus-tsdb-formats.md §6.1, §6.2): a directory of
// numbered segment files made of 32 KiB pages holding record fragments. The same layout serves
// wal/, wbl/ (§7.5) and checkpoint directories (§6.7).
//
// This header has the layout constants, segment naming and listing, and Repair, which cuts a log
// back to a position so that it can be opened with everything before a corruption.
#ifndef STRATA_TSDB_WAL_SEGMENT_H_
#define STRATA_TSDB_WAL_SEGMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/fs.h"

namespace strata::tsdb::wal {

inline constexpr uint64_t kPageSize = 32 * 1024;
// u8 type/flags, be16 length, be32 crc32c of the data (§6.2).
inline constexpr uint64_t kFragmentHeaderSize = 7;
// The largest fragment data that fits a page.
inline constexpr uint64_t kMaxFragmentDataSize = kPageSize - kFragmentHeaderSize;
inline constexpr uint64_t kDefaultSegmentSize = 128 * 1024 * 1024;

// Bits 0..2 of the fragment header byte.
enum class FragmentType : uint8_t {
  kPageTerm = 0,  // the rest of the page is zero padding
  kFull = 1,
  kFirst = 2,
  kMiddle = 3,
  kLast = 4,
};
inline constexpr uint8_t kFragmentTypeMask = 0x07;
inline constexpr uint8_t kSnappyFlag = 0x08;  // the record's fragments hold snappy block data
inline constexpr uint8_t kZstdFlag = 0x10;    // newer Prometheus only; we do not read it

// "<dir>/00000012": eight digits, zero padded (more digits past 99999999).
std::string SegmentName(std::string_view dir, int index);

struct SegmentFile {
  int index = 0;
  std::string path;
};

// The segments of `dir`: entries whose whole name is decimal digits, by ascending index.
// DataLoss if the indices are not consecutive ("segments are not sequential"). A missing
// directory is NotFound.
absl::StatusOr<std::vector<SegmentFile>> ListSegments(Fs* fs, const std::string& dir);

// First and last segment index of a log; both -1 if it has no segment.
struct SegmentBounds {
  int first = -1;
  int last = -1;
  bool empty() const { return first < 0; }
};
absl::StatusOr<SegmentBounds> Segments(Fs* fs, const std::string& dir);

// A byte position in a log: segment index and byte offset in that segment file.
struct Position {
  int segment = 0;
  uint64_t offset = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

// Cuts the log in `dir` at `pos`: removes every segment after pos.segment, truncates that segment
// to pos.offset and zero-fills the rest of its last page (so it reads as a properly closed
// segment), then fsyncs. Use it with Reader::corruption() or Reader::torn_tail() to drop a
// damaged or incomplete tail and keep everything before it.
// REQUIRES: no Wal is writing `dir` (use Wal::Repair for a live log).
absl::Status Repair(Fs* fs, const std::string& dir, Position pos);

}  // namespace strata::tsdb::wal

#endif  // STRATA_TSDB_WAL_SEGMENT_H_
