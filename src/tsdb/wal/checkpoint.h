// WAL checkpoints (prometheus-tsdb-formats.md §6.7): `wal/checkpoint.NNNNNNNN/` is an ordinary
// log (read it with Reader) that replaces WAL segments 0..N with what is still needed of them.
//
// Crash safety: a checkpoint is written into `checkpoint.N.tmp/`, fsynced, then renamed; a crash
// leaves at most a .tmp directory, which LastCheckpoint ignores and DeleteTmpCheckpoints (or the
// next Checkpoint of the same N) removes.
#ifndef STRATA_TSDB_WAL_CHECKPOINT_H_
#define STRATA_TSDB_WAL_CHECKPOINT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/wal/segment.h"
#include "util/fs.h"

namespace strata::tsdb::wal {

// "checkpoint.00000012".
std::string CheckpointDirName(int index);

struct CheckpointRef {
  std::string path;  // <wal_dir>/checkpoint.NNNNNNNN
  int index = -1;
};

// The checkpoint with the highest index in `wal_dir` (directories named "checkpoint." + digits;
// ".tmp" leftovers do not count). NotFound if there is none.
absl::StatusOr<CheckpointRef> LastCheckpoint(Fs* fs, const std::string& wal_dir);

// Removes the checkpoints with index < `max_index`.
absl::Status DeleteCheckpoints(Fs* fs, const std::string& wal_dir, int max_index);

// Removes "checkpoint.*.tmp" leftovers of interrupted checkpoints (Prometheus does this at
// start-up).
absl::Status DeleteTmpCheckpoints(Fs* fs, const std::string& wal_dir);

struct CheckpointOptions {
  // As WalOptions: use the WAL's own settings.
  bool compress = false;
  uint64_t segment_size_bytes = kDefaultSegmentSize;
};

// Counts of entries read (total_*) and left out (dropped_*).
struct CheckpointStats {
  int64_t total_series = 0, dropped_series = 0;
  int64_t total_samples = 0, dropped_samples = 0;
  int64_t total_tombstones = 0, dropped_tombstones = 0;
  int64_t total_exemplars = 0, dropped_exemplars = 0;
  int64_t total_metadata = 0, dropped_metadata = 0;
  int64_t dropped_records = 0;  // records of other types (mmap markers, histograms, unknown)
};

// Writes checkpoint.<to> from the last checkpoint (if any) and WAL segments from..to of
// `wal_dir`, keeping:
//   series records of refs for which keep(ref) is true; samples and exemplars with t >= mint;
//   tombstone entries with maxt >= mint; the latest metadata of each kept series (written once,
//   at the end, by ascending ref). Other record types are dropped, as are records left empty.
// If a checkpoint M exists, reading starts after it (from = M + 1; from > M + 1 is a gap and
// FailedPrecondition). Then deletes the checkpoints older than `to`. Does NOT delete WAL
// segments: call Wal::Truncate(to + 1) after it, as Prometheus does.
// Errors (including DataLoss from a corrupt input) leave no checkpoint.<to> behind.
// REQUIRES: segments from..to are no longer written (to < Wal::current_segment()).
absl::StatusOr<CheckpointStats> Checkpoint(Fs* fs, const std::string& wal_dir, int from, int to,
                                           const std::function<bool(uint64_t ref)>& keep,
                                           int64_t mint, const CheckpointOptions& options = {});

}  // namespace strata::tsdb::wal

#endif  // STRATA_TSDB_WAL_CHECKPOINT_H_
