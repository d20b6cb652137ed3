#include "util/coding.h"

#include "util/strings.h"

namespace strata {

int DecodeUvarint(const char* p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (int i = 0, shift = 0; i < kMaxVarintLen64 && p + i < limit; i++, shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(p[i]);
    if (i == kMaxVarintLen64 - 1 && byte > 1) return 0;  // overflows 64 bits
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = result;
      return i + 1;
    }
  }
  return 0;
}

uint8_t Decbuf::Byte() {
  if (!Need(1)) return 0;
  return static_cast<uint8_t>(*p_++);
}

uint32_t Decbuf::Be32() {
  if (!Need(4)) return 0;
  uint32_t v = DecodeBE32(p_);
  p_ += 4;
  return v;
}

uint64_t Decbuf::Be64() {
  if (!Need(8)) return 0;
  uint64_t v = DecodeBE64(p_);
  p_ += 8;
  return v;
}

double Decbuf::Be64Double() {
  uint64_t bits = Be64();
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

uint64_t Decbuf::Uvarint() {
  if (error_ != nullptr) return 0;
  uint64_t v = 0;
  int n = DecodeUvarint(p_, end_, &v);
  if (n == 0) {
    Fail("invalid uvarint");
    return 0;
  }
  p_ += n;
  return v;
}

int64_t Decbuf::Varint() { return ZigZagDecode(Uvarint()); }

uint32_t Decbuf::Uvarint32() {
  uint64_t v = Uvarint();
  if (v > UINT32_MAX) {
    Fail("uvarint overflows 32 bits");
    return 0;
  }
  return static_cast<uint32_t>(v);
}

std::string_view Decbuf::UvarintStr() {
  uint64_t n = Uvarint();
  return Bytes(n);
}

std::string_view Decbuf::Bytes(size_t n) {
  if (!Need(n)) return {};
  std::string_view v(p_, n);
  p_ += n;
  return v;
}

void Decbuf::Skip(size_t n) {
  if (Need(n)) p_ += n;
}

absl::Status Decbuf::status() const {
  if (error_ == nullptr) return absl::OkStatus();
  return absl::DataLossError(StrCat(error_, " at offset ", error_offset_));
}

}  // namespace strata
