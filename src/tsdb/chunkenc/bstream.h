// Bit streams for the XOR chunk encoding (prometheus-tsdb-formats.md §3.2, §3.6).
//
// Bits are packed most-significant bit first. BitWriter reproduces the byte length of Prometheus's
// bit writer exactly, including its one quirk (§3.6): a multi-of-8-bit write that starts on a
// byte boundary leaves one extra, all-unused 0x00 byte at the end of the stream. That byte is part
// of the chunk bytes on disk, so an encoder must emit it to be byte-identical.
//
// Model: the writer tracks `pos_`, the bit position from the start of the buffer (for a chunk
// that includes the 2 header bytes), and `extra_`, whether that trailing unused byte is
// present; the stream is then exactly ceil(pos_ / 8) + extra_ bytes long (size_bytes()).
// extra_ depends only on the last write call: it is set when that call wrote a multiple of 8
// bits and ended byte-aligned. Callers may therefore merge several fields into one call only
// when another call follows before the stream is read (which is what XorAppender does), or when
// the merged call has the same n % 8.
//
// For speed the writer keeps slack after the stream in its buffer (at least 9 bytes), so every
// write is one unaligned 64-bit store (plus one byte) after a single size compare. The buffer's
// size() is therefore NOT the stream length: use size_bytes(). Bytes past the stream are zero.
#ifndef STRATA_TSDB_CHUNKENC_BSTREAM_H_
#define STRATA_TSDB_CHUNKENC_BSTREAM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "util/check.h"

namespace strata::tsdb::chunkenc {

// A byte block a BitWriter can grow, for owners that keep its size elsewhere: 8 bytes of block
// pointer where a std::string takes 32 (the head keeps one open chunk per series). Bytes past
// what was written are zero. REQUIRES: the block and size outlive this view.
class ByteBlockRef {
 public:
  ByteBlockRef(std::unique_ptr<char[]>* block, uint32_t* size) : block_(block), size_(size) {}
  char* data() { return block_->get(); }
  size_t size() const { return *size_; }
  char back() const { return (*block_)[*size_ - 1]; }
  // Grows to n bytes (never shrinks), the new ones zero.
  void resize(size_t n);

 private:
  std::unique_ptr<char[]>* block_;
  uint32_t* size_;
};

// Appends bits to a borrowed Buffer: std::string, or ByteBlockRef (data(), size(), back(), and a
// resize() that zero-fills). REQUIRES: the buffer outlives the writer and nobody else modifies
// it while the writer is in use. Not thread-safe.
template <typename Buffer>
class BasicBitWriter {
 public:
  BasicBitWriter() = default;
  // Continues a stream whose first `bit_pos` bits are in `*buf`. `extra_byte` says whether the
  // buffer carries the trailing unused byte (§3.6). REQUIRES: buf->size() ==
  // ceil(bit_pos / 8) + extra_byte, extra_byte only if bit_pos % 8 == 0, bits past bit_pos are 0.
  // Grows *buf with zero bytes to at least `initial_bytes` (plus the slack).
  BasicBitWriter(Buffer* buf, uint64_t bit_pos, bool extra_byte, size_t initial_bytes = 0)
      : buf_(buf), pos_(bit_pos), extra_(extra_byte) {
    DCHECK(buf_->size() == size_bytes());
    if ((pos_ & 7) != 0) last_ = static_cast<uint8_t>(buf_->back());
    const size_t need = std::max(initial_bytes, static_cast<size_t>(pos_ >> 3) + kSlack);
    if (need > buf_->size()) buf_->resize(need);
  }
  // Resumes from the state a previous writer on the same buffer ended with (bit_pos(),
  // extra_byte(), last_byte()); checks nothing and grows nothing until the next write.
  struct Resume {
    uint64_t bit_pos;
    bool extra_byte;
    uint8_t last_byte;
  };
  BasicBitWriter(Buffer* buf, Resume r)
      : buf_(buf), pos_(r.bit_pos), extra_(r.extra_byte), last_(r.last_byte) {}

  void WriteBit(bool bit) {
    const size_t idx = static_cast<size_t>(pos_ >> 3);
    if (idx + kSlack > buf_->size()) [[unlikely]] {
      Grow(idx);
    }
    last_ = static_cast<uint8_t>(last_ | (static_cast<unsigned>(bit) << (7 - (pos_ & 7))));
    buf_->data()[idx] = static_cast<char>(last_);
    pos_++;
    if ((pos_ & 7) == 0) last_ = 0;
    extra_ = false;
  }

  // Writes the low `n` bits of `v`, most significant first. REQUIRES: 1 <= n <= 64.
  void WriteBits(uint64_t v, int n);

  void WriteByte(uint8_t b) { WriteBits(b, 8); }

  uint64_t bit_pos() const { return pos_; }
  bool extra_byte() const { return extra_; }
  // The byte holding bit_pos() as written so far (0 when byte-aligned): part of Resume.
  uint8_t last_byte() const { return last_; }
  // Length of the stream in bytes (what Prometheus's writer would hold).
  size_t size_bytes() const { return static_cast<size_t>((pos_ + 7) >> 3) + (extra_ ? 1 : 0); }

