#include "tsdb/chunkenc/bstream.h"

#include <algorithm>
#include <cstring>

#include "util/coding.h"
#include "util/malloc_size.h"

namespace strata::tsdb::chunkenc {

void ByteBlockRef::resize(size_t n) {
  if (n <= *size_) return;
  n = MallocFriendlySize(n);  // the block will grow on: use what malloc gives anyway
  CHECK(n <= UINT32_MAX);
  auto grown = std::make_unique<char[]>(n);  // zeroed
  if (*size_ > 0) std::memcpy(grown.get(), block_->get(), *size_);
  *block_ = std::move(grown);
  *size_ = static_cast<uint32_t>(n);
}

void BitReader::RefillTail() {
  while (valid_ <= 56 && p_ < end_) {
    buf_ |= uint64_t{*p_++} << (56 - valid_);
    valid_ += 8;
  }
}

bool BitReader::ReadBitsSlow(int n, uint64_t* out) {
  if (n <= 56 || bits_left() < static_cast<uint64_t>(n)) return false;
  // A refill guarantees at least 57 bits when enough input remains; read wide fields in two parts.
  const uint64_t hi = Take(n - 32);
  Refill();
  *out = (hi << 32) | Take(32);
  return true;
}

}  // namespace strata::tsdb::chunkenc
