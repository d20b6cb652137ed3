// Parameters of the Prometheus HTTP query API (web/api/v1/api.go: parseTime, parseTimeParam,
// parseDuration, parseMatchersParam, parseLimitParam), accepting the same inputs and failing
// with the same messages. The messages are the causes; handlers wrap them into
// `invalid parameter "<name>": <cause>` where Prometheus does.
//
// Pure functions; thread-safe.
#ifndef STRATA_API_QUERY_PARAMS_H_
#define STRATA_API_QUERY_PARAMS_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "api/http_types.h"
#include "labels/matcher.h"

namespace strata::api {

// The widest range the API reads when start or end is not given (Prometheus minTime and
// maxTime: the times Go can still format, in milliseconds).
inline constexpr int64_t kApiMinTimeMs = -9223309901257974000;
inline constexpr int64_t kApiMaxTimeMs = 9223309901257974999;
// How Go formats them in RFC 3339; parseTime accepts these two strings too.
inline constexpr std::string_view kApiMinTimeFormatted = "-292273086-05-16T16:47:06Z";
inline constexpr std::string_view kApiMaxTimeFormatted = "292277025-08-18T07:12:54.999999999Z";

// A time as Unix seconds (Go float syntax; the fraction rounded to milliseconds) or RFC 3339
// (Go's parser; sub-millisecond digits dropped). Milliseconds since the epoch.
// InvalidArgument `cannot parse "foo" to a valid timestamp`. Unlike Go, which turns them into
// garbage times, NaN, infinities and seconds beyond the millisecond range are errors too.
absl::StatusOr<int64_t> ParseTime(std::string_view s);

// The time parameter `name` of `req`, or `default_ms` when absent or empty. Errors wrap
// ParseTime's: `Invalid time value for 'time': cannot parse "foo" to a valid timestamp`.
absl::StatusOr<int64_t> ParseTimeParam(const HttpRequest& req, std::string_view name,
                                       int64_t default_ms);

// A duration as float seconds ("15", "0.5", "-1") or Prometheus duration ("1m30s"), in
// nanoseconds (Go's time.Duration). Errors: `cannot parse "x" to a valid duration`, and for
// seconds beyond int64 nanoseconds `cannot parse "1e10" to a valid duration. It overflows int64`.
absl::StatusOr<int64_t> ParseDurationNs(std::string_view s);

// The match[] values as series selectors, one matcher list each. Errors: the parser's
// ("1:4: parse error: ..."), or `match[] must contain at least one non-empty matcher` when a
// selector has no matcher that rejects the empty value ({job=""}, {a=~".*"}).
absl::StatusOr<std::vector<std::vector<labels::Matcher>>> ParseMatchersParam(
    const std::vector<std::string_view>& values);

// The limit of series, labels and label values (Prometheus 2.51 and later; 2.42 ignores it):
// 0 when empty (no limit). Errors: Atoi's (`strconv.Atoi: parsing "x": invalid syntax`) and
// `limit must be non-negative`.
absl::StatusOr<int64_t> ParseLimitParam(std::string_view s);

// Prometheus's label name syntax: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

}  // namespace strata::api

#endif  // STRATA_API_QUERY_PARAMS_H_
