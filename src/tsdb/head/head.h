// The head block: the in-memory, WAL-backed part of a TSDB (Prometheus tsdb/head.go), holding the
// newest in-order data and all not yet compacted out-of-order (OOO) data.
//
// Concurrency: appenders, queriers and compaction run concurrently. Appenders and queriers hold a
// ReaderEpochs entry for their whole life, so the MemSeries they point at and the chunks_head
// files they read stay alive: truncation unlinks, waits for earlier readers, then frees.
// Truncations are serialised by truncate_mu_. Per-series state is guarded by the series' own
// lock; lock order: truncate_mu_ → stripe → series.
#ifndef STRATA_TSDB_HEAD_HEAD_H_
#define STRATA_TSDB_HEAD_HEAD_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/appender.h"
#include "storage/storage.h"
#include "tsdb/chunks/head_chunks.h"
#include "tsdb/head/mem_postings.h"
#include "tsdb/head/reader_epochs.h"
#include "tsdb/head/stripe_series.h"
#include "tsdb/wal/wal.h"
#include "util/clock.h"
#include "util/fs.h"

namespace strata::tsdb::head {

// Decides whether the head may create another series (per-tenant series limits live above the
// TSDB, in the ingester). Called once per series creation attempt; must be thread-safe.
class SeriesLifecycle {
 public:
  virtual ~SeriesLifecycle() = default;
  // kAppended to allow, kSeriesLimit / kMetricSeriesLimit to refuse. `num_series` is the head's
  // current series count.
  virtual storage::AppendResult PreCreation(const labels::Labels& lset, size_t num_series) = 0;
  // After a series was created: by an append (PreCreation allowed it first) or by replay
  // (`replayed`; no PreCreation, limits are not applied to what is already in the WAL).
  virtual void PostCreation(const labels::Labels& lset, bool replayed) = 0;
  // PreCreation allowed the series but a concurrent append created it first: undo what
  // PreCreation reserved.
  virtual void CreationAborted(const labels::Labels& lset) = 0;
  // After a series was removed from the head (garbage-collected).
  virtual void PostDeletion(const labels::Labels& lset) = 0;
};

struct HeadOptions {
  // Block range R: chunks never cross an R-aligned boundary; the appendable window is R/2.
  int64_t chunk_range_ms = 2 * 3600 * 1000;
  // Series stripes (power of two). Each costs 128 bytes even when the head is empty, and Strata
  // keeps one head per tenant, so the default is far below Prometheus's 16384 (Cortex flag
  // -blocks-storage.tsdb.stripe-size): 32 stripes are 4 KiB per tenant (at 1,000 series per
  // tenant, 4 bytes per series) and still keep two appending threads apart 97% of the time; a
  // single large tenant on many cores may want more.
  size_t stripe_size = 32;
  // Samples per OOO head chunk before it is m-mapped (Prometheus out_of_order_cap_max, 1..255).
  size_t ooo_cap_max = 32;
  // OOO window at open; changeable at run time with Head::SetOOOTimeWindow.
  int64_t ooo_time_window_ms = 0;
  // Compress WAL/WBL records with snappy (Prometheus's default).
  bool wal_compression = false;
  // WAL segment size; tests use small segments.
  uint64_t wal_segment_bytes = 128ull << 20;
  // Optional; must outlive the head.
  SeriesLifecycle* lifecycle = nullptr;
  // Optional; must outlive the head. When set, each series remembers (to the second) the wall
  // time of the last append to it (Head::CountActiveSince): Cortex's active series, kept in the
  // series instead of a second map keyed by label hash that every sample would have to update.
  const Clock* activity_clock = nullptr;
  // Threads applying replayed samples, by series (0: one per core, at most 8). A log too small
  // to fill one batch per shard is applied on the opening thread.
  size_t replay_concurrency = 0;
};

struct HeadStats {
  uint64_t num_series = 0;
  uint64_t num_ooo_series = 0;      // series holding OOO chunks
  uint64_t num_chunks = 0;          // in-order chunks, open + m-mapped
  uint64_t num_ooo_chunks = 0;      // OOO chunks, open + m-mapped
  uint64_t memory_bytes = 0;        // series, labels, postings, open chunks, OOO samples
  int64_t min_time = 0, max_time = 0;  // of in-order data (INT64_MAX/INT64_MIN when empty)
};

// Counters of what replay skipped or cut off (all zero for a clean open).
struct ReplayStats {
  uint64_t wal_records = 0;
  uint64_t wbl_records = 0;
  uint64_t samples = 0;
  uint64_t ooo_samples = 0;
  uint64_t unknown_series_refs = 0;
  uint64_t corruptions_repaired = 0;  // torn/corrupt tails cut off (WAL, WBL, chunks_head)
  uint64_t mmap_chunk_corruptions = 0;  // of which in chunks_head
};

class HeadAppender;
class HeadQuerier;

class Head {
 public:
  // Opens the head of the data directory `dir` (wal/, wbl/, chunks_head/), replaying what is
  // there; `min_valid_time` is the max time of persisted in-order blocks (older WAL samples drop).
  static absl::StatusOr<std::unique_ptr<Head>> Open(Fs* fs, std::string dir, HeadOptions opts,
                                                    int64_t min_valid_time);
  ~Head();

