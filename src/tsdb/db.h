// One tenant's TSDB (Prometheus tsdb/db.go): the head, the persisted blocks, compaction of the
// head into blocks (in-order and out-of-order), and retention.
//
// Compact and ForceCompact write one block per R-aligned window: a window whose in-order data a
// pass persists gets one block holding its in-order AND its OOO samples (not marked out-of-order:
// it holds every in-order sample of its range); OOO data in windows no in-order block of the pass
// covers goes to one block per window marked from-out-of-order (§7.7). Prometheus writes the OOO
// blocks apart and merges them later by vertical compaction; merging at once saves the second
// index per window.
//
// The invariant this project exists for (docs/ARCHITECTURE.md §2): after ForceCompact both heads
// are empty — zero series, zero in-order and OOO chunks, the WBL truncated — and every sample is
// readable from blocks. A failure in either step is returned, loses nothing, and the next call
// retries it.
//
// Thread-safety: appenders and queriers may be used concurrently with each other and with one
// compaction at a time (compactions are serialised by cmp_mu_).
#ifndef STRATA_TSDB_DB_H_
#define STRATA_TSDB_DB_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/appender.h"
#include "storage/storage.h"
#include "tsdb/block/block.h"
#include "tsdb/head/head.h"
#include "util/clock.h"
#include "util/fs.h"

namespace strata::tsdb {

struct DBOptions {
  // Block range R (2h): head blocks cover R-aligned windows.
  int64_t block_range_ms = 2 * 3600 * 1000;
  // Blocks whose max time is older than the newest block's max time minus this are deleted
  // (0: keep forever).
  int64_t retention_ms = 0;
  // Optional veto on retention: a block is deleted only if this returns true (the ingester keeps
  // blocks until they are shipped).
  std::function<bool(const block::BlockMeta&)> can_delete_block;
  head::HeadOptions head;
};

struct DBStats {
  head::HeadStats head;
  uint64_t num_blocks = 0;
  uint64_t blocks_bytes = 0;
  uint64_t wal_bytes = 0;  // wal/, checkpoints included
  uint64_t wbl_bytes = 0;
};

class DB {
 public:
  // Opens (creating) the data directory `dir`: removes leftovers of interrupted block writes,
  // loads blocks, replays the head. REQUIRES: fs and clock outlive the DB.
  static absl::StatusOr<std::unique_ptr<DB>> Open(Fs* fs, std::string dir, DBOptions opts,
                                                  const Clock* clock);
  ~DB();

  std::unique_ptr<storage::Appender> Appender() { return head_->Appender(); }
  // Blocks and head, merged; [mint, maxt] closed.
  std::unique_ptr<storage::Querier> Querier(int64_t mint, int64_t maxt);

  // The periodic step (§9.5): while the head spans more than 1.5 R, persist its oldest R window,
  // with the OOO samples of that window; then, if a block was written, the rest of the OOO head
  // (§7.8); then retention.
  absl::Status Compact();
  // Persists the in-order head data in [mint, maxt) as one block and truncates the head.
  // InvalidArgument if the head holds in-order data older than `mint` (it would be lost).
  absl::Status CompactHead(int64_t mint, int64_t maxt);
  // Persists ALL in-order head data, one block per R window (§7.8 step 1). No OOO data.
  absl::Status ForceCompactHead();
  // Persists all OOO data, one block per R window it covers (§7.7).
  absl::Status CompactOOOHead();
  // Persists ALL head data: one block per R window of the in-order data (as ForceCompactHead),
  // holding the window's OOO samples too, and one OOO block per other window the OOO data covers
  // (as CompactOOOHead). Afterwards the head holds nothing.
  absl::Status ForceCompact();
  // Deletes blocks older than the retention (DBOptions::retention_ms).
  absl::Status ApplyRetention();

