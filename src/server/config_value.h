// Parsing and printing of single configuration values, shared by the YAML loader and the flag
// parser so that `-x=v` and `x: v` accept exactly the same spellings.
//
// Errors are InvalidArgument and describe only the value ("invalid value \"abc\": expected an
// integer"); callers prefix the key or flag name.
#ifndef STRATA_SERVER_CONFIG_VALUE_H_
#define STRATA_SERVER_CONFIG_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::server {

// Booleans as Go's strconv.ParseBool spells them: 1 t T TRUE true True, 0 f F FALSE false False.
absl::StatusOr<bool> ParseBoolValue(std::string_view s);

// A decimal integer with an optional leading '-'; the whole string must be consumed.
absl::StatusOr<int64_t> ParseIntValue(std::string_view s);

// A finite decimal or exponent floating-point number ("25000", "0.5", "1e+06").
absl::StatusOr<double> ParseFloatValue(std::string_view s);

// A duration in milliseconds, in either spelling Cortex users write:
//  - Prometheus: "90s", "1h30m", "2d", "1w", "0" (util/duration.h);
//  - Go time.ParseDuration: "1h0m0s", "1.5h", "300ms", "2h45m", "-1m", units ns/us/µs/ms/s/m/h,
//    decimals allowed. Sub-millisecond parts are truncated toward zero.
absl::StatusOr<int64_t> ParseDurationValue(std::string_view s);

// The Go spelling alone (exposed for tests).
absl::StatusOr<int64_t> ParseGoDurationMs(std::string_view s);

// A comma-separated list of durations ("2h,12h,24h"), as the flag of a duration list takes it.
// Empty items are rejected.
absl::StatusOr<std::vector<int64_t>> ParseDurationListValue(std::string_view s);

// Printing, the inverse of the parsers above: durations in Prometheus syntax ("1h30m", "0s"),
// floats in Go's shortest %g ("25000", "1e+06"), lists comma-separated.
std::string FormatBoolValue(bool v);
std::string FormatFloatValue(double v);
std::string FormatDurationValue(int64_t ms);
std::string FormatDurationListValue(const std::vector<int64_t>& ms);

}  // namespace strata::server

#endif  // STRATA_SERVER_CONFIG_VALUE_H_
