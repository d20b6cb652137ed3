// One series in the head (Prometheus memSeries): identity, in-order chunks (m-mapped ones by
// reference, the open one in memory) and, once it received late samples, its out-of-order chunks.
//
// Invariants (guarded by mu):
// - mmapped_ chunks are in time order, do not overlap, and all precede head_chunk_.
// - last_t_/last_v_bits_ are those of the newest in-order sample (valid iff has_in_order_data()).
// - ooo_ is null until the first OOO sample; its mmapped chunks may overlap each other.
// Thread-safety: immutable fields first; everything else only under mu. Lock order: stripe → series.
#ifndef STRATA_TSDB_HEAD_MEM_SERIES_H_
#define STRATA_TSDB_HEAD_MEM_SERIES_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "util/check.h"
#include "labels/labels.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/ooo/ooo_chunk.h"

namespace strata::tsdb::head {

// A completed chunk written to chunks_head/ and referenced from memory.
struct MmappedChunk {
  uint64_t ref;  // chunks_head ref (file << 32 | offset)
  int64_t min_time;
  int64_t max_time;
  uint16_t num_samples;
};

// The m-mapped in-order chunks of a series, oldest first: a vector in one pointer. Most series of
// a short-lived or high-cardinality workload never cut a chunk, and a std::vector would cost 24
// bytes in each of them.
class MmappedChunkList {
 public:
  MmappedChunkList() = default;
  MmappedChunkList(const MmappedChunkList&) = delete;
  MmappedChunkList& operator=(const MmappedChunkList&) = delete;
  ~MmappedChunkList() { std::free(rep_); }

  const MmappedChunk* begin() const { return rep_ == nullptr ? nullptr : Items(rep_); }
  const MmappedChunk* end() const { return begin() + size(); }
  size_t size() const { return rep_ == nullptr ? 0 : rep_->size; }
  bool empty() const { return size() == 0; }
  const MmappedChunk& front() const { return *begin(); }
  const MmappedChunk& back() const { return end()[-1]; }
  // Heap bytes held.
  size_t capacity_bytes() const;

  void push_back(const MmappedChunk& c);
  // Drops the first n chunks; frees the list when none is left.
  void EraseFront(size_t n);

 private:
  // Heads an allocation of sizeof(Rep) + capacity chunks.
  struct Rep {
    uint32_t size;
    uint32_t capacity;
  };
  static_assert(sizeof(Rep) % alignof(MmappedChunk) == 0);
  static MmappedChunk* Items(Rep* r) { return reinterpret_cast<MmappedChunk*>(r + 1); }
  static size_t RepBytes(uint32_t capacity) {
    return sizeof(Rep) + sizeof(MmappedChunk) * capacity;
  }
  Rep* rep_ = nullptr;
};

// The open in-order chunk, kept inside its series: its bytes in a bare block and the encoder's
// state (the previous sample is the series' last_t/last_v_bits), 48 bytes instead of an XorChunk
// and XorAppender in an allocation of their own.
struct HeadChunk {
  std::unique_ptr<char[]> bytes;  // the chunk, then the encoder's zeroed slack; null: no chunk
  chunkenc::XorAppendState enc;   // enc.block_size: the size of `bytes`
  int64_t min_time = 0;
  int64_t next_at = 0;  // cut a new chunk at or after this time (§9.8)

  std::string_view data() const { return std::string_view(bytes.get(), enc.size_bytes()); }
  uint16_t num_samples() const { return enc.num_samples; }
  chunkenc::ByteBlockRef buffer() { return chunkenc::ByteBlockRef(&bytes, &enc.block_size); }
};
static_assert(sizeof(HeadChunk) == 48);

struct OOOState {
  OOOState() = default;
  ooo::OOOChunk head;
  std::vector<MmappedChunk> mmapped;
};

// Writes a completed chunk to chunks_head/; returns its ref (0 if writing failed: the chunk is then
// kept out of queries' reach until WAL replay, see Head::WriteChunk).
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  virtual uint64_t WriteChunk(uint64_t series_ref, int64_t mint, int64_t maxt, uint8_t encoding,
                              std::string_view data) = 0;
};

class MemSeries {
 public:
  // A series whose label set has the encoding `encoded` (labels::Labels::data()). The label bytes
  // live in the series' own allocation, after the object: one allocation per series, not two.
  static std::unique_ptr<MemSeries> New(uint64_t ref, std::string_view encoded);
  MemSeries(const MemSeries&) = delete;
  MemSeries& operator=(const MemSeries&) = delete;
  // Frees what New allocated: unsized, since the allocation is larger than the object.
  static void operator delete(void* p) { ::operator delete(p); }

  uint64_t ref() const { return ref_; }
  const labels::Labels& labels() const { return labels_; }

  absl::Mutex& mu() const ABSL_LOCK_RETURNED(mu_) { return mu_; }

