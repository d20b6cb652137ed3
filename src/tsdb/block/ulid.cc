#include "tsdb/block/ulid.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "util/check.h"

namespace strata::tsdb::block {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
using U128 = unsigned __int128;

// The 5-bit value of a base32 character, or -1 outside the alphabet (either case).
int DecodeChar(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const char* p = std::strchr(kAlphabet, c);
  return (c == '\0' || p == nullptr) ? -1 : static_cast<int>(p - kAlphabet);
}

U128 ToU128(const std::array<uint8_t, Ulid::kSize>& b) {
  U128 v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  return v;
}

// Fills `out` from getrandom(2), falling back to std::random_device (which reads the same kernel
// source through another path) only if the system call is unavailable.
void FillRandom(std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      break;
    }
  }
  if (done == out.size()) return;
  std::random_device rd;
  for (size_t i = done; i < out.size(); i++) out[i] = static_cast<uint8_t>(rd());
}

}  // namespace

Ulid Ulid::New(int64_t ms) {
  std::array<uint8_t, kEntropySize> entropy;
  FillRandom(entropy);
  return New(ms, entropy);
}

Ulid Ulid::New(int64_t ms, std::span<const uint8_t, kEntropySize> entropy) {
  DCHECK(ms >= 0 && ms <= kMaxTimeMs);
  Ulid u;
  const uint64_t t = static_cast<uint64_t>(ms);
  for (int i = 0; i < 6; i++) u.bytes_[i] = static_cast<uint8_t>(t >> (40 - 8 * i));
  std::memcpy(u.bytes_.data() + 6, entropy.data(), kEntropySize);
  return u;
}

Ulid Ulid::FromBytes(std::span<const uint8_t, kSize> bytes) {
  Ulid u;
  std::memcpy(u.bytes_.data(), bytes.data(), kSize);
  return u;
}

std::optional<Ulid> Ulid::Parse(std::string_view text) {
  if (text.size() != kStringSize) return std::nullopt;
  U128 v = 0;
  for (size_t i = 0; i < kStringSize; i++) {
    const int d = DecodeChar(text[i]);
    // 26 characters carry 130 bits; the first may only use its low 3 bits.
    if (d < 0 || (i == 0 && d > 7)) return std::nullopt;
    v = (v << 5) | static_cast<unsigned>(d);
  }
  Ulid u;
  for (int i = kSize - 1; i >= 0; i--, v >>= 8) u.bytes_[i] = static_cast<uint8_t>(v);
  return u;
}

std::string Ulid::ToString() const {
  std::string out(kStringSize, '0');
  U128 v = ToU128(bytes_);
  for (int i = kStringSize - 1; i >= 0; i--, v >>= 5) out[i] = kAlphabet[v & 31];
  return out;
}

int64_t Ulid::time_ms() const {
  uint64_t t = 0;
  for (int i = 0; i < 6; i++) t = (t << 8) | bytes_[i];
  return static_cast<int64_t>(t);
}

}  // namespace strata::tsdb::block
