// Byte encodings shared by every on-disk format (prometheus-tsdb-formats.md §0.1):
// big-endian fixed-width integers, unsigned LEB128 varints and zig-zag signed varints.
//
// Encbuf appends to a std::string; Decbuf reads from borrowed bytes with a sticky error, so a
// decoder reads field after field and checks ok() once (Prometheus tsdb/encoding).
#ifndef STRATA_UTIL_CODING_H_
#define STRATA_UTIL_CODING_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata {

inline void EncodeBE16(uint16_t v, char* dst) {
  dst[0] = static_cast<char>(v >> 8);
  dst[1] = static_cast<char>(v);
}
inline void EncodeBE32(uint32_t v, char* dst) {
  for (int i = 0; i < 4; i++) dst[i] = static_cast<char>(v >> (24 - 8 * i));
}
inline void EncodeBE64(uint64_t v, char* dst) {
  for (int i = 0; i < 8; i++) dst[i] = static_cast<char>(v >> (56 - 8 * i));
}
inline uint16_t DecodeBE16(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t DecodeBE32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint64_t DecodeBE64(const char* p) {
  return (uint64_t{DecodeBE32(p)} << 32) | DecodeBE32(p + 4);
}

inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

constexpr int kMaxVarintLen64 = 10;

// Writes `v` as uvarint into dst (room for kMaxVarintLen64 bytes); returns the bytes written.
inline int EncodeUvarint(uint64_t v, char* dst) {
  int n = 0;
  while (v >= 0x80) {
    dst[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  dst[n++] = static_cast<char>(v);
  return n;
}
inline int UvarintSize(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

// Reads a uvarint from [p, limit). Returns the number of bytes consumed, or 0 if the input ends
// before the varint does or the value overflows 64 bits.
int DecodeUvarint(const char* p, const char* limit, uint64_t* v);

inline void PutBE16(std::string* dst, uint16_t v) {
  char b[2];
  EncodeBE16(v, b);
  dst->append(b, 2);
}
inline void PutBE32(std::string* dst, uint32_t v) {
  char b[4];
  EncodeBE32(v, b);
  dst->append(b, 4);
}
inline void PutBE64(std::string* dst, uint64_t v) {
  char b[8];
  EncodeBE64(v, b);
  dst->append(b, 8);
}
inline void PutUvarint(std::string* dst, uint64_t v) {
  char b[kMaxVarintLen64];
  dst->append(b, EncodeUvarint(v, b));
}
inline void PutVarint(std::string* dst, int64_t v) { PutUvarint(dst, ZigZagEncode(v)); }
inline void PutUvarintStr(std::string* dst, std::string_view s) {
  PutUvarint(dst, s.size());
  dst->append(s);
}
inline void PutBE64Double(std::string* dst, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  PutBE64(dst, bits);
}

// Reads fields from borrowed bytes. The first failure (running out of bytes, a bad varint) is
// sticky: later reads return zero values and ok() stays false. REQUIRES: the bytes outlive it.
class Decbuf {
 public:
  Decbuf() = default;
  explicit Decbuf(std::string_view b) : begin_(b.data()), p_(b.data()), end_(b.data() + b.size()) {}

  uint8_t Byte();
  uint32_t Be32();
  uint64_t Be64();
  double Be64Double();
  uint64_t Uvarint();
  int64_t Varint();
  uint32_t Uvarint32();  // a uvarint that must fit 32 bits
  // A uvarint length followed by that many bytes; the view borrows the input.
  std::string_view UvarintStr();
  std::string_view Bytes(size_t n);
  void Skip(size_t n);

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }
  std::string_view rest() const { return std::string_view(p_, remaining()); }
  bool ok() const { return error_ == nullptr; }
  // OK, or DataLoss naming what failed and at which offset of the buffer.
  absl::Status status() const;
  // Marks the buffer as failed with `what` (a string literal), e.g. after a semantic check.
  void Fail(const char* what) {
    if (error_ == nullptr) {
      error_ = what;
      error_offset_ = offset();
    }
    p_ = end_;
  }

 private:
  bool Need(size_t n) {
    if (error_ != nullptr) return false;
    if (remaining() < n) {
      Fail("unexpected end of data");
      return false;
    }
    return true;
  }

  const char* begin_ = nullptr;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  const char* error_ = nullptr;  // a string literal; nullptr while ok
  size_t error_offset_ = 0;
};

}  // namespace strata

#endif  // STRATA_UTIL_CODING_H_
