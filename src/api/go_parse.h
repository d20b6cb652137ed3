// Go's parsers that the Prometheus HTTP API applies to its parameters, reproduced so that we
// accept and reject exactly the same inputs (Prometheus 2.42 is built with Go 1.19):
// strconv.ParseFloat, strconv.Atoi and time.Parse(time.RFC3339Nano, ...).
//
// Pure functions; thread-safe.
#ifndef STRATA_API_GO_PARSE_H_
#define STRATA_API_GO_PARSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::api {

// strconv.ParseFloat(s, 64) succeeds: decimal ("1", "-1.5e3", ".5", "5."), hexadecimal with a
// mandatory p exponent ("0x1.8p1"), "inf"/"infinity" with optional sign and "nan" in any case,
// underscores only between digits ("1_000"). Values out of range fail (Go returns ErrRange);
// values that underflow become 0 or subnormal, as in Go.
std::optional<double> ParseGoFloat(std::string_view s);

// strconv.Atoi(s): optional sign and decimal digits in int64 range. Errors (InvalidArgument)
// carry Go's text: `strconv.Atoi: parsing "x": invalid syntax`, `... value out of range`.
absl::StatusOr<int64_t> ParseGoAtoi(std::string_view s);

// Go 1.19's time.Parse(time.RFC3339Nano, s) converted with Prometheus's timestamp.FromTime
// (whole milliseconds, sub-millisecond digits truncated). Go's parser is laxer than RFC 3339:
// it takes a one-digit hour, ',' as the fraction separator and an offset of any two digits each
// (+25:00). It wants a four-digit year and one to nine fraction digits, and rejects a lower-case
// 't' or 'z', a missing zone, seconds of 60 and days past the month's end. nullopt when Go
// fails. (Checked against Prometheus 2.42 built with Go 1.19.8.)
std::optional<int64_t> ParseGoRfc3339NanoMs(std::string_view s);

}  // namespace strata::api

#endif  // STRATA_API_GO_PARSE_H_
