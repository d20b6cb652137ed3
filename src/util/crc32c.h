// CRC-32C (Castagnoli), the checksum of every Prometheus file (prometheus-tsdb-formats.md §0.1).
// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise.
#ifndef STRATA_UTIL_CRC32C_H_
#define STRATA_UTIL_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace strata::crc32c {

// Returns the crc32c of `crc`'s data followed by `data`. Extend(0, x) == Value(x).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

}  // namespace strata::crc32c

#endif  // STRATA_UTIL_CRC32C_H_
