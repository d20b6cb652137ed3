#include "tsdb/chunkenc/bstream.h"

#include <algorithm>
#include <cstring>

#include "util/coding.h"

namespace strata::tsdb::chunkenc {

BitWriter::BitWriter(std::string* buf, uint64_t bit_pos, bool extra_byte, size_t initial_bytes)
    : buf_(buf), pos_(bit_pos), extra_(extra_byte) {
  DCHECK(buf_->size() == size_bytes());
  if ((pos_ & 7) != 0) last_ = static_cast<uint8_t>(buf_->back());
  buf_->resize(std::max(initial_bytes, static_cast<size_t>(pos_ >> 3) + kSlack));
}

void BitWriter::Grow(size_t idx) { buf_->resize(std::max(buf_->size() * 2, idx + kSlack)); }

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
