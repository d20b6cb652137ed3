#include "promql/parser/go_numbers.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "promql/parser/go_strings.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int DigitValue(char c) {
  c = Lower(c);
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  return 99;
}

// strconv.ParseInt(s, 0, 64) without sign or underscores (the lexer produces neither).
bool ParseGoInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  uint64_t base = 10;
  if (s[0] == '0') {
    char p = s.size() >= 3 ? Lower(s[1]) : 0;
    if (p == 'b' || p == 'o' || p == 'x') {
      base = p == 'b' ? 2 : (p == 'o' ? 8 : 16);
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t n = 0;
  for (char c : s) {
    uint64_t d = static_cast<uint64_t>(DigitValue(c));
    if (d >= base) return false;
    if (n > (static_cast<uint64_t>(INT64_MAX) - d) / base) return false;  // out of range
    n = n * base + d;
  }
  *out = static_cast<int64_t>(n);
  return true;
}

// Go's decimal float syntax: digits [. digits] [e [+-] digits], at least one mantissa digit.
bool IsDecimalFloat(std::string_view s) {
  size_t i = 0, mantissa_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++, mantissa_digits++;
  if (i < s.size() && s[i] == '.') {
    i++;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++, mantissa_digits++;
  }
  if (mantissa_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
    size_t exp_start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); i++) {
    if (Lower(s[i]) != lower[i]) return false;
  }
  return true;
}

bool ParseGoFloat(std::string_view s, double* value, std::string* error) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsLower(body, "inf") || EqualsLower(body, "infinity")) {
    *value =
        neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (body.size() == s.size() && EqualsLower(body, "nan")) {
    *value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  // Hexadecimal floats need a 'p' exponent, which PromQL's lexer never produces.
  if (!IsDecimalFloat(body)) {
    *error = StrCat("strconv.ParseFloat: parsing ", GoQuote(s), ": invalid syntax");
    return false;
  }
  std::string buf(s);
  errno = 0;
  double v = std::strtod(buf.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(v)) {
    *error = StrCat("strconv.ParseFloat: parsing ", GoQuote(s), ": value out of range");
    return false;
  }
  *value = v;  // underflow to zero or a subnormal is not an error in Go
  return true;
}

}  // namespace

bool ParseGoNumber(std::string_view s, double* value, std::string* error) {
  int64_t n;
  if (ParseGoInt(s, &n)) {
    *value = static_cast<double>(n);
    return true;
  }
  return ParseGoFloat(s, value, error);
}

std::string FormatGoF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];  // the largest double has 309 integer digits
  int n = std::snprintf(buf, sizeof buf, "%f", v);
  return std::string(buf, static_cast<size_t>(n));
}

int64_t FromFloatSeconds(double seconds) {
  double ms = std::round(seconds * 1000);
  // 2^63 is exactly representable; anything at or beyond it (and NaN) converts to INT64_MIN on
  // amd64, which is what Prometheus then stores.
  if (!(ms > -9223372036854775808.0 && ms < 9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(ms);
}

}  // namespace strata::promql::parser