  bool has_in_order_data() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return has_head_chunk() || !mmapped_.empty();
  }
  int64_t last_t() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return last_t_; }
  uint64_t last_v_bits() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return last_v_bits_; }
  // Oldest in-order sample time. REQUIRES: has_in_order_data().
  int64_t min_time() const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Appends an in-order sample. REQUIRES: t > last_t() or no in-order data. Cuts a new chunk per
  // §9.8 and hands the completed one to `sink`.
  void AppendInOrder(int64_t t, double v, int64_t chunk_range_ms, ChunkSink* sink)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Inserts an out-of-order sample into the OOO head chunk, m-mapping the chunk first when it
  // holds `cap` samples. Returns false if the timestamp is already in the OOO head chunk. If a
  // chunk was m-mapped, *mmapped_ref is its ref (else untouched).
  bool InsertOOO(int64_t t, double v, size_t cap, ChunkSink* sink, uint64_t* mmapped_ref)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // m-maps the OOO head chunk if it holds samples; returns the new ref or 0.
  uint64_t MmapOOOHead(ChunkSink* sink) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Drops in-order chunks that end before `t`. Returns true if the series still has in-order data.
  bool TruncateChunksBefore(int64_t t) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops OOO m-mapped chunks with ref <= `max_ref` (compared as file, offset); drops the OOO state
  // when nothing is left.
  void TruncateOOOUpTo(uint64_t max_ref) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  bool empty() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return !has_in_order_data() && ooo_ == nullptr;
  }

  const MmappedChunkList& mmapped() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return mmapped_;
  }
  // The open chunk, or null. Its newest sample is last_t().
  const HeadChunk* head_chunk() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return has_head_chunk() ? &head_chunk_ : nullptr;
  }
  const OOOState* ooo() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return ooo_.get(); }

  // Adopts a chunk found in chunks_head/ at start-up (in-order: appended after the existing ones).
  void AddMmappedChunk(const MmappedChunk& c, bool ooo)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the OOO head chunk (its samples are in an m-mapped chunk: WBL replay of a marker).
  void DropOOOHead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Heap and object bytes this series holds (labels, chunks, chunk lists).
  size_t MemoryBytes() const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Samples queued by appenders but not committed yet: such a series must not be collected.
  void AddPending() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    CHECK(state() <= ~uint64_t{0} - kPendingOne);  // 2^30 - 1 pending samples at most
    SetState(state() + kPendingOne);
  }
  void RemovePending() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { SetState(state() - kPendingOne); }
  // Whether truncation may remove the series now; if so, marks it dead.
  bool MarkDeadIfCollectable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!empty() || state() >= kPendingOne) return false;
    SetState(state() | kDead);
    return true;
  }
  // A dead series was unlinked from the head: appenders that still found it must look again.
  bool dead() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return (state() & kDead) != 0; }

  // Set once a WAL series record for this series was logged (WAL order: series before samples).
  // Read without the lock.
  bool logged() const { return (state() & kLogged) != 0; }
  void set_logged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { SetState(state() | kLogged); }

  // Wall time (seconds since the epoch) of the last append of a sample to this series by an
  // appender that tracks activity (HeadOptions::activity_clock); 0 if none. Read without the lock.
  uint32_t active_at_s() const { return static_cast<uint32_t>(state()); }
  void MarkActive(uint32_t now_s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (now_s > active_at_s()) SetState((state() & ~uint64_t{0xFFFFFFFF}) | now_s);
  }

 private:
  MemSeries(uint64_t ref, const char* label_block)
      : ref_(ref), labels_(labels::Labels::Borrowing(label_block)) {}

  void CutHeadChunk(int64_t t, int64_t chunk_range_ms, ChunkSink* sink)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool has_head_chunk() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return head_chunk_.bytes != nullptr;
  }

  const uint64_t ref_;
  const labels::Labels labels_;  // borrows the block after the object (New)
  // One word for what is read without the lock (active_at_s, logged) and what the lock guards
  // (dead, pending commits): bits 0-31 active_at_s, 32 logged, 33 dead, 34-63 pending count.
  // Written only under mu_, so plain atomic stores suffice (no read-modify-write instructions).
  static constexpr uint64_t kLogged = uint64_t{1} << 32;
  static constexpr uint64_t kDead = uint64_t{1} << 33;
  static constexpr uint64_t kPendingOne = uint64_t{1} << 34;
  uint64_t state() const { return state_.load(std::memory_order_acquire); }
  void SetState(uint64_t v) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    state_.store(v, std::memory_order_release);
  }
  std::atomic<uint64_t> state_{0};

  mutable absl::Mutex mu_;
  MmappedChunkList mmapped_ ABSL_GUARDED_BY(mu_);
  HeadChunk head_chunk_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<OOOState> ooo_ ABSL_GUARDED_BY(mu_);
  int64_t last_t_ ABSL_GUARDED_BY(mu_) = INT64_MIN;
  uint64_t last_v_bits_ ABSL_GUARDED_BY(mu_) = 0;
};

// rangeForTimestamp of §9.2: the end of t's aligned window (Go's truncating division).
inline int64_t RangeForTimestamp(int64_t t, int64_t range) { return (t / range) * range + range; }

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_MEM_SERIES_H_
