// WAL/WBL replay's second half: applying decoded samples and m-map markers to their series,
// sharded by series over worker threads (Prometheus head_wal.go does the same with goroutines).
//
// The replaying thread reads and decodes records, creates series and resolves each sample's
// series; a series' operations always go to the same shard, in log order, so each series sees
// exactly the sequence a single-threaded replay would. Small logs never start a thread: until
// one shard has a full batch, everything waits in the buffers and Finish applies it inline.
#ifndef STRATA_TSDB_HEAD_REPLAY_SHARDS_H_
#define STRATA_TSDB_HEAD_REPLAY_SHARDS_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "tsdb/head/mem_series.h"

namespace strata::tsdb::head {

struct ReplayOp {
  enum class Kind : uint8_t { kInOrder, kOOO, kMarker };
  MemSeries* series;
  int64_t t;
  double v;
  Kind kind;
  MmappedChunk chunk;  // kMarker: the OOO chunk the marker names
};

struct ReplayApplyOptions {
  int64_t min_valid_time = INT64_MIN;  // in-order samples older than this are in blocks
  int64_t chunk_range_ms = 0;
  size_t ooo_cap_max = 32;
  ChunkSink* sink = nullptr;
  // Worker threads once the log turns out large; 0 or 1 applies everything on the caller.
  size_t shards = 1;
};

// What the apply step counted.
struct ReplayApplyCounts {
  uint64_t samples = 0;
  uint64_t ooo_samples = 0;
  int64_t ooo_min_t = INT64_MAX, ooo_max_t = INT64_MIN;
};

class ReplayShards {
 public:
  explicit ReplayShards(ReplayApplyOptions opts);
  ~ReplayShards();  // Finish()es
  ReplayShards(const ReplayShards&) = delete;
  ReplayShards& operator=(const ReplayShards&) = delete;

  void Add(uint64_t series_ref, const ReplayOp& op);
  // Waits until every operation added so far is applied (before touching a series outside the
  // shards, e.g. adding m-mapped chunks to a series met again under a second ref).
  void Drain();
  // Drains, stops the workers and returns the counts. Idempotent.
  ReplayApplyCounts Finish();

  static constexpr size_t kBatch = 4096;

 private:
  struct Worker {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::vector<ReplayOp>> queue;  // guarded by mu
    size_t in_flight = 0;                     // batches taken, not yet applied; guarded by mu
    bool stop = false;                        // guarded by mu
    ReplayApplyCounts counts;                 // written by the worker thread only
    std::thread thread;
  };
  void Apply(const std::vector<ReplayOp>& ops, ReplayApplyCounts* counts) const;
  void StartWorkers();
  void Hand(size_t shard);  // the shard's buffer to its worker
  void RunWorker(Worker* w);

  const ReplayApplyOptions opts_;
  std::vector<std::vector<ReplayOp>> buffers_;  // per shard, filled by the replaying thread
  std::vector<std::unique_ptr<Worker>> workers_;  // empty until the log turns out large
  ReplayApplyCounts inline_counts_;
  bool finished_ = false;
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_REPLAY_SHARDS_H_
