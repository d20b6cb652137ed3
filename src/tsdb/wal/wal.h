// The segmented write-ahead log writer (Prometheus wlog.WL; layout in
// prometheus-tsdb-formats.md §6.1, §6.2). Also the writer of the WBL (wbl/, §7.5) and of
// checkpoints (§6.7): same format, another directory.
//
// Invariants:
//  - A record never spans segments: a record that does not fit the rest of the current segment
//    starts a new one (a record larger than a whole segment gets a fresh segment of its own,
//    which then exceeds the nominal size).
//  - Segments other than the one being written are closed: their last page is zero-filled to
//    32 KiB and they were fsynced when they were completed.
//  - Every Log() call hands its bytes to the operating system before returning (they survive a
//    crash of the process, not of the machine; Sync() makes them durable).
//  - Errors are sticky: after any failed write or fsync the log's on-disk state is unknown, so
//    every later Log/Sync/NextSegment returns the first error (leveldb DBImpl::Write does the
//    same with bg_error_). The DB must stop accepting writes.
//
// Thread-safety: all methods are thread-safe (one mutex; Log calls are serialized).
#ifndef STRATA_TSDB_WAL_WAL_H_
#define STRATA_TSDB_WAL_WAL_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "tsdb/wal/segment.h"
#include "util/fs.h"

namespace strata::tsdb::wal {

struct WalOptions {
  // Nominal segment size. Must be a positive multiple of kPageSize. Default 128 MiB, as
  // Prometheus (which accepts 10 MiB..256 MiB from its flag).
  uint64_t segment_size_bytes = kDefaultSegmentSize;
  // Snappy-compress each record whose compressed form is smaller (§6.2, flag 0x08). Prometheus
  // 2.42's server compresses by default; readers always understand both.
  bool compress = false;
  // At Open, if the last non-empty segment ends inside a record (a crash during a write), cut
  // that incomplete record off (and delete the empty segments after it) before starting the new
  // segment, so that a torn record never ends a segment that others follow (the Reader reports
  // that as corruption). Costs one CRC pass over that segment. Default true.
  bool repair_torn_tail = true;
};

class Wal {
 public:
  // Opens the log in `dir` (created if missing) for appending. Like Prometheus, writing always
  // continues in a NEW segment after the last existing one (00000000 for an empty directory).
  // `fs` must outlive the Wal.
  static absl::StatusOr<std::unique_ptr<Wal>> Open(Fs* fs, std::string dir,
                                                   const WalOptions& options = {});
  // Closes (see Close), ignoring errors.
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Appends records in order, then hands the bytes to the OS (no fsync). A record may be empty.
  absl::Status Log(std::span<const std::string_view> records);
  absl::Status Log(std::initializer_list<std::string_view> records) {
    return Log(std::span<const std::string_view>(records.begin(), records.size()));
  }
  absl::Status Log(std::string_view record) { return Log({record}); }

  // fsyncs the current segment: every record logged so far is durable.
  absl::Status Sync();

  // Closes the current segment (zero-filling its last page, fsync) and starts the next one.
  // Returns the new segment's index. Records logged after it go to that segment.
  absl::StatusOr<int> NextSegment();

  // First and last segment index on disk.
  absl::StatusOr<SegmentBounds> Segments();

  // Deletes the segments with index < `index` (never the current one), e.g. after a checkpoint
  // that covers them. Not affected by the sticky error.
  absl::Status Truncate(int index);

  // Cuts the log at `pos` (from Reader::corruption() or Reader::torn_tail() of this directory):
  // deletes later segments, including the one being written, truncates pos.segment at
  // pos.offset, then continues writing in new segment pos.segment + 1. Prometheus's WAL replay
  // does this after a corruption so the DB opens with everything before it.
  // REQUIRES: pos.segment <= current_segment().
  absl::Status Repair(Position pos);

  // Zero-fills the current page, fsyncs and closes the segment. Later calls fail with
  // FailedPrecondition. Returns the sticky error if there was one (and then writes nothing).
  absl::Status Close();

  // The segment being written.
  int current_segment() const;
  const std::string& dir() const { return dir_; }
  // The sticky error (OK while the log is healthy).
  absl::Status status() const;
  // Where Open cut off an incomplete record (WalOptions::repair_torn_tail), if it did.
  const std::optional<Position>& repaired_torn_tail() const { return repaired_torn_tail_; }

 private:
  Wal(Fs* fs, std::string dir, const WalOptions& options)
      : fs_(fs), dir_(std::move(dir)), options_(options) {}

  absl::Status LogRecord(std::string_view record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AppendFragment(uint8_t header, std::string_view data) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool FitsInSegment(uint64_t bytes) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status WritePending() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FinishSegment() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CreateSegment(int index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CutSegment() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records `s` as the sticky error if it is the first failure; returns it.
  absl::Status Sticky(absl::Status s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status CheckWritable() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Fs* const fs_;
  const std::string dir_;
  const WalOptions options_;
  std::optional<Position> repaired_torn_tail_;  // set once by Open

  mutable absl::Mutex mu_;
  std::unique_ptr<WritableFile> file_ ABSL_GUARDED_BY(mu_);  // the current segment
  int segment_ ABSL_GUARDED_BY(mu_) = -1;
  uint64_t done_pages_ ABSL_GUARDED_BY(mu_) = 0;  // completed pages in the current segment
  uint64_t page_used_ ABSL_GUARDED_BY(mu_) = 0;   // bytes used in the current page
  std::string pending_ ABSL_GUARDED_BY(mu_);      // bytes not yet handed to file_
  std::string compressed_ ABSL_GUARDED_BY(mu_);   // snappy scratch
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace strata::tsdb::wal

#endif  // STRATA_TSDB_WAL_WAL_H_
