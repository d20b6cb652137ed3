// Go's string formatting where Cortex's error messages depend on it: UTF-8 decoding as Go's
// unicode/utf8 does it, strconv.Quote (fmt's %q) and fmt's precision on %q (%.200q).
//
// Cortex quotes user-supplied label names and values in its 400 messages with %.200q, so the
// exact bytes of those messages (which remote-write clients log and users search for) depend on
// Go's rules: which runes are printable, how invalid UTF-8 is escaped, and that the precision
// counts runes of the input, not bytes of the output.
//
// These are pure functions; thread-safe.
#ifndef STRATA_UTIL_GO_STRINGS_H_
#define STRATA_UTIL_GO_STRINGS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace strata {

inline constexpr char32_t kRuneError = 0xFFFD;

struct DecodedRune {
  char32_t rune = kRuneError;
  size_t width = 0;  // bytes consumed
};

// The first rune of `s`, as Go's utf8.DecodeRuneInString decodes it: an invalid or truncated
// sequence (overlong forms, surrogates, above U+10FFFF) decodes as {U+FFFD, 1}; an empty `s`
// as {U+FFFD, 0}.
DecodedRune DecodeRune(std::string_view s);

// Go's utf8.RuneCountInString: each invalid byte counts as one rune.
size_t RuneCount(std::string_view s);

// Go's utf8.ValidString.
bool ValidUtf8(std::string_view s);

// Go's strconv.IsPrint (= unicode.IsPrint): categories L, M, N, P, S and U+0020. Unicode 15.0.
bool IsGoPrint(char32_t r);

// Appends the UTF-8 encoding of `r` (REQUIRES: r <= U+10FFFF and not a surrogate).
void AppendUtf8(std::string* out, char32_t r);

// strconv's appendEscapedRune: `r` (a valid rune) as it appears between `quote`s in Go's %q.
void AppendGoEscapedRune(std::string* out, char32_t r, char quote);

// Appends strconv.Quote(s), i.e. fmt's "%q" of a string: double quotes; `"` and `\` escaped
// with a backslash; printable runes as they are; \a \b \f \n \r \t \v; other bytes below 0x20
// and 0x7f as \xHH; other non-printable runes as \uHHHH or \UHHHHHHHH; each byte of invalid
// UTF-8 as \xHH. Hex digits are lower case.
void AppendGoQuote(std::string* out, std::string_view s);
std::string GoQuote(std::string_view s);

// fmt's "%.<max_runes>q": `s` cut after its first `max_runes` runes (Go's rune count, above),
// then quoted as AppendGoQuote does. So "%.200q" is GoQuotePrefix(s, 200).
void AppendGoQuotePrefix(std::string* out, std::string_view s, size_t max_runes);
std::string GoQuotePrefix(std::string_view s, size_t max_runes);

// The precision Cortex uses for quoted strings in validation messages.
inline constexpr size_t kCortexQuotePrecision = 200;

}  // namespace strata

#endif  // STRATA_UTIL_GO_STRINGS_H_
