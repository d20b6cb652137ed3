// PromQL durations as Prometheus 2.42 reads and prints them (prometheus/common model.Duration).
#ifndef STRATA_PROMQL_PARSER_DURATIONS_H_
#define STRATA_PROMQL_PARSER_DURATIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::promql::parser {

// Parses "1h30m", "5m", "0" into milliseconds (util/duration.h syntax). Errors
// (InvalidArgument) carry Prometheus's message: `not a valid duration string: "5x"`, or
// "duration out of range" when the value does not fit a Go time.Duration (about 292 years).
// Zero is accepted here; PromQL literals reject it separately.
absl::StatusOr<int64_t> ParseDuration(std::string_view s);

// model.Duration.String(): "0s", "1h30m", "500ms"; years and weeks are used only when they
// divide the duration exactly ("90d", "2w", "1y", "400d"). Negative values are not expected.
std::string FormatDuration(int64_t ms);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_DURATIONS_H_
