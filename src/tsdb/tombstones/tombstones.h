// Tombstones: deleted time ranges per series, in memory and in a block's `tombstones` file.
//
// File layout: prometheus-tsdb-formats.md §5 — be32 magic 0x0130BA30, version byte 1, then one
// entry {uvarint series_ref, varint mint, varint maxt} per interval, then be32 crc32c of the
// entries only. A block without deletions has the 9-byte file 01 30 ba 30 01 00 00 00 00.
#ifndef STRATA_TSDB_TOMBSTONES_TOMBSTONES_H_
#define STRATA_TSDB_TOMBSTONES_TOMBSTONES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "tsdb/tombstones/intervals.h"
#include "util/fs.h"

namespace strata::tsdb::tombstones {

inline constexpr uint32_t kMagic = 0x0130BA30;
inline constexpr uint8_t kFormatV1 = 1;
inline constexpr char kFilename[] = "tombstones";

// Series ref → deleted intervals. Series refs are the block index's series references
// (offset / 16) or head series refs. Thread-safe: every method takes the internal lock.
class MemTombstones {
 public:
  MemTombstones() = default;
  MemTombstones(const MemTombstones&) = delete;
  MemTombstones& operator=(const MemTombstones&) = delete;

  // The intervals of `ref` (a copy; empty if the series has none).
  Intervals Get(uint64_t ref) const;
  // Adds `itv` to `ref`'s intervals, merging as Intervals::Add does. An empty interval
  // (mint > maxt) is ignored.
  void AddInterval(uint64_t ref, Interval itv);
  // Calls fn(ref, intervals) for every series with intervals, in ascending ref order, and stops
  // at the first non-OK status, which it returns. The lock is held throughout: `fn` must not
  // call back into this object.
  absl::Status Iter(absl::FunctionRef<absl::Status(uint64_t, const Intervals&)> fn) const;
  // Number of intervals over all series (meta.json stats.numTombstones).
  uint64_t Total() const;
  // Number of series with at least one interval.
  size_t NumSeries() const;

 private:
  mutable absl::Mutex mu_;
  std::map<uint64_t, Intervals> intervals_ ABSL_GUARDED_BY(mu_);  // ordered: deterministic files
};

// The file contents for `stones` (entries in ascending ref order).
std::string EncodeTombstones(const MemTombstones& stones);

// Parses file contents. `name` (usually the path) prefixes error messages. Errors: DataLoss for a
// file too short to hold magic, version and CRC, a bad magic, a version other than 1, a CRC
// mismatch or a malformed entry (with its offset).
absl::StatusOr<std::unique_ptr<MemTombstones>> DecodeTombstones(std::string_view data,
                                                                std::string_view name);

// Writes `<dir>/tombstones` crash-safely (tombstones.tmp → fsync → rename → fsync dir) and
// returns the file size. On error no partial `tombstones` file is left (the old one stays).
absl::StatusOr<uint64_t> WriteTombstones(Fs* fs, const std::string& dir,
                                         const MemTombstones& stones);

// Reads `<dir>/tombstones`. A missing file is an empty set (Prometheus treats it so); other
// I/O errors pass through; corruption is DataLoss naming the file (see DecodeTombstones).
absl::StatusOr<std::unique_ptr<MemTombstones>> ReadTombstones(Fs* fs, const std::string& dir);

}  // namespace strata::tsdb::tombstones

#endif  // STRATA_TSDB_TOMBSTONES_TOMBSTONES_H_
