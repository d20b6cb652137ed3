// ULIDs: the identities of blocks (prometheus-tsdb-formats.md §1.2).
//
// 16 bytes: a 48-bit big-endian Unix time in milliseconds, then 80 random bits. The text form is
// 26 characters of Crockford base32 (upper case), which sorts like the bytes. A block directory is
// named by its ULID, and that name must equal meta.json's "ulid".
//
// Thread-safety: a value type; New() may be called from any thread.
#ifndef STRATA_TSDB_BLOCK_ULID_H_
#define STRATA_TSDB_BLOCK_ULID_H_

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace strata::tsdb::block {

class Ulid {
 public:
  static constexpr size_t kSize = 16;
  static constexpr size_t kEntropySize = 10;
  static constexpr size_t kStringSize = 26;
  // The largest time a ULID can hold (2^48 - 1 ms, in the year 10889).
  static constexpr int64_t kMaxTimeMs = (int64_t{1} << 48) - 1;

  // The all-zero ULID "00000000000000000000000000".
  constexpr Ulid() = default;

  // A new ULID for time `ms` with 80 bits from the operating system's cryptographic random
  // source (getrandom(2)), as Prometheus does. REQUIRES: 0 <= ms <= kMaxTimeMs.
  static Ulid New(int64_t ms);
  // A ULID for time `ms` with the given random bytes (deterministic IDs in tests).
  // REQUIRES: 0 <= ms <= kMaxTimeMs.
  static Ulid New(int64_t ms, std::span<const uint8_t, kEntropySize> entropy);
  static Ulid FromBytes(std::span<const uint8_t, kSize> bytes);

  // Parses the 26-character text form; lower case is accepted. Returns nullopt for a wrong
  // length, a character outside the alphabet 0-9 A-Z without I L O U, or a first character
  // above '7' (the value would not fit 128 bits).
  static std::optional<Ulid> Parse(std::string_view text);

  // The 26-character upper-case text form.
  std::string ToString() const;
  // The creation time in milliseconds since the Unix epoch.
  int64_t time_ms() const;
  const std::array<uint8_t, kSize>& bytes() const { return bytes_; }
  bool is_zero() const { return *this == Ulid(); }

  // Byte order, which is also time order and text order.
  friend auto operator<=>(const Ulid&, const Ulid&) = default;
  friend bool operator==(const Ulid&, const Ulid&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Ulid& u) {
    return H::combine_contiguous(std::move(h), u.bytes_.data(), u.bytes_.size());
  }
  friend std::ostream& operator<<(std::ostream& os, const Ulid& u) { return os << u.ToString(); }

 private:
  std::array<uint8_t, kSize> bytes_{};
};

}  // namespace strata::tsdb::block

#endif  // STRATA_TSDB_BLOCK_ULID_H_
