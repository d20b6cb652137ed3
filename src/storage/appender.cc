#include "storage/appender.h"

namespace strata::storage {

std::string_view AppendResultMessage(AppendResult r) {
  switch (r) {
    case AppendResult::kAppended:
    case AppendResult::kDuplicateIgnored:
      return "";
    case AppendResult::kOutOfOrder:
      return "out of order sample";
    case AppendResult::kOutOfBounds:
      return "out of bounds";
    case AppendResult::kTooOld:
      return "too old sample";
    case AppendResult::kDuplicateSample:
      return "duplicate sample for timestamp";
    case AppendResult::kSeriesLimit:
      return "per-user series limit exceeded";
    case AppendResult::kMetricSeriesLimit:
      return "per-metric series limit exceeded";
  }
  return "unknown append result";
}

}  // namespace strata::storage
