// Snappy for remote-write bodies. Remote write 1.0 compresses each request body as ONE snappy
// block (the raw format, not the framing/stream format), whose header declares the
// uncompressed length.
#ifndef STRATA_PROMPB_COMPRESSION_H_
#define STRATA_PROMPB_COMPRESSION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace strata::prompb {

// The largest uncompressed size the snappy format can produce per compressed byte: a 3-byte
// copy element writes at most 64 bytes. A header declaring more than this ratio is a lie.
inline constexpr size_t kMaxSnappyExpansion = 22;

// Decompresses the snappy block `compressed` into `*out` (replaced; its capacity is reused).
// The declared uncompressed length is checked before anything is allocated:
//   - more than `max_decompressed_bytes` → InvalidArgument, e.g. "snappy: decompressed size
//     4294967295 exceeds the limit of 104857600 bytes". InvalidArgument rather than
//     ResourceExhausted because retrying cannot help: the sender must send smaller requests
//     (Prometheus: lower queue_config.max_samples_per_send), or the operator raise the limit;
//     ResourceExhausted is reserved for limits that pass with time (rates), which senders retry.
//   - more than kMaxSnappyExpansion × compressed.size() → InvalidArgument (no valid block
//     expands that much), so a short body cannot make us allocate up to the limit.
// A malformed block → InvalidArgument, and `*out` is left empty.
// The caller bounds compressed.size() itself (the HTTP body limit).
absl::Status DecompressSnappy(std::string_view compressed, size_t max_decompressed_bytes,
                              std::string* out);

// Replaces `*out` with `input` compressed as one snappy block. Reuses `out`'s capacity.
void CompressSnappy(std::string_view input, std::string* out);

}  // namespace strata::prompb

#endif  // STRATA_PROMPB_COMPRESSION_H_
