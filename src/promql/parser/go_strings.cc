#include "promql/parser/go_strings.h"

#include <array>

#include "util/strings.h"

namespace strata::promql::parser {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

// Inclusive ranges of non-printing code points above Latin-1 (see IsGoPrint).
struct Range {
  char32_t lo, hi;
};
constexpr std::array<Range, 37> kNonPrint = {{
    {0x0600, 0x0605},   {0x061C, 0x061C},    {0x06DD, 0x06DD},   {0x070F, 0x070F},
    {0x0890, 0x0891},   {0x08E2, 0x08E2},    {0x1680, 0x1680},   {0x180E, 0x180E},
    {0x2000, 0x200F},   {0x2028, 0x202F},    {0x205F, 0x206F},   {0x3000, 0x3000},
    {0xD800, 0xF8FF},   {0xFDD0, 0xFDEF},    {0xFEFF, 0xFEFF},   {0xFFF0, 0xFFFB},
    {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD},  {0x110CD, 0x110CD}, {0x13430, 0x1343F},
    {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A},  {0x1FFFE, 0x1FFFF}, {0x2FFFE, 0x2FFFF},
    {0x323B0, 0xE00FF}, {0xE01F0, 0x10FFFF}, {0x3FFFE, 0x3FFFF}, {0x4FFFE, 0x4FFFF},
    {0x5FFFE, 0x5FFFF}, {0x6FFFE, 0x6FFFF},  {0x7FFFE, 0x7FFFF}, {0x8FFFE, 0x8FFFF},
    {0x9FFFE, 0x9FFFF}, {0xAFFFE, 0xAFFFF},  {0xBFFFE, 0xBFFFF}, {0xCFFFE, 0xCFFFF},
    {0xDFFFE, 0xDFFFF},
}};

bool ValidRune(char32_t r) { return r <= kMaxRune && !(r >= 0xD800 && r <= 0xDFFF); }

void AppendHex(std::string* out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--) out->push_back(kLowerHex[(v >> (4 * i)) & 0xF]);
}

// Go's appendEscapedRune for the non-ASCII-only, non-graphic-only case.
void AppendEscapedRune(std::string* out, char32_t r, char quote) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    AppendRune(out, r);
    return;
  }
  if (IsGoPrint(r)) {
    AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out->append("\\a");
      return;
    case '\b':
      out->append("\\b");
      return;
    case '\f':
      out->append("\\f");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    case '\v':
      out->append("\\v");
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7f) {
    out->append("\\x");
    AppendHex(out, r, 2);
  } else if (!ValidRune(r) || r < 0x10000) {
    out->append("\\u");
    AppendHex(out, ValidRune(r) ? r : kRuneError, 4);
  } else {
    out->append("\\U");
    AppendHex(out, r, 8);
  }
}

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

DecodedRune DecodeRune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c0 = b(0);
  if (c0 < 0x80) return {c0, 1};
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (!cont(1)) return {kRuneError, 1};
    return {static_cast<char32_t>(((c0 & 0x1F) << 6) | (b(1) & 0x3F)), 2};
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return {kRuneError, 1};
    char32_t r = ((c0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return {kRuneError, 1};
    return {r, 3};
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return {kRuneError, 1};
    char32_t r = ((c0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    if (r < 0x10000 || r > kMaxRune) return {kRuneError, 1};
    return {r, 4};
  }
  return {kRuneError, 1};
}

void AppendRune(std::string* out, char32_t r) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

bool IsGoPrint(char32_t r) {
  if (r < 0x20) return false;
  if (r < 0x7F) return true;
  if (r <= 0xA0 || r == 0xAD) return false;
  if (r < 0x600) return true;
  if (r > kMaxRune) return false;
  for (const Range& g : kNonPrint) {
    if (r >= g.lo && r <= g.hi) return false;
  }
  return true;
}

void AppendGoQuote(std::string* out, std::string_view s) {
  out->push_back('"');
  while (!s.empty()) {
    DecodedRune d = DecodeRune(s);
    if (d.width == 1 && d.rune == kRuneError) {
      out->append("\\x");
      AppendHex(out, static_cast<unsigned char>(s[0]), 2);
    } else {
      AppendEscapedRune(out, d.rune, '"');
    }
    s.remove_prefix(static_cast<size_t>(d.width));
  }
  out->push_back('"');
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendGoQuote(&out, s);
  return out;
}

std::string GoQuoteRune(int64_t r) {
  char32_t rune = (r < 0 || r > kMaxRune) ? kRuneError : static_cast<char32_t>(r);
  if (!ValidRune(rune)) rune = kRuneError;
  std::string out = "'";
  AppendEscapedRune(&out, rune, '\'');
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

std::string GoQuoteTruncated(std::string_view s, size_t max_runes) {
  size_t i = 0;
  for (size_t n = 0; i < s.size() && n < max_runes; n++) {
    DecodedRune d = DecodeRune(s.substr(i));
    i += static_cast<size_t>(d.width);
  }
  return GoQuote(s.substr(0, i));
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
