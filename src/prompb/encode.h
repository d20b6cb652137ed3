// Encoding a Prometheus remote-write 1.0 request (protobuf prometheus.WriteRequest), for the
// load generator in bench/ and for tests. Compress the result with CompressSnappy
// (compression.h) before sending it.
#ifndef STRATA_PROMPB_ENCODE_H_
#define STRATA_PROMPB_ENCODE_H_

#include <cstddef>
#include <string>

#include "prompb/write_request.h"

namespace strata::prompb {

// Replaces `*out` with the protobuf encoding of `req`, byte for byte what libprotobuf's
// SerializeToString writes for the same message: fields in field-number order, proto3 defaults
// (0, "", a double whose bits are all zero) omitted, -0.0 and NaN values kept bit-exact.
// Labels are written in the order given. Reuses `out`'s capacity; one allocation at most.
void EncodeWriteRequest(const WriteRequest& req, std::string* out);

// The size EncodeWriteRequest would write.
size_t EncodedSize(const WriteRequest& req);

}  // namespace strata::prompb

#endif  // STRATA_PROMPB_ENCODE_H_
