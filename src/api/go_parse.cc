#include "api/go_parse.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "util/go_strings.h"
#include "util/strings.h"

namespace strata::api {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexLetter(char c) { return Lower(c) >= 'a' && Lower(c) <= 'f'; }

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); i++) {
    if (Lower(s[i]) != lower[i]) return false;
  }
  return true;
}

// Go's special(): the whole of `s` is [+-]inf, [+-]infinity or nan (any case; no sign on nan).
std::optional<double> ParseSpecial(std::string_view s) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsLower(body, "inf") || EqualsLower(body, "infinity")) {
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (body.size() == s.size() && EqualsLower(body, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return std::nullopt;
}

// Go's underscoreOK: each '_' sits between digits, or between a base prefix and a digit.
bool UnderscoresOk(std::string_view s) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' anything else
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); i++) {
    if (IsDigit(s[i]) || (hex && IsHexLetter(s[i]))) {
      saw = '0';
    } else if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// Go's readFloat syntax: [sign] (digits [. digits] [e [sign] digits] |
// 0x hexdigits [. hexdigits] p [sign] digits), '_' allowed among digits, then checked by
// UnderscoresOk. Sets *underscores when there are any.
bool IsGoFloatSyntax(std::string_view s, bool* underscores) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) i++;
  bool hex = false;
  if (i + 2 < n && s[i] == '0' && Lower(s[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool saw_dot = false, saw_digits = false;
  for (; i < n; i++) {
    char c = s[i];
    if (c == '_') {
      *underscores = true;
    } else if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
    } else if (IsDigit(c) || (hex && IsHexLetter(c))) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return false;
  if (i < n && Lower(s[i]) == (hex ? 'p' : 'e')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= n || !IsDigit(s[i])) return false;
    for (; i < n && (IsDigit(s[i]) || s[i] == '_'); i++) {
      if (s[i] == '_') *underscores = true;
    }
  } else if (hex) {
    return false;  // a hexadecimal mantissa requires a 'p' exponent
  }
  return i == n && (!*underscores || UnderscoresOk(s));
}

// Go's getnum: one or two leading digits (exactly two when `fixed`).
bool GetNum(std::string_view* v, bool fixed, int* out) {
  if (v->empty() || !IsDigit((*v)[0])) return false;
  if (v->size() < 2 || !IsDigit((*v)[1])) {
    if (fixed) return false;
    *out = (*v)[0] - '0';
    v->remove_prefix(1);
    return true;
  }
  *out = ((*v)[0] - '0') * 10 + ((*v)[1] - '0');
  v->remove_prefix(2);
  return true;
}

bool Consume(std::string_view* v, char c) {
  if (v->empty() || (*v)[0] != c) return false;
  v->remove_prefix(1);
  return true;
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The fraction after the seconds: a '.' or ',' and one to nine digits, as nanoseconds. Absent
// (no separator followed by a digit) is 0; ten or more digits fail, as in Go 1.19.
bool ParseFraction(std::string_view* v, int64_t* nsec) {
  *nsec = 0;
  if (v->size() < 2 || ((*v)[0] != '.' && (*v)[0] != ',') || !IsDigit((*v)[1])) return true;
  size_t n = 1;
  while (n < v->size() && IsDigit((*v)[n])) n++;
  const size_t digits = n - 1;
  if (digits > 9) return false;
  for (size_t i = 1; i < n; i++) *nsec = *nsec * 10 + ((*v)[i] - '0');
  for (size_t i = digits; i < 9; i++) *nsec *= 10;
  v->remove_prefix(n);
  return true;
}

// "Z", or [+-]hh:mm with any two digits each (Go 1.19 checks no range). Seconds east of UTC.
bool ParseZone(std::string_view* v, int64_t* offset_s) {
  if (Consume(v, 'Z')) {
    *offset_s = 0;
    return true;
  }
  if (v->size() < 6 || (*v)[3] != ':' || ((*v)[0] != '+' && (*v)[0] != '-')) return false;
  std::string_view hh = v->substr(1, 2), mm = v->substr(4, 2);
  int h = 0, m = 0;
  if (!GetNum(&hh, true, &h) || !GetNum(&mm, true, &m)) return false;
  *offset_s = ((*v)[0] == '-' ? -1 : 1) * static_cast<int64_t>(h * 60 + m) * 60;
  v->remove_prefix(6);
  return true;
}

}  // namespace

std::optional<double> ParseGoFloat(std::string_view s) {
  if (std::optional<double> special = ParseSpecial(s)) return special;
  bool underscores = false;
  if (!IsGoFloatSyntax(s, &underscores)) return std::nullopt;
  std::string buf;
  buf.reserve(s.size());
  for (char c : s) {
    if (c != '_') buf.push_back(c);
  }
  errno = 0;
  double v = std::strtod(buf.c_str(), nullptr);  // handles the hexadecimal form too
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;
  return v;
}

absl::StatusOr<int64_t> ParseGoAtoi(std::string_view s) {
  auto fail = [&](std::string_view why) {
    return absl::InvalidArgumentError(StrCat("strconv.Atoi: parsing ", GoQuote(s), ": ", why));
  };
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return fail("invalid syntax");
  // Like Go's ParseUint, report overflow where it happens, before looking further.
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // |INT64_MIN|
  constexpr uint64_t kCutoff = std::numeric_limits<uint64_t>::max() / 10 + 1;
  uint64_t n = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return fail("invalid syntax");
    if (n >= kCutoff) return fail("value out of range");
    uint64_t next = n * 10 + static_cast<uint64_t>(c - '0');
    if (next < n * 10) return fail("value out of range");
    n = next;
  }
  if (n > kLimit || (!neg && n == kLimit)) return fail("value out of range");
  return neg ? static_cast<int64_t>(~n + 1) : static_cast<int64_t>(n);
}

std::optional<int64_t> ParseGoRfc3339NanoMs(std::string_view v) {
  // Layout 2006-01-02T15:04:05.999999999Z07:00.
  if (v.size() < 4) return std::nullopt;
  int64_t year = 0;
  for (int i = 0; i < 4; i++) {
    if (!IsDigit(v[i])) return std::nullopt;
    year = year * 10 + (v[i] - '0');
  }
  v.remove_prefix(4);
  int month = 0, day = 0, hour = 0, min = 0, sec = 0;
  if (!Consume(&v, '-') || !GetNum(&v, true, &month)) return std::nullopt;
  if (month < 1 || month > 12) return std::nullopt;
  if (!Consume(&v, '-') || !GetNum(&v, true, &day)) return std::nullopt;
  if (!Consume(&v, 'T') || !GetNum(&v, false, &hour) || hour > 23) return std::nullopt;
  if (!Consume(&v, ':') || !GetNum(&v, true, &min) || min > 59) return std::nullopt;
  if (!Consume(&v, ':') || !GetNum(&v, true, &sec) || sec > 59) return std::nullopt;
  int64_t nsec = 0, offset_s = 0;
  if (!ParseFraction(&v, &nsec) || !ParseZone(&v, &offset_s) || !v.empty()) return std::nullopt;
  if (day < 1 || day > DaysIn(month, year)) return std::nullopt;
  int64_t unix_s =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset_s;
  return unix_s * 1000 + nsec / 1'000'000;
}

}  // namespace strata::api
