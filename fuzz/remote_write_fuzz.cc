// libFuzzer target: a remote-write request body, decoded the way Distributor::PushCompressed
// does it: snappy (with the default 100 MiB limit of -distributor.max-recv-msg-size), then
// prompb::DecodeWriteRequest.
//
// Input: byte 0 picks the path, the rest is the body.
//   even: the body is snappy-compressed (the HTTP handler's path)
//   odd:  the body is the protobuf itself, so that mutations reach the decoder without having to
//         keep a snappy block valid
// Invariants checked beyond "does not crash":
//   - what decodes re-encodes (EncodeWriteRequest) to bytes that decode again, and re-encoding
//     those gives the same bytes (decode∘encode is a fixed point);
//   - a decompressed body compresses (CompressSnappy) back to a block that decompresses to it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "prompb/compression.h"
#include "prompb/decode.h"
#include "prompb/encode.h"

namespace {

using strata::prompb::WriteRequestView;

constexpr size_t kMaxRecvMsgSize = 100 << 20;  // DistributorConfig::max_recv_msg_size

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "remote_write_fuzz: invariant violated: %s\n", what);
  std::abort();
}

void CheckRoundTrip(const WriteRequestView& view) {
  std::string first;
  strata::prompb::EncodeWriteRequest(strata::prompb::ToWriteRequest(view), &first);
  WriteRequestView again;
  if (!strata::prompb::DecodeWriteRequest(first, &again).ok()) {
    Fail("a decoded request re-encodes to bytes that do not decode");
  }
  std::string second;
  strata::prompb::EncodeWriteRequest(strata::prompb::ToWriteRequest(again), &second);
  if (first != second) Fail("decode(encode(request)) re-encodes differently");
  if (strata::prompb::EncodedSize(strata::prompb::ToWriteRequest(again)) != second.size()) {
    Fail("EncodedSize differs from the encoded size");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool raw = (data[0] & 1) != 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string decompressed;
  if (!raw) {
    if (!strata::prompb::DecompressSnappy(body, kMaxRecvMsgSize, &decompressed).ok()) return 0;
    std::string recompressed;
    strata::prompb::CompressSnappy(decompressed, &recompressed);
    std::string back;
    if (!strata::prompb::DecompressSnappy(recompressed, kMaxRecvMsgSize, &back).ok() ||
        back != decompressed) {
      Fail("snappy round trip");
    }
    body = decompressed;
  }
  WriteRequestView view;
  if (!strata::prompb::DecodeWriteRequest(body, &view).ok()) return 0;
  CheckRoundTrip(view);
  return 0;
}
