// WAL/WBL replay's second half: creating the series of series records and applying decoded
// samples, m-map markers and loaded chunks to them, sharded by series over worker threads
// (Prometheus head_wal.go shards the samples over goroutines).
//
// The replaying thread reads and decodes records and resolves each sample's log ref to a slot
// (shard, index in the shard's series table). A series record goes to the shard its label hash
// picks, which creates the series there, in parallel with the other shards; so a series logged
// twice under different refs (duplicate labels) has one shard. A series' operations always go
// to that shard, in log order, so each series sees exactly the sequence a single-threaded replay
// would. Small logs never start a thread: until one shard has a full batch, everything waits in
// the buffers and Finish applies it inline.
//
// Replay is bound by cache misses, not instructions: a log holds one sample per series per scrape,
// so consecutive samples belong to different series, and applying one touches its series' lock,
// open chunk and encoder state, cold again by the series' next sample. So batches are large (a
// few operations per series of the shard) and a batch is applied grouped by series (a stable
// counting sort): each series is locked and brought into cache once per batch, not per sample.
#ifndef STRATA_TSDB_HEAD_REPLAY_SHARDS_H_
#define STRATA_TSDB_HEAD_REPLAY_SHARDS_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "labels/labels.h"
#include "tsdb/head/mem_series.h"

namespace strata::tsdb::head {

// Where a series' operations go: a shard and the series' index in that shard's table.
struct ReplaySlot {
  uint32_t shard = 0;
  uint32_t index = 0;
  friend bool operator==(const ReplaySlot&, const ReplaySlot&) = default;
};

struct ReplayOp {
  // kLoadedChunk: an in-order chunk found in chunks_head/ for the series' ref, added when its
  // series record is met. kMarker: a WBL m-map marker (the OOO head's samples are in the chunk).
  enum class Kind : uint8_t { kInOrder, kOOO, kMarker, kLoadedChunk };
  uint32_t series;  // index in the shard's series table
  Kind kind;
  int64_t t;  // kMarker, kLoadedChunk: index of the chunk in the batch's `chunks`
  double v;
};
static_assert(sizeof(ReplayOp) == 24, "batches hold millions of these");

// Creates the series of series records, on the shards' threads: thread-safe.
class ReplaySeriesSink {
 public:
  virtual ~ReplaySeriesSink() = default;
  // The series with these labels (`hash` is their Hash()): created with `ref` if new, then
  // *created is set. A series found instead was met before under another ref.
  virtual MemSeries* Create(uint64_t ref, labels::Labels lset, uint64_t hash, bool* created) = 0;
};

struct ReplayApplyOptions {
  int64_t min_valid_time = INT64_MIN;  // in-order samples older than this are in blocks
  int64_t chunk_range_ms = 0;
  size_t ooo_cap_max = 32;
  ChunkSink* sink = nullptr;
  ReplaySeriesSink* series_sink = nullptr;
  // Worker threads once the log turns out large; 0 or 1 applies everything on the caller.
  size_t shards = 1;
  // A shard's batch is handed over at ops_per_series x its series, within [min_batch,
  // max_buffered_ops / (shards x batches a shard may hold)]: large enough that a series has
  // several samples per batch, bounded so that replay memory does not grow with the log.
  size_t ops_per_series = 16;
  size_t min_batch = 4096;
  size_t max_buffered_ops = size_t{2} << 20;  // 48 MiB of operations
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

  // A series record: the series is created (or found) on its shard before any operation added
  // after this. Returns the slot for the record's ref.
  ReplaySlot AddSeries(uint64_t ref, labels::Labels lset);
  // An in-order chunk of the series of `slot` found in chunks_head/ (in time order).
  void AddLoadedChunk(ReplaySlot slot, const MmappedChunk& c) {
    AddChunk(slot, ReplayOp::Kind::kLoadedChunk, c);
  }
  // Queues a sample (kInOrder or kOOO) of the series in `slot`.
  void AddSample(ReplaySlot slot, ReplayOp::Kind kind, int64_t t, double v) {
    Shard& sh = *shards_[slot.shard];
    sh.filling.ops.push_back(ReplayOp{slot.index, kind, t, v});
    if (sh.filling.ops.size() >= sh.batch_limit) Full(slot.shard);
  }
  // Queues an OOO m-map marker: the series' OOO head samples so far are in chunk `c`.
  void AddMarker(ReplaySlot slot, const MmappedChunk& c) {
    AddChunk(slot, ReplayOp::Kind::kMarker, c);
  }
  // Applies everything added, stops the workers and returns the counts. Idempotent.
  ReplayApplyCounts Finish();
  // After Finish: the series the sink created (not those found again), in no particular order.
  std::vector<MemSeries*> TakeCreated();

