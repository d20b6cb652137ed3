#include "tsdb/head/mem_series.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

#include "util/check.h"

namespace strata::tsdb::head {
namespace {

constexpr int kSamplesPerChunk = 120;
constexpr int kMaxSamplesPerChunk = 2 * kSamplesPerChunk;

// A chunks_head ref compared as (file, offset): the packing makes that plain integer order.
bool RefLessEq(uint64_t a, uint64_t b) { return a <= b; }

// Prometheus starts every chunk at 128 bytes; most series of a short-lived or high-cardinality
// workload never fill that (10 samples of a counter take about 40), and a 120-sample chunk
// reaches its size by growing anyway.
constexpr size_t kInitialChunkBytes = 48;

}  // namespace

size_t MmappedChunkList::capacity_bytes() const {
  return rep_ == nullptr ? 0 : RepBytes(rep_->capacity);
}

void MmappedChunkList::push_back(const MmappedChunk& c) {
  if (rep_ == nullptr || rep_->size == rep_->capacity) {
    const uint32_t cap = rep_ == nullptr ? 1 : rep_->capacity * 2;
    auto* grown = static_cast<Rep*>(std::realloc(rep_, RepBytes(cap)));
    CHECK(grown != nullptr);
    if (rep_ == nullptr) grown->size = 0;
    grown->capacity = cap;
    rep_ = grown;
  }
  Items(rep_)[rep_->size++] = c;
}

void MmappedChunkList::EraseFront(size_t n) {
  if (n == 0) return;
  if (n >= size()) {
    std::free(rep_);
    rep_ = nullptr;
    return;
  }
  std::memmove(Items(rep_), Items(rep_) + n, sizeof(MmappedChunk) * (rep_->size - n));
  rep_->size -= static_cast<uint32_t>(n);
}

std::unique_ptr<MemSeries> MemSeries::New(uint64_t ref, std::string_view encoded) {
  static_assert(sizeof(MemSeries) % alignof(uint32_t) == 0);  // the block's length is aligned
  const size_t extra = labels::Labels::BlockBytes(encoded);
  void* p = ::operator new(sizeof(MemSeries) + extra);
  char* block = static_cast<char*>(p) + sizeof(MemSeries);
  labels::Labels::WriteBlock(encoded, block);
  return std::unique_ptr<MemSeries>(::new (p) MemSeries(ref, block));
}

int64_t MemSeries::min_time() const {
  if (!mmapped_.empty()) return mmapped_.front().min_time;
  return head_chunk_.min_time;
}

void MemSeries::CutHeadChunk(int64_t t, int64_t chunk_range_ms, ChunkSink* sink) {
  HeadChunk& c = head_chunk_;
  if (has_head_chunk()) {
    uint64_t ref = sink->WriteChunk(ref_, c.min_time, last_t_,
                                    static_cast<uint8_t>(chunkenc::Encoding::kXOR), c.data());
    mmapped_.push_back(MmappedChunk{ref, c.min_time, last_t_, c.num_samples()});
  }
  c.bytes.reset();
  c.enc.block_size = 0;
  chunkenc::ByteBlockRef buf = c.buffer();
  chunkenc::StartXorChunk(&buf, &c.enc, kInitialChunkBytes);
  c.min_time = t;
  c.next_at = RangeForTimestamp(t, chunk_range_ms);
}

void MemSeries::AppendInOrder(int64_t t, double v, int64_t chunk_range_ms, ChunkSink* sink) {
  HeadChunk& c = head_chunk_;
  if (!has_head_chunk() || t >= c.next_at || c.num_samples() >= kMaxSamplesPerChunk) {
    CutHeadChunk(t, chunk_range_ms, sink);
  } else if (c.num_samples() == kSamplesPerChunk / 4) {
    // Re-estimate the cut so the rest of the window splits into chunks of ~120 samples (§9.8).
    const int64_t start = c.min_time;
    const int64_t n = (c.next_at - start) / ((last_t_ - start + 1) * 4);
    if (n > 1) c.next_at = start + (c.next_at - start) / n;
    if (t >= c.next_at) CutHeadChunk(t, chunk_range_ms, sink);
  }
  chunkenc::ByteBlockRef buf = c.buffer();
  chunkenc::AppendXorSample(&buf, &c.enc, last_t_, last_v_bits_, t, v);
  last_t_ = t;
  last_v_bits_ = std::bit_cast<uint64_t>(v);
}

bool MemSeries::InsertOOO(int64_t t, double v, size_t cap, ChunkSink* sink,
                          uint64_t* mmapped_ref) {
  if (ooo_ == nullptr) ooo_ = std::make_unique<OOOState>();
  if (ooo_->head.num_samples() >= cap) *mmapped_ref = MmapOOOHead(sink);
  return ooo_->head.Insert(t, v);
}

uint64_t MemSeries::MmapOOOHead(ChunkSink* sink) {
  if (ooo_ == nullptr || ooo_->head.empty()) return 0;
  const ooo::OOOChunk& h = ooo_->head;
  chunkenc::XorChunk x = h.ToXor();
  uint64_t ref = sink->WriteChunk(ref_, h.min_time(), h.max_time(),
                                  static_cast<uint8_t>(chunkenc::Encoding::kOOOXOR), x.bytes());
  ooo_->mmapped.push_back(MmappedChunk{ref, h.min_time(), h.max_time(), x.num_samples()});
  ooo_->head = ooo::OOOChunk();
  return ref;
}

bool MemSeries::TruncateChunksBefore(int64_t t) {
  if (has_head_chunk() && last_t_ < t) {
    // The open chunk is the newest: if it goes, every m-mapped one goes too.
    head_chunk_.bytes.reset();
    mmapped_.EraseFront(mmapped_.size());
    return false;
  }
  auto keep = std::find_if(mmapped_.begin(), mmapped_.end(),
                           [t](const MmappedChunk& c) { return c.max_time >= t; });
  mmapped_.EraseFront(static_cast<size_t>(keep - mmapped_.begin()));
  return has_in_order_data();
}

void MemSeries::TruncateOOOUpTo(uint64_t max_ref) {
  if (ooo_ == nullptr) return;
  auto& m = ooo_->mmapped;
  m.erase(std::remove_if(m.begin(), m.end(),
                         [max_ref](const MmappedChunk& c) { return RefLessEq(c.ref, max_ref); }),
          m.end());
  if (m.empty() && ooo_->head.empty()) ooo_.reset();
}

void MemSeries::AddMmappedChunk(const MmappedChunk& c, bool ooo) {
  if (ooo) {
    if (ooo_ == nullptr) ooo_ = std::make_unique<OOOState>();
    ooo_->mmapped.push_back(c);
    return;
  }
  mmapped_.push_back(c);
  if (c.max_time > last_t_ || last_t_ == INT64_MIN) last_t_ = c.max_time;
}

void MemSeries::DropOOOHead() {
  if (ooo_ == nullptr) return;
  ooo_->head = ooo::OOOChunk();
  if (ooo_->mmapped.empty()) ooo_.reset();
}

size_t MemSeries::MemoryBytes() const {
  size_t n = sizeof(MemSeries) + labels::Labels::BlockBytes(labels_.data());
  n += mmapped_.capacity_bytes();
  if (has_head_chunk()) n += head_chunk_.enc.block_size;
  if (ooo_ != nullptr) {
    n += sizeof(OOOState) + ooo_->head.bytes() + ooo_->mmapped.capacity() * sizeof(MmappedChunk);
  }
  return n;
}

}  // namespace strata::tsdb::head
