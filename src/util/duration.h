// Prometheus duration syntax: one or more <integer><unit> terms with units in decreasing order, each
// at most once: y (365d), w, d, h, m, s, ms. Examples: "90s", "1h30m", "2d", "0". Used by config
// flags, YAML and PromQL duration literals.
#ifndef STRATA_UTIL_DURATION_H_
#define STRATA_UTIL_DURATION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata {

// Parses a duration into milliseconds. "0" alone is accepted. Errors (InvalidArgument) name the input:
// `not a valid duration string: "1x"`.
absl::StatusOr<int64_t> ParseDurationMs(std::string_view s);

// Formats like Prometheus's model.Duration.String(): "1h30m", "2d", "500ms", "0s".
std::string FormatDurationMs(int64_t ms);

}  // namespace strata

#endif  // STRATA_UTIL_DURATION_H_
