// Helpers shared by the chunkenc tests and benchmark (header-only; not part of the library).
#ifndef STRATA_TSDB_CHUNKENC_TEST_UTIL_H_
#define STRATA_TSDB_CHUNKENC_TEST_UTIL_H_

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "tsdb/chunkenc/xor.h"
#include "util/check.h"

namespace strata::tsdb::chunkenc::testutil {

using Samples = std::vector<std::pair<int64_t, double>>;

// Encodes samples into a fresh chunk and returns its bytes.
inline std::string Encode(const Samples& samples) {
  XorChunk c;
  auto app = c.Appender();
  CHECK(app.ok());
  for (const auto& [t, v] : samples) app->Append(t, v);
  return std::string(c.bytes());
}

// Decodes all samples; *status gets the iterator's final status.
inline Samples Decode(std::string_view bytes, absl::Status* status) {
  Samples out;
  XorIterator it(bytes);
  while (it.Next()) out.push_back(it.At());
  *status = it.status();
  return out;
}

// Samples compared bit-exactly (NaN payloads included), printable by gtest.
inline std::vector<std::pair<int64_t, uint64_t>> Bits(const Samples& s) {
  std::vector<std::pair<int64_t, uint64_t>> out;
  out.reserve(s.size());
  for (const auto& [t, v] : s) out.emplace_back(t, std::bit_cast<uint64_t>(v));
  return out;
}

// "00 03 80 ..." for readable byte comparisons.
inline std::string Hex(std::string_view b) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < b.size(); i++) {
    if (i > 0) out.push_back(' ');
    const auto c = static_cast<uint8_t>(b[i]);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Parses "00 03 80 ..." (spaces optional).
inline std::string FromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  unsigned cur = 0;
  for (char ch : hex) {
    if (ch == ' ') continue;
    const unsigned d = (ch >= '0' && ch <= '9') ? ch - '0' : (ch | 0x20) - 'a' + 10;
    CHECK(d < 16);
    cur = cur * 16 + d;
    if (++nibbles % 2 == 0) {
      out.push_back(static_cast<char>(cur));
      cur = 0;
    }
  }
  CHECK(nibbles % 2 == 0);
  return out;
}

// A literal transcription of the bit writer in prometheus-tsdb-formats.md §3.6, used as the
// reference for BitWriter's byte layout and length.
class SpecWriter {
 public:
  std::string bytes;
  int free = 0;

  void WriteBit(bool b) {
    if (free == 0) {
      bytes.push_back(0);
      free = 8;
    }
    if (b) bytes.back() = static_cast<char>(bytes.back() | (1 << (free - 1)));
    free--;
  }
  void WriteByte(uint8_t b) {
    if (free == 0) {
      bytes.push_back(0);
      free = 8;
    }
    bytes.back() = static_cast<char>(static_cast<uint8_t>(bytes.back()) | (b >> (8 - free)));
    bytes.push_back(static_cast<char>((b << free) & 0xFF));
  }
  void WriteBits(uint64_t x, int n) {
    x <<= 64 - n;  // drops bits above n, like left-aligning in §3.6
    for (; n >= 8; n -= 8, x <<= 8) WriteByte(static_cast<uint8_t>(x >> 56));
    for (; n > 0; n--, x <<= 1) WriteBit((x >> 63) != 0);
  }
};

// A literal transcription of the XOR encoder of §3.4/§3.5 on top of SpecWriter, field by field
// as the spec lists them (no merged writes): the reference XorAppender must match byte for byte.
inline std::string SpecEncode(const Samples& samples) {
  SpecWriter w;
  w.bytes.assign(2, '\0');
  w.bytes[0] = static_cast<char>(samples.size() >> 8);
  w.bytes[1] = static_cast<char>(samples.size());
  int64_t prev_t = 0;
  uint64_t prev_delta = 0, prev_v = 0;
  int leading = 0xFF, trailing = 0;
  for (size_t i = 0; i < samples.size(); i++) {
    const auto [t, v] = samples[i];
    const auto bits = std::bit_cast<uint64_t>(v);
    const uint64_t delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(prev_t);
    if (i == 0) {
      uint64_t z = (static_cast<uint64_t>(t) << 1) ^ static_cast<uint64_t>(t >> 63);
      for (; z >= 0x80; z >>= 7) w.WriteByte(static_cast<uint8_t>(z | 0x80));
      w.WriteByte(static_cast<uint8_t>(z));
      w.WriteBits(bits, 64);
    } else {
      if (i == 1) {
        uint64_t d = delta;
        for (; d >= 0x80; d >>= 7) w.WriteByte(static_cast<uint8_t>(d | 0x80));
        w.WriteByte(static_cast<uint8_t>(d));
      } else {
        const auto dod = static_cast<int64_t>(delta - prev_delta);
        if (dod == 0) {
          w.WriteBit(false);
        } else if (dod >= -8191 && dod <= 8192) {
          w.WriteBits(0b10, 2);
          w.WriteBits(static_cast<uint64_t>(dod) & 0x3FFF, 14);
        } else if (dod >= -65535 && dod <= 65536) {
          w.WriteBits(0b110, 3);
          w.WriteBits(static_cast<uint64_t>(dod) & 0x1FFFF, 17);
        } else if (dod >= -524287 && dod <= 524288) {
          w.WriteBits(0b1110, 4);
          w.WriteBits(static_cast<uint64_t>(dod) & 0xFFFFF, 20);
        } else {
          w.WriteBits(0b1111, 4);
          w.WriteBits(static_cast<uint64_t>(dod), 64);
        }
      }
      const uint64_t x = bits ^ prev_v;
      if (x == 0) {
        w.WriteBit(false);
      } else {
        w.WriteBit(true);
        int l = std::countl_zero(x);
        if (l >= 32) l = 31;
        const int tz = std::countr_zero(x);
        if (leading != 0xFF && l >= leading && tz >= trailing) {
          w.WriteBit(false);
          w.WriteBits(x >> trailing, 64 - leading - trailing);
        } else {
          leading = l;
          trailing = tz;
          w.WriteBit(true);
          w.WriteBits(static_cast<uint64_t>(l), 5);
          const int sig = 64 - l - tz;
          w.WriteBits(static_cast<uint64_t>(sig) & 63, 6);
          w.WriteBits(x >> tz, sig);
        }
      }
      prev_delta = delta;
    }
    prev_t = t;
    prev_v = bits;
  }
  return w.bytes;
}

}  // namespace strata::tsdb::chunkenc::testutil

#endif  // STRATA_TSDB_CHUNKENC_TEST_UTIL_H_
