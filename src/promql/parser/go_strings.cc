#include "promql/parser/go_strings.h"

#include <array>

#include "util/strings.h"

namespace strata::promql::parser {
namespace {

bool ValidRune(char32_t r) { return r <= kMaxRune && !(r >= 0xD800 && r <= 0xDFFF); }

int UnhexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status SyntaxError() { return absl::InvalidArgumentError("invalid syntax"); }

// Resolves the escape sequence at the start of `s` (just after the backslash), appending the
// value to `out` the way strutil.Unquote does: \x and octal escapes are raw bytes, \u and \U
// are UTF-8 encoded. Returns the number of bytes consumed after the backslash, or -1.
int UnquoteEscape(std::string_view s, char quote, std::string* out) {
  if (s.empty()) return -1;
  char c = s[0];
  switch (c) {
    case 'a':
      out->push_back('\a');
      return 1;
    case 'b':
      out->push_back('\b');
      return 1;
    case 'f':
      out->push_back('\f');
      return 1;
    case 'n':
      out->push_back('\n');
      return 1;
    case 'r':
      out->push_back('\r');
      return 1;
    case 't':
      out->push_back('\t');
      return 1;
    case 'v':
      out->push_back('\v');
      return 1;
    case '\\':
      out->push_back('\\');
      return 1;
    case '\'':
    case '"':
      if (c != quote) return -1;
      out->push_back(c);
      return 1;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = c == 'x' ? 2 : (c == 'u' ? 4 : 8);
      if (s.size() < n + 1) return -1;
      uint32_t v = 0;
      for (size_t j = 1; j <= n; j++) {
        int d = UnhexDigit(s[j]);
        if (d < 0) return -1;
        v = (v << 4) | static_cast<uint32_t>(d);
      }
      if (c == 'x') {
        out->push_back(static_cast<char>(v));
      } else {
        if (!ValidRune(v)) return -1;
        AppendRune(out, v);
      }
      return static_cast<int>(n) + 1;
    }
    default:
      break;
  }
  if (c < '0' || c > '7' || s.size() < 3) return -1;
  uint32_t v = static_cast<uint32_t>(c - '0');
  for (size_t j = 1; j < 3; j++) {
    if (s[j] < '0' || s[j] > '7') return -1;
    v = (v << 3) | static_cast<uint32_t>(s[j] - '0');
  }
  if (v > 255) return -1;
  out->push_back(static_cast<char>(v));
  return 3;
}

}  // namespace

std::string GoQuoteRune(int64_t r) {
  char32_t rune = (r < 0 || r > kMaxRune) ? kRuneError : static_cast<char32_t>(r);
  if (!ValidRune(rune)) rune = kRuneError;
  std::string out = "'";
  AppendGoEscapedRune(&out, rune, '\'');
  out.push_back('\'');
  return out;
}

std::string GoUnicodeName(int64_t r) {
  uint64_t u = static_cast<uint64_t>(r);
  std::string hex;
  for (uint64_t v = u; v > 0; v >>= 4) hex.insert(hex.begin(), "0123456789ABCDEF"[v & 0xF]);
  while (hex.size() < 4) hex.insert(hex.begin(), '0');
  std::string out = "U+" + hex;
  if (u <= kMaxRune && IsGoPrint(static_cast<char32_t>(u))) {
    out.append(" '");
    AppendRune(&out, static_cast<char32_t>(u));
    out.push_back('\'');
  }
  return out;
}

absl::StatusOr<std::string> UnquoteString(std::string_view s) {
  if (s.size() < 2) return SyntaxError();
  char quote = s.front();
  if (quote != s.back()) return SyntaxError();
  s = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (s.find('`') != std::string_view::npos) return SyntaxError();
    return std::string(s);
  }
  if (quote != '"' && quote != '\'') return SyntaxError();
  if (s.find('\n') != std::string_view::npos) return SyntaxError();
  if (s.find('\\') == std::string_view::npos && s.find(quote) == std::string_view::npos) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    char c = s[0];
    if (c == quote) return SyntaxError();
    if (static_cast<unsigned char>(c) >= 0x80) {
      DecodedRune d = DecodeRune(s);  // invalid bytes become U+FFFD, as in Go
      AppendRune(&out, d.rune);
      s.remove_prefix(static_cast<size_t>(d.width));
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      s.remove_prefix(1);
      continue;
    }
    int n = UnquoteEscape(s.substr(1), quote, &out);
    if (n < 0) return SyntaxError();
    s.remove_prefix(1 + static_cast<size_t>(n));
  }
  return out;
}

}  // namespace strata::promql::parser
