// Allocation sizes that waste nothing in glibc's malloc: a chunk of 16k bytes serves requests of
// up to 16k - 8 bytes (8 bytes of header), so a block that will grow anyway should ask for that.
#ifndef STRATA_UTIL_MALLOC_SIZE_H_
#define STRATA_UTIL_MALLOC_SIZE_H_

#include <cstddef>

namespace strata {

// The smallest size >= bytes that fills a glibc malloc chunk: 24, 40, 56, 72, ...
constexpr size_t MallocFriendlySize(size_t bytes) {
  return bytes <= 24 ? 24 : ((bytes + 8 + 15) & ~size_t{15}) - 8;
}

static_assert(MallocFriendlySize(1) == 24 && MallocFriendlySize(25) == 40 &&
              MallocFriendlySize(48) == 56 && MallocFriendlySize(56) == 56);

}  // namespace strata

#endif  // STRATA_UTIL_MALLOC_SIZE_H_