  std::unique_ptr<storage::Appender> Appender();
  // Reads in-order and OOO data in [mint, maxt].
  std::unique_ptr<storage::Querier> Querier(int64_t mint, int64_t maxt);
  // Reads in-order data only (head compaction).
  std::unique_ptr<storage::Querier> InOrderQuerier(int64_t mint, int64_t maxt);
  // Reads OOO m-mapped chunks with ref <= max_mmap_ref only (OOO compaction).
  std::unique_ptr<storage::Querier> OOOQuerier(int64_t mint, int64_t maxt, uint64_t max_mmap_ref);

  int64_t MinTime() const { return min_time_.load(); }
  int64_t MaxTime() const { return max_time_.load(); }
  int64_t min_valid_time() const { return min_valid_time_.load(); }
  bool has_in_order_data() const { return MinTime() <= MaxTime(); }
  // Whether OOO was ever enabled or OOO data exists: OOO compaction must keep running.
  bool ooo_enabled() const { return ooo_ever_enabled_.load(); }
  void SetOOOTimeWindow(int64_t window_ms);
  int64_t ooo_time_window_ms() const { return ooo_window_ms_.load(); }
  // In-order samples at or after `t` but below the appendable window are taken as OOO even with
  // the window at 0 (see docs/ARCHITECTURE.md: forced compaction under live traffic).
  void SetLateAcceptMinTime(int64_t t) { late_accept_min_t_.store(t); }

  // Makes in-order samples below `t` unappendable for appenders created from now on, then waits
  // until every appender (and querier) created before has finished. After it, no in-order sample
  // below `t` can reach the head, so [.., t) can be persisted and truncated without losing any.
  // REQUIRES: the caller holds no appender or querier of this head.
  void SealBelow(int64_t t);

  // §9.5 truncateMemory: drops in-order data older than `t` and series left empty.
  absl::Status TruncateMemory(int64_t t);
  // §9.6: checkpoints the oldest WAL segments and removes them. REQUIRES: data < t is in blocks.
  absl::Status TruncateWAL(int64_t t);

  // OOO compaction, step 1-2 (§7.7): cuts the WBL and m-maps every OOO head chunk.
  struct OOOCut {
    int last_wbl_segment = 0;
    uint64_t last_mmap_ref = 0;
    int64_t mint = INT64_MAX, maxt = INT64_MIN;  // of the m-mapped OOO chunks
  };
  absl::StatusOr<OOOCut> CutOOO();
  // Step 5: drops OOO chunks with ref <= cut.last_mmap_ref, series left empty, and WBL segments
  // before cut.last_wbl_segment.
  absl::Status TruncateOOO(const OOOCut& cut);

