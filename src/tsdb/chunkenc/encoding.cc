#include "tsdb/chunkenc/encoding.h"

namespace strata::tsdb::chunkenc {

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kNone:
      return "none";
    case Encoding::kXOR:
      return "XOR";
    case Encoding::kHistogram:
      return "histogram";
    case Encoding::kFloatHistogram:
      return "float histogram";
    case Encoding::kOOOXOR:
      return "OOO XOR";
  }
  return "<unknown>";
}

}  // namespace strata::tsdb::chunkenc