 private:
  struct SeriesRecord {
    uint64_t ref;
    uint64_t hash;
    labels::Labels lset;
  };
  // Operations of one shard in log order, with the series records met since the previous batch.
  struct Batch {
    std::vector<SeriesRecord> new_series;  // appended to the shard's table before ops apply
    std::vector<ReplayOp> ops;
    std::vector<MmappedChunk> chunks;  // named by kMarker and kLoadedChunk ops
    bool empty() const { return new_series.empty() && ops.empty(); }
    void clear();
  };

  // Queues an operation of `kind` naming chunk `c`, kept in the batch beside its operations.
  void AddChunk(ReplaySlot slot, ReplayOp::Kind kind, const MmappedChunk& c);

  // A shard's series table and scratch space. Used by one thread at a time: the replaying thread
  // until the workers start, the shard's worker after (the thread start orders the two).
  class Applier {
   public:
    explicit Applier(const ReplayApplyOptions* opts) : opts_(opts) {}
    // Creates the batch's series (taking their labels), then applies its operations.
    void Apply(Batch& b);
    const ReplayApplyCounts& counts() const { return counts_; }
    std::vector<MemSeries*>& created() { return created_; }

   private:
    // Creates the batch's series, extending the table; a series met again (duplicate labels)
    // gets the index of its first record as canonical one.
    void CreateSeries(std::vector<SeriesRecord>& records);
    // Counts each series' operations; false if too few per series for grouping to pay.
    bool CountBySeries(const std::vector<ReplayOp>& ops);
    void ApplyInLogOrder(const Batch& b);
    void ApplyGrouped(const Batch& b);
    // Applies `ops`, the batch's operations on series [first, first + bucket size), by series.
    void ApplyBucket(const Batch& b, size_t first, std::span<const ReplayOp> ops);
    void ApplyOne(MemSeries& s, const ReplayOp& op, const Batch& b)
        ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu());

    const ReplayApplyOptions* const opts_;
    std::vector<MemSeries*> series_;  // by index
    // By index: the first index of the same series. Ops are grouped by it, so that ops of a
    // series under two refs keep their log order.
    std::vector<uint32_t> canonical_;
    absl::flat_hash_map<const MemSeries*, uint32_t> first_index_;
    std::vector<MemSeries*> created_;   // by the sink, for the postings
    std::vector<uint32_t> count_;       // by canonical index: ops in this batch, then group end
    std::vector<uint32_t> touched_;     // canonical indexes with ops in this batch
    std::vector<size_t> bucket_start_;  // where each bucket's operations start in by_bucket_
    std::vector<size_t> bucket_fill_;
    std::vector<ReplayOp> by_bucket_;  // the batch by bucket of series
    std::vector<ReplayOp> sorted_;     // a bucket by series
    ReplayApplyCounts counts_;
  };

  struct Worker {
    absl::Mutex mu;
    std::deque<Batch> queue ABSL_GUARDED_BY(mu);
    std::vector<Batch> spare ABSL_GUARDED_BY(mu);  // applied batches, cleared, for reuse
    size_t in_flight ABSL_GUARDED_BY(mu) = 0;      // batches taken, not yet applied
    bool stop ABSL_GUARDED_BY(mu) = false;
    std::thread thread;
    bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return stop || !queue.empty(); }
    bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return queue.empty(); }
    bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return queue.empty() && in_flight == 0; }
  };

  struct Shard {
    explicit Shard(const ReplayApplyOptions* opts) : applier(opts) {}
    Batch filling;          // replaying thread only
    size_t num_series = 0;  // series records routed here: the size of the series table
    size_t batch_limit = 0;
    Applier applier;
    std::unique_ptr<Worker> worker;  // null until the log turns out large
  };

  void Full(uint32_t shard);  // the shard's batch reached its limit
  void Drain();               // waits until every operation added so far is applied
  void StartWorkers();
  void Hand(Shard& sh);  // the shard's filling batch to its worker
  static void RunWorker(Shard* sh);

  const ReplayApplyOptions opts_;
  const size_t max_batch_;
  std::vector<std::unique_ptr<Shard>> shards_;
  bool workers_started_ = false;
  bool finished_ = false;
  ReplayApplyCounts final_counts_;
  std::vector<MemSeries*> created_;
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_REPLAY_SHARDS_H_