  HeadStats Stats() const;
  // Series appended to at or after `since_ms` (to the second, rounding down) according to
  // HeadOptions::activity_clock; 0 without one. Walks every series.
  size_t CountActiveSince(int64_t since_ms) const;
  const ReplayStats& replay_stats() const { return replay_stats_; }
  // The ref of the series with these labels, or 0 if the head has none (tests, tools).
  uint64_t SeriesRef(const labels::Labels& lset) const;
  // The refs the postings list for name=value (all series: "", "") holds (tests, tools).
  std::vector<uint64_t> Postings(std::string_view name, std::string_view value) const {
    return postings_.Get(name, value);
  }
  // Makes everything logged durable (fsync of WAL, WBL and chunks_head).
  absl::Status Sync();
  // A sticky write error of the WAL/WBL (after which appends are refused), or OK.
  absl::Status write_error() const;

 private:
  friend class HeadAppender;
  friend class HeadQuerier;
  friend class HeadReplayer;
  class ChunkWriter;

  Head(Fs* fs, std::string dir, HeadOptions opts);
  absl::Status OpenFiles();
  absl::Status Replay(int64_t min_valid_time);

  // Finds or creates the series with these (sorted, validated) labels. `scratch` receives the
  // label encoding. Returns nullptr if creation is refused (*refusal says why).
  MemSeries* GetOrCreate(std::span<const labels::Label> lbls, std::string* scratch, bool* created,
                         storage::AppendResult* refusal);
  // Replay: the series with these labels (`hash` is their Hash()), created with `ref` unless it
  // exists (*created says which). Thread-safe. Leaves the postings to the caller, who adds them
  // in bulk.
  MemSeries* CreateWithRef(uint64_t ref, labels::Labels lbls, uint64_t hash, bool* created);
  ChunkSink* chunk_sink() const;
  void UpdateTimes(int64_t mint, int64_t maxt);
  void UpdateOOOTimes(int64_t mint, int64_t maxt);
  // Opens wbl/ if it is not open yet (OOO enabled at run time, or the first OOO sample).
  absl::Status EnsureWbl();
  // Unlinks empty series without pending commits and their postings, waits until no reader can
  // see them, frees them, recomputes the time bounds and deletes unreferenced chunks_head files.
  absl::Status CollectGarbage() ABSL_EXCLUSIVE_LOCKS_REQUIRED(truncate_mu_);

  Fs* const fs_;
  const std::string dir_;
  const HeadOptions opts_;

  std::atomic<int64_t> ooo_window_ms_;
  std::atomic<bool> ooo_ever_enabled_{false};
  std::atomic<int64_t> min_time_{INT64_MAX};
  std::atomic<int64_t> max_time_{INT64_MIN};
  std::atomic<int64_t> min_valid_time_{INT64_MIN};
  std::atomic<int64_t> late_accept_min_t_{INT64_MAX};
  std::atomic<int64_t> min_ooo_time_{INT64_MAX};
  std::atomic<int64_t> max_ooo_time_{INT64_MIN};
  std::atomic<uint64_t> last_series_ref_{0};
  int64_t last_wal_truncation_t_ = INT64_MIN;  // only the compaction thread touches it

  StripeSeries series_;
  MemPostings postings_;
  std::unique_ptr<chunks::ChunkDiskMapper> chunk_mapper_;
  std::unique_ptr<ChunkWriter> chunk_writer_;
  std::unique_ptr<wal::Wal> wal_;
  std::unique_ptr<wal::Wal> wbl_;  // null until OOO is enabled or wbl/ has data
  absl::Mutex wbl_open_mu_;        // serialises opening the WBL at run time
  ReplayStats replay_stats_;

  mutable ReaderEpochs epochs_;  // see the file comment
  absl::Mutex truncate_mu_;
  // Shared by commits widening the time bounds, exclusive while CollectGarbage recomputes them.
  absl::Mutex times_mu_ ABSL_ACQUIRED_AFTER(truncate_mu_);
  // In-order data below this is persisted (the last memory truncation, or the floor at replay):
  // what a chunk straddling it still holds below it is not the head's any more.
  int64_t truncated_below_ ABSL_GUARDED_BY(truncate_mu_) = INT64_MIN;
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_HEAD_H_
