// One postings list of the head: the sorted refs of the series that have a label pair, in one
// word. A single ref (most label values name one series: an id, a pod) is kept in the word
// itself; more are delta-encoded as varints in one heap block. Refs are handed out in
// increasing order and a tenant's series are created together, so deltas are small: a posting
// costs 1-2 bytes instead of 8, which for series with six labels is ~40 bytes per series.
//
// Not thread-safe: MemPostings guards its lists with its own lock.
#ifndef STRATA_TSDB_HEAD_POSTINGS_LIST_H_
#define STRATA_TSDB_HEAD_POSTINGS_LIST_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace strata::tsdb::head {

class PostingsList {
 public:
  PostingsList() = default;
  PostingsList(PostingsList&& o) noexcept : word_(o.word_) { o.word_ = 0; }
  PostingsList& operator=(PostingsList&& o) noexcept;
  PostingsList(const PostingsList&) = delete;
  PostingsList& operator=(const PostingsList&) = delete;
  ~PostingsList() { Free(); }

  bool empty() const { return word_ == 0; }

  // Adds ref unless present. Appending (ref above all others) is the common, cheap case; a
  // smaller ref (concurrent creations arrive slightly out of order) costs a walk back from
  // the end to its place.
  void Insert(uint64_t ref);
  // Removes the refs in `refs`; one pass over the list.
  void RemoveAll(const absl::flat_hash_set<uint64_t>& refs);

  // Calls f(ref) for each ref in increasing order.
  template <typename F>
  void ForEach(F&& f) const;
  // Appends the refs to *out in increasing order.
  void AppendTo(std::vector<uint64_t>* out) const {
    ForEach([out](uint64_t r) { out->push_back(r); });
  }

  // Heap bytes held (0 for none or one ref).
  size_t heap_bytes() const;

 private:
  // A heap list: this header, then `capacity` bytes of which `used` hold varint deltas (the
  // first from 0). `last` is the largest ref, so appending needs no decoding.
  struct Block {
    uint64_t last;
    uint32_t used;
    uint32_t capacity;
  };
  static constexpr uint64_t kSingleTag = 1;  // word_ = ref << 1 | 1; blocks are aligned

  bool single() const { return (word_ & kSingleTag) != 0; }
  Block* block() const { return reinterpret_cast<Block*>(word_); }
  static uint8_t* Bytes(Block* b) { return reinterpret_cast<uint8_t*>(b + 1); }

  // Makes room for `extra` more bytes (growing by half, to malloc-friendly sizes).
  Block* Reserve(size_t extra);
  void AppendDelta(uint64_t ref);
  void InsertBefore(uint64_t ref);
  // Rebuilds the list from sorted, distinct refs.
  void Assign(const std::vector<uint64_t>& refs);
  void Free();

  uintptr_t word_ = 0;  // 0: empty; tagged: one ref; else a Block*
};

namespace postings_internal {
// Decodes one varint at p; returns the byte after it. The bytes are the list's own, so unlike
// util/coding's DecodeUvarint this checks no bounds and is inlined into ForEach's loop.
inline const uint8_t* ReadVarint(const uint8_t* p, uint64_t* v) {
  uint64_t x = 0;
  int shift = 0;
  while (*p & 0x80) {
    x |= static_cast<uint64_t>(*p++ & 0x7f) << shift;
    shift += 7;
  }
  *v = x | (static_cast<uint64_t>(*p++) << shift);
  return p;
}
}  // namespace postings_internal

template <typename F>
void PostingsList::ForEach(F&& f) const {
  if (empty()) return;
  if (single()) {
    f(uint64_t{word_ >> 1});
    return;
  }
  Block* b = block();
  const uint8_t* p = Bytes(b);
  const uint8_t* end = p + b->used;
  uint64_t ref = 0;
  while (p < end) {
    uint64_t delta;
    p = postings_internal::ReadVarint(p, &delta);
    ref += delta;
    f(ref);
  }
}

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_POSTINGS_LIST_H_