 private:
  // Zero bytes kept past the byte holding bit pos_: one 64-bit store plus its spill byte.
  static constexpr size_t kSlack = 9;
  // By half: a std::string doubles its capacity anyway; a ByteBlockRef (the head's open chunks,
  // one per series) wastes a sixth on average instead of a quarter.
  void Grow(size_t idx) { buf_->resize(std::max(buf_->size() + buf_->size() / 2, idx + kSlack)); }

  Buffer* buf_ = nullptr;
  uint64_t pos_ = 0;
  bool extra_ = false;
  // A copy of the byte holding bit pos_ (0 when byte-aligned). Writes never read the buffer:
  // reading bytes just stored by the previous write would stall on store forwarding.
  uint8_t last_ = 0;
};

using BitWriter = BasicBitWriter<std::string>;

template <typename Buffer>
inline void BasicBitWriter<Buffer>::WriteBits(uint64_t v, int n) {
  DCHECK(n >= 1 && n <= 64);
  const size_t idx = static_cast<size_t>(pos_ >> 3);
  if (idx + kSlack > buf_->size()) [[unlikely]] {
    Grow(idx);
  }
  const uint64_t a = n == 64 ? v : v << (64 - n);  // left-aligned; drops bits above n
  const int off = static_cast<int>(pos_ & 7);
  // The 8 bytes from the one holding pos_, then the bits that spill past them. Bits after the
  // new position are zero in both, so the padding of the last byte stays zero.
  const uint64_t word = (uint64_t{last_} << 56) | (a >> off);
  const auto spill = static_cast<uint8_t>(off == 0 ? 0 : (a << (64 - off)) >> 56);
  const uint64_t be = __builtin_bswap64(word);
  char* p = buf_->data() + idx;
  std::memcpy(p, &be, sizeof be);
  p[8] = static_cast<char>(spill);
  const int k = (off + n) >> 3;  // index of the byte holding the new position, 0..8
  last_ = k < 8 ? static_cast<uint8_t>(word >> (56 - 8 * k)) : spill;
  pos_ += static_cast<uint64_t>(n);
  // §3.6: Prometheus appends a byte per whole byte written, so an aligned multi-of-8 write
  // leaves one unused byte behind.
  extra_ = (n % 8 == 0) && (pos_ % 8 == 0);
}

// Reads bits from borrowed bytes, MSB first, through a 64-bit buffer. Reading past the end fails
// (returns false) without touching memory outside the bytes. REQUIRES: the bytes outlive the
// reader. Not thread-safe.
class BitReader {
 public:
  BitReader() = default;
  explicit BitReader(std::string_view data)
      : begin_(reinterpret_cast<const uint8_t*>(data.data())),
        p_(begin_),
        end_(begin_ + data.size()) {}

  // Reads `n` bits into the low bits of *out. REQUIRES: 1 <= n <= 64. Returns false, leaving the
  // reader in an unspecified state, if fewer than n bits remain.
  bool ReadBits(int n, uint64_t* out) {
    if (n > valid_) [[unlikely]] {
      Refill();
      if (n > valid_) return ReadBitsSlow(n, out);
    }
    *out = Take(n);
    return true;
  }

  bool ReadBit(bool* out) {
    if (valid_ == 0) [[unlikely]] {
      Refill();
      if (valid_ == 0) return false;
    }
    *out = (buf_ >> 63) != 0;
    buf_ <<= 1;
    valid_--;
    return true;
  }

  // Bits consumed so far.
  uint64_t bits_read() const { return static_cast<uint64_t>(p_ - begin_) * 8 - valid_; }
  // Bits not yet consumed.
  uint64_t bits_left() const { return static_cast<uint64_t>(end_ - p_) * 8 + valid_; }

 private:
  // REQUIRES: 1 <= n <= valid_.
  uint64_t Take(int n) {
    const uint64_t v = buf_ >> (64 - n);
    buf_ = n == 64 ? 0 : buf_ << n;
    valid_ -= n;
    return v;
  }
  // Called after Refill() when still fewer than n bits are buffered.
  bool ReadBitsSlow(int n, uint64_t* out);
  // Tops the buffer up to at least 57 bits, or to everything left near the end.
  void Refill() {
    if (end_ - p_ >= 8) [[likely]] {
      // Load as many whole bytes as fit below the valid bits.
      const int nbytes = (64 - valid_) >> 3;
      uint64_t w;
      std::memcpy(&w, p_, sizeof w);
      w = __builtin_bswap64(w);
      const int low_unused = (64 - valid_) & 7;  // bits of a partial byte that must stay zero
      buf_ |= (valid_ == 0 ? w : w >> valid_) & (~uint64_t{0} << low_unused);
      p_ += nbytes;
      valid_ += nbytes * 8;
      return;
    }
    RefillTail();
  }
  void RefillTail();

  const uint8_t* begin_ = nullptr;
  const uint8_t* p_ = nullptr;  // next byte to load into buf_
  const uint8_t* end_ = nullptr;
  // The next `valid_` bits of the stream, left-aligned; bits below them are zero.
  uint64_t buf_ = 0;
  int valid_ = 0;
};

}  // namespace strata::tsdb::chunkenc

#endif  // STRATA_TSDB_CHUNKENC_BSTREAM_H_
