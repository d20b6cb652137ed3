// Chunk encoding byte values (prometheus-tsdb-formats.md §0.3).
//
// The encoding byte precedes chunk data in block chunk segments (§2.2) and head chunk files (§8.2).
// Bit 0x80 marks an out-of-order head chunk; it appears only in chunks_head/ files and is stripped
// before the data is decoded (the data itself is plain XOR).
#ifndef STRATA_TSDB_CHUNKENC_ENCODING_H_
#define STRATA_TSDB_CHUNKENC_ENCODING_H_

#include <cstdint>
#include <string_view>

namespace strata::tsdb::chunkenc {

enum class Encoding : uint8_t {
  kNone = 0,  // never written
  kXOR = 1,
  kHistogram = 2,       // not implemented
  kFloatHistogram = 3,  // not implemented
  kOOOXOR = 0x81,       // kXOR | kOOOFlag, only in chunks_head/
};

inline constexpr uint8_t kOOOFlag = 0x80;

inline constexpr bool IsOOO(Encoding e) { return (static_cast<uint8_t>(e) & kOOOFlag) != 0; }

// The encoding without the out-of-order bit: kOOOXOR -> kXOR; others unchanged.
inline constexpr Encoding WithoutOOO(Encoding e) {
  return static_cast<Encoding>(static_cast<uint8_t>(e) & ~kOOOFlag);
}

// The encoding with the out-of-order bit set (how an OOO head chunk is written to chunks_head/).
inline constexpr Encoding WithOOO(Encoding e) {
  return static_cast<Encoding>(static_cast<uint8_t>(e) | kOOOFlag);
}

// Whether a Prometheus 2.42 reader accepts `b` as an encoding byte: 1, 2, 3 and 0x81. Everything
// else (including 0 and newer values such as 4) is "invalid chunk encoding".
inline constexpr bool IsValidEncoding(uint8_t b) {
  return b == static_cast<uint8_t>(Encoding::kXOR) ||
         b == static_cast<uint8_t>(Encoding::kHistogram) ||
         b == static_cast<uint8_t>(Encoding::kFloatHistogram) ||
         b == static_cast<uint8_t>(Encoding::kOOOXOR);
}

// A short name for messages ("XOR", "histogram", "OOO XOR", "<unknown>").
std::string_view EncodingName(Encoding e);

}  // namespace strata::tsdb::chunkenc

#endif  // STRATA_TSDB_CHUNKENC_ENCODING_H_