  void SetOOOTimeWindow(int64_t window_ms) { head_->SetOOOTimeWindow(window_ms); }
  head::Head* head() { return head_.get(); }
  std::vector<std::shared_ptr<block::Block>> Blocks() const;
  DBStats Stats() const;
  const std::string& dir() const { return dir_; }
  // Blocks found damaged — at open, or by a read since (Block::damage) — and set aside as
  // <ULID>.corrupted (not served, kept for an operator to inspect).
  uint64_t corrupted_blocks() const { return corrupted_blocks_.load(); }
  // Sets aside the blocks a read found damaged. Compact() and ForceCompact() call it first;
  // returns the first error renaming one (that block stays listed and is retried next time).
  absl::Status SetAsideDamagedBlocks();

 private:
  DB(Fs* fs, std::string dir, DBOptions opts, const Clock* clock)
      : fs_(fs), dir_(std::move(dir)), opts_(opts), clock_(clock) {}
  absl::Status LoadBlocks();
  // Renames a block that failed to open as damaged out of the way; returns the error to
  // report if it cannot.
  absl::Status SetAside(const std::string& path, const absl::Status& damage);
  // Writes [mint, maxt] (closed) of `q` as a block and opens it; nullptr if there is no sample.
  // On error no block directory is left behind.
  absl::StatusOr<std::shared_ptr<block::Block>> WriteAndOpenBlock(storage::Querier& q,
                                                                  int64_t mint, int64_t maxt,
                                                                  block::BlockMeta meta);
  // The OOO head as cut at the start of a compaction pass, and the windows whose OOO samples went
  // into the in-order block of the window.
  struct OOOMerge {
    head::Head::OOOCut cut;
    std::vector<int64_t> merged_windows;  // R-aligned window starts
  };
  // Cuts the OOO head (Head::CutOOO) if OOO is on; nullopt if not.
  absl::StatusOr<std::optional<OOOMerge>> CutOOOIfEnabled() ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  // Writes head data in [mint, maxt) (in-order) to a block; truncates the head's memory to maxt.
  // With `ooo`, the block also takes the cut's OOO samples in the R-aligned window of
  // [mint, maxt) if it can hold all of them, and the window is added to ooo->merged_windows.
  absl::Status PersistHeadRange(int64_t mint, int64_t maxt, OOOMerge* ooo)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  // PersistHeadRange for every window of the in-order data the head holds now; returns the end
  // of the last (INT64_MIN if none). The WAL is not truncated.
  absl::StatusOr<int64_t> PersistWholeHeadLocked(OOOMerge* ooo)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  // The rest of a pass: CompactOOOCutLocked(*ooo) if `ooo`, and the WAL truncated below `wal_t`
  // (nothing for INT64_MIN). Both are tried; returns the first error.
  absl::Status FinishPassLocked(const OOOMerge* ooo, int64_t wal_t)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  // Under cmp_mu_, so that two callers never rename the same block.
  absl::Status SetAsideDamagedBlocksLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  // Writes the cut OOO data outside ooo.merged_windows, one block per window, adds the blocks and
  // truncates the OOO head. On error it removes the blocks it wrote and truncates nothing.
  absl::Status CompactOOOCutLocked(const OOOMerge& ooo) ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  absl::Status WriteOOOBlocks(const OOOMerge& ooo, std::vector<std::shared_ptr<block::Block>>* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(cmp_mu_);
  void AddBlock(std::shared_ptr<block::Block> b);
  block::BlockMeta NewLevel1Meta(int64_t mint, int64_t maxt) const;

  Fs* const fs_;
  const std::string dir_;
  const DBOptions opts_;
  const Clock* const clock_;
  std::atomic<uint64_t> corrupted_blocks_{0};
  std::unique_ptr<head::Head> head_;

  absl::Mutex cmp_mu_;  // one compaction at a time
  mutable absl::Mutex mu_;
  // Sorted by min time. Replaced, never mutated in place, so readers can hold a snapshot.
  std::shared_ptr<const std::vector<std::shared_ptr<block::Block>>> blocks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace strata::tsdb

#endif  // STRATA_TSDB_DB_H_
