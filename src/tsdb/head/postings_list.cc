#include "tsdb/head/postings_list.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "util/check.h"
#include "util/coding.h"
#include "util/malloc_size.h"

namespace strata::tsdb::head {
namespace {

// Writes `v` at p (util/coding's encoding); returns the byte after it.
uint8_t* WriteVarint(uint8_t* p, uint64_t v) {
  return p + EncodeUvarint(v, reinterpret_cast<char*>(p));
}

}  // namespace

PostingsList& PostingsList::operator=(PostingsList&& o) noexcept {
  if (this != &o) {
    Free();
    word_ = o.word_;
    o.word_ = 0;
  }
  return *this;
}

void PostingsList::Free() {
  if (!empty() && !single()) ::operator delete(block());
  word_ = 0;
}

size_t PostingsList::heap_bytes() const {
  return empty() || single() ? 0 : sizeof(Block) + block()->capacity;
}

PostingsList::Block* PostingsList::Reserve(size_t extra) {
  DCHECK(!single());
  Block* old = empty() ? nullptr : block();
  const size_t used = old ? old->used : 0;
  const size_t capacity = old ? old->capacity : 0;
  if (used + extra <= capacity) return old;
  const size_t want = std::max(used + extra, capacity + capacity / 2);
  const size_t total = MallocFriendlySize(sizeof(Block) + want);
  CHECK(total - sizeof(Block) <= UINT32_MAX);
  auto* b = static_cast<Block*>(::operator new(total));
  b->last = old ? old->last : 0;
  b->used = static_cast<uint32_t>(used);
  b->capacity = static_cast<uint32_t>(total - sizeof(Block));
  if (old) {
    std::memcpy(Bytes(b), Bytes(old), used);
    ::operator delete(old);
  }
  word_ = reinterpret_cast<uintptr_t>(b);
  return b;
}

void PostingsList::AppendDelta(uint64_t ref) {
  const uint64_t last = empty() ? 0 : block()->last;
  const uint64_t delta = ref - last;
  Block* b = Reserve(UvarintSize(delta));
  uint8_t* end = WriteVarint(Bytes(b) + b->used, delta);
  b->used = static_cast<uint32_t>(end - Bytes(b));
  b->last = ref;
}

void PostingsList::Insert(uint64_t ref) {
  if (empty()) {
    if (ref < (uint64_t{1} << 63)) {
      word_ = ref << 1 | kSingleTag;
    } else {
      AppendDelta(ref);
    }
    return;
  }
  if (single()) {
    const uint64_t only = word_ >> 1;
    if (ref == only) return;
    word_ = 0;
    AppendDelta(std::min(ref, only));
    AppendDelta(std::max(ref, only));
    return;
  }
  if (ref > block()->last) {
    AppendDelta(ref);
  } else if (ref < block()->last) {
    InsertBefore(ref);
  }
}

// Walks back from the end: a varint's last byte is the only one without the high bit, so each
// delta can be found from its end, and the ref before it is the ref after it minus the delta.
// At the place, the delta cur - prev becomes the two deltas ref - prev and cur - ref.
void PostingsList::InsertBefore(uint64_t ref) {
  Block* b = block();
  uint8_t* bytes = Bytes(b);
  size_t end = b->used;  // the varint ending here encodes cur - prev
  uint64_t cur = b->last;
  while (true) {
    size_t start = end - 1;
    while (start > 0 && (bytes[start - 1] & 0x80)) start--;
    uint64_t delta;
    postings_internal::ReadVarint(bytes + start, &delta);
    const uint64_t prev = cur - delta;  // 0 before the first ref
    if (start > 0 && prev == ref) return;
    if (start == 0 || prev < ref) {
      const size_t old_len = end - start;
      const size_t new_len = UvarintSize(ref - prev) + UvarintSize(cur - ref);
      b = Reserve(new_len - old_len);
      bytes = Bytes(b);
      std::memmove(bytes + start + new_len, bytes + end, b->used - end);
      WriteVarint(WriteVarint(bytes + start, ref - prev), cur - ref);
      b->used += static_cast<uint32_t>(new_len - old_len);
      return;
    }
    end = start;
    cur = prev;
  }
}

void PostingsList::RemoveAll(const absl::flat_hash_set<uint64_t>& refs) {
  if (empty()) return;
  std::vector<uint64_t> kept;
  bool removed = false;
  ForEach([&](uint64_t r) {
    if (refs.contains(r)) {
      removed = true;
    } else {
      kept.push_back(r);
    }
  });
  if (removed) Assign(kept);
}

void PostingsList::Assign(const std::vector<uint64_t>& refs) {
  Free();
  if (refs.size() == 1 && refs[0] < (uint64_t{1} << 63)) {
    word_ = refs[0] << 1 | kSingleTag;
    return;
  }
  if (refs.empty()) return;
  size_t bytes = 0;
  uint64_t prev = 0;
  for (uint64_t r : refs) {
    bytes += UvarintSize(r - prev);
    prev = r;
  }
  Reserve(bytes);
  for (uint64_t r : refs) AppendDelta(r);
}

}  // namespace strata::tsdb::head
