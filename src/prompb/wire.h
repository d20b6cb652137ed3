// Protobuf wire-format primitives shared by the remote-write decoder and encoder
// (https://protobuf.dev/programming-guides/encoding/). Internal to src/prompb.
#ifndef STRATA_PROMPB_WIRE_H_
#define STRATA_PROMPB_WIRE_H_

#include <cstdint>
#include <cstring>

namespace strata::prompb::wire {

// The low three bits of a field key.
enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: only ever skipped
  kEndGroup = 4,
  kFixed32 = 5,
};

inline constexpr uint32_t kMaxFieldNumber = (1u << 29) - 1;
inline constexpr int kMaxVarintBytes = 10;

// "varint", "64-bit", … for error messages; "invalid" for 6 and 7.
inline const char* WireTypeName(uint32_t wire_type) {
  static constexpr const char* kNames[8] = {"varint",      "64-bit",    "length-delimited",
                                            "start-group", "end-group", "32-bit",
                                            "invalid",     "invalid"};
  return kNames[wire_type & 7];
}

constexpr uint32_t Key(uint32_t field_number, WireType wire_type) {
  return (field_number << 3) | wire_type;
}

// Fixed-width protobuf values are little-endian regardless of the host.
inline uint64_t LoadLE64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline void StoreLE64(uint64_t v, char* p) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<char>(v >> (8 * i));
}

inline uint64_t DoubleBits(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}
inline double BitsDouble(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

}  // namespace strata::prompb::wire

#endif  // STRATA_PROMPB_WIRE_H_
