#include "util/go_strings.h"

#include <cstdint>

namespace strata {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// The byte length of a sequence led by `b0` and the allowed range of its second byte, per the
// table in RFC 3629 §4 (which excludes overlong forms, surrogates and code points past U+10FFFF
// by narrowing the second byte). Zero length: `b0` cannot start a sequence.
struct Lead {
  size_t length;
  uint8_t lo;
  uint8_t hi;
};

Lead LeadOf(uint8_t b0) {
  if (b0 >= 0xC2 && b0 <= 0xDF) return {2, 0x80, 0xBF};
  if (b0 == 0xE0) return {3, 0xA0, 0xBF};
  if (b0 == 0xED) return {3, 0x80, 0x9F};
  if (b0 >= 0xE1 && b0 <= 0xEF) return {3, 0x80, 0xBF};
  if (b0 == 0xF0) return {4, 0x90, 0xBF};
  if (b0 == 0xF4) return {4, 0x80, 0x8F};
  if (b0 >= 0xF1 && b0 <= 0xF3) return {4, 0x80, 0xBF};
  return {0, 0, 0};
}

void AppendHexByte(std::string* out, uint8_t b) {
  out->append("\\x");
  out->push_back(kLowerHex[b >> 4]);
  out->push_back(kLowerHex[b & 0xF]);
}

}  // namespace

void AppendGoEscapedRune(std::string* out, char32_t r, char quote) {
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out->push_back('\\');
    out->push_back(static_cast<char>(r));
    return;
  }
  if (IsGoPrint(r)) {
    AppendUtf8(out, r);
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
  if (r < ' ' || r == 0x7F) {
    AppendHexByte(out, static_cast<uint8_t>(r));
    return;
  }
  const bool bmp = r < 0x10000;
  out->append(bmp ? "\\u" : "\\U");
  for (int shift = bmp ? 12 : 28; shift >= 0; shift -= 4) {
    out->push_back(kLowerHex[(r >> shift) & 0xF]);
  }
}

DecodedRune DecodeRune(std::string_view s) {
  if (s.empty()) return {kRuneError, 0};
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) return {b0, 1};
  const Lead lead = LeadOf(b0);
  if (lead.length == 0 || s.size() < lead.length) return {kRuneError, 1};
  const auto b1 = static_cast<uint8_t>(s[1]);
  if (b1 < lead.lo || b1 > lead.hi) return {kRuneError, 1};
  char32_t r = (b0 & (0x7F >> lead.length)) << 6 | (b1 & 0x3F);
  for (size_t i = 2; i < lead.length; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if (!IsContinuation(b)) return {kRuneError, 1};
    r = r << 6 | (b & 0x3F);
  }
  return {r, lead.length};
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    i += static_cast<uint8_t>(s[i]) < 0x80 ? 1 : DecodeRune(s.substr(i)).width;
  }
  return n;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const DecodedRune d = DecodeRune(s.substr(i));
    if (d.rune == kRuneError && d.width == 1) return false;
    i += d.width;
  }
  return true;
}

void AppendUtf8(std::string* out, char32_t r) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | r >> 6));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | r >> 12));
    out->push_back(static_cast<char>(0x80 | (r >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | r >> 18));
    out->push_back(static_cast<char>(0x80 | (r >> 12 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

void AppendGoQuotePrefix(std::string* out, std::string_view s, size_t max_runes) {
  out->push_back('"');
  size_t runes = 0;
  for (size_t i = 0; i < s.size() && runes < max_runes; ++runes) {
    const DecodedRune d = DecodeRune(s.substr(i));
    if (d.rune == kRuneError && d.width == 1) {
      // Invalid UTF-8 is escaped byte by byte, never replaced by U+FFFD.
      AppendHexByte(out, static_cast<uint8_t>(s[i]));
    } else {
      AppendGoEscapedRune(out, d.rune, '"');
    }
    i += d.width;
  }
  out->push_back('"');
}

void AppendGoQuote(std::string* out, std::string_view s) {
  AppendGoQuotePrefix(out, s, s.size());  // never more runes than bytes
}

std::string GoQuote(std::string_view s) {
  std::string out;
  AppendGoQuote(&out, s);
  return out;
}

std::string GoQuotePrefix(std::string_view s, size_t max_runes) {
  std::string out;
  AppendGoQuotePrefix(&out, s, max_runes);
  return out;
}

}  // namespace strata
