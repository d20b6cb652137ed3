#include "prompb/compression.h"

#include <snappy.h>

#include "util/strings.h"

namespace strata::prompb {

absl::Status DecompressSnappy(std::string_view compressed, size_t max_decompressed_bytes,
                              std::string* out) {
  size_t size = 0;
  if (!snappy::GetUncompressedLength(compressed.data(), compressed.size(), &size)) {
    out->clear();
    return absl::InvalidArgumentError(
        "snappy: invalid block header (the body must be one snappy block, not the framing "
        "format)");
  }
  if (size > max_decompressed_bytes) {
    out->clear();
    return absl::InvalidArgumentError(StrCat("snappy: decompressed size ", size,
                                             " exceeds the limit of ", max_decompressed_bytes,
                                             " bytes"));
  }
  if (size / kMaxSnappyExpansion > compressed.size()) {
    out->clear();
    return absl::InvalidArgumentError(StrCat("snappy: declared size ", size, " is impossible for ",
                                             compressed.size(), " compressed bytes"));
  }
  // resize() without clear(): bytes already there are not zeroed again.
  out->resize(size);
  if (!snappy::RawUncompress(compressed.data(), compressed.size(), out->data())) {
    out->clear();
    return absl::InvalidArgumentError("snappy: corrupt block");
  }
  return absl::OkStatus();
}

void CompressSnappy(std::string_view input, std::string* out) {
  out->resize(snappy::MaxCompressedLength(input.size()));
  size_t n = 0;
  snappy::RawCompress(input.data(), input.size(), out->data(), &n);
  out->resize(n);
}

}  // namespace strata::prompb
