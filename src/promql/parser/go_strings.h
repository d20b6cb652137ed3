// Go string semantics that PromQL inherits: UTF-8 decoding, %q quoting, %#U, and unquoting of
// PromQL string literals. Prometheus prints AST strings and error messages with Go's fmt, so
// matching its output byte for byte needs Go's exact rules, implemented here from the Go spec.
#ifndef STRATA_PROMQL_PARSER_GO_STRINGS_H_
#define STRATA_PROMQL_PARSER_GO_STRINGS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "util/go_strings.h"

namespace strata::promql::parser {

// UTF-8 decoding, printability and %q quoting are util/go_strings.h's; PromQL adds the rest.
using strata::DecodedRune;
using strata::DecodeRune;
using strata::GoQuote;
using strata::AppendGoQuote;
using strata::IsGoPrint;
using strata::kRuneError;
inline constexpr char32_t kMaxRune = 0x10FFFF;

inline void AppendRune(std::string* out, char32_t r) { AppendUtf8(out, r); }

// Go's fmt "%q" of a rune: 'x', '\n', '\''. Values outside the Unicode range print as U+FFFD.
std::string GoQuoteRune(int64_t r);

// Go's fmt "%#U" of a rune: "U+0063 'c'" (the character only when printable).
std::string GoUnicodeName(int64_t r);

// Go's fmt "%.Nq" of a string: truncated to `max_runes` runes, then quoted.
inline std::string GoQuoteTruncated(std::string_view s, size_t max_runes) {
  return GoQuotePrefix(s, max_runes);
}

// Prometheus's strutil.Unquote: the value of a PromQL string literal including its quotes
// ("...", '...' or `...`), with Go escape sequences resolved. Error message: "invalid syntax".
absl::StatusOr<std::string> UnquoteString(std::string_view s);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_GO_STRINGS_H_
