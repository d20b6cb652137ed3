// Go string semantics that PromQL inherits: UTF-8 decoding, %q quoting, %#U, and unquoting of
// PromQL string literals. Prometheus prints AST strings and error messages with Go's fmt, so
// matching its output byte for byte needs Go's exact rules, implemented here from the Go spec.
#ifndef STRATA_PROMQL_PARSER_GO_STRINGS_H_
#define STRATA_PROMQL_PARSER_GO_STRINGS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace strata::promql::parser {

inline constexpr char32_t kRuneError = 0xFFFD;
inline constexpr char32_t kMaxRune = 0x10FFFF;

struct DecodedRune {
  char32_t rune;  // kRuneError for invalid input
  int width;      // bytes consumed: 0 at end of input, 1 for an invalid byte
};

// Go's utf8.DecodeRuneInString: rejects overlong forms, surrogates and values above U+10FFFF,
// returning {kRuneError, 1} for them.
DecodedRune DecodeRune(std::string_view s);

// Appends the UTF-8 encoding of `r` (which must be a valid rune).
void AppendRune(std::string* out, char32_t r);

// Go's strconv.IsPrint. Approximation: the non-printing ASCII/Latin-1 characters, the Unicode
// space separators, format characters, surrogates, private-use and non-characters are
// recognised; code points unassigned in Unicode are treated as printable.
bool IsGoPrint(char32_t r);

// Go's strconv.Quote (fmt "%q" of a string): double quotes, escapes, invalid bytes as \xNN.
std::string GoQuote(std::string_view s);
void AppendGoQuote(std::string* out, std::string_view s);

// Go's fmt "%q" of a rune: 'x', '\n', '\''. Values outside the Unicode range print as U+FFFD.
std::string GoQuoteRune(int64_t r);

// Go's fmt "%#U" of a rune: "U+0063 'c'" (the character only when printable).
std::string GoUnicodeName(int64_t r);

// Go's fmt "%.Nq" of a string: truncated to `max_runes` runes, then quoted.
std::string GoQuoteTruncated(std::string_view s, size_t max_runes);

// Prometheus's strutil.Unquote: the value of a PromQL string literal including its quotes
// ("...", '...' or `...`), with Go escape sequences resolved. Error message: "invalid syntax".
absl::StatusOr<std::string> UnquoteString(std::string_view s);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_GO_STRINGS_H_
