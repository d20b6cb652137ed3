// Go number parsing and formatting that PromQL output depends on.
#ifndef STRATA_PROMQL_PARSER_GO_NUMBERS_H_
#define STRATA_PROMQL_PARSER_GO_NUMBERS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::promql::parser {

// How Prometheus reads a number literal: strconv.ParseInt(s, 0, 64) (so "0x1f" is hex and
// "010" is octal), else strconv.ParseFloat(s, 64) ("1.5e3", "Inf", "NaN"; overflow is an
// error, underflow is not). On failure sets `error` to Go's message, e.g.
// `strconv.ParseFloat: parsing "0x": invalid syntax`, and returns false.
bool ParseGoNumber(std::string_view s, double* value, std::string* error);

// Go's fmt "%f": six decimals; "+Inf", "-Inf", "NaN".
std::string FormatGoF(double v);

// Go's int64(math.Round(seconds * 1000)) (Prometheus timestamp.FromFloatSeconds), including
// amd64's result for values out of range (INT64_MIN).
int64_t FromFloatSeconds(double seconds);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_GO_NUMBERS_H_
