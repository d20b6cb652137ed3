#include "server/config_value.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "util/duration.h"
#include "util/float_format.h"
#include "util/strings.h"

namespace strata::server {
namespace {

absl::Status Invalid(std::string_view s, std::string_view expected) {
  return absl::InvalidArgumentError(StrCat("invalid value \"", s, "\": expected ", expected));
}

constexpr std::string_view kDurationExpected =
    "a duration such as \"90s\", \"1h30m\", \"2d\" or \"1h0m0s\"";

struct GoUnit {
  std::string_view name;
  int64_t ns;
};
// Longer names first so that "ms" is not read as "m" followed by garbage.
constexpr std::array<GoUnit, 8> kGoUnits = {{{"ns", 1},
                                             {"us", 1000},
                                             {"\xC2\xB5s", 1000},  // U+00B5 micro sign
                                             {"\xCE\xBCs", 1000},  // U+03BC Greek mu
                                             {"ms", 1000000},
                                             {"s", 1000000000LL},
                                             {"m", 60LL * 1000000000LL},
                                             {"h", 3600LL * 1000000000LL}}};

// Reads digits at s[*i...] into *value (saturating at a bound far above any valid duration) and
// returns how many were read. `*scale` is multiplied by 10 per digit when it is not null (for the
// fraction), stopping once it would exceed 1e18 so that the fraction keeps 18 digits.
int ReadDigits(std::string_view s, size_t* i, __int128* value, __int128* scale) {
  int n = 0;
  constexpr __int128 kCap = static_cast<__int128>(1) << 64;
  for (; *i < s.size() && s[*i] >= '0' && s[*i] <= '9'; ++*i, ++n) {
    if (scale != nullptr && *scale >= static_cast<__int128>(1000000000000000000LL)) continue;
    if (*value < kCap) *value = *value * 10 + (s[*i] - '0');
    if (scale != nullptr) *scale *= 10;
  }
  return n;
}

// Matches a Go unit at s[i...]; returns its length and sets *ns, or 0 if none.
size_t MatchGoUnit(std::string_view s, size_t i, int64_t* ns) {
  for (const GoUnit& u : kGoUnits) {
    if (s.substr(i, u.name.size()) == u.name) {
      *ns = u.ns;
      return u.name.size();
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<bool> ParseBoolValue(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False")
    return false;
  return Invalid(s, "a boolean (true or false)");
}

absl::StatusOr<int64_t> ParseIntValue(std::string_view s) {
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || ptr != end) return Invalid(s, "an integer");
  return v;
}

absl::StatusOr<double> ParseFloatValue(std::string_view s) {
  // strtod wants a NUL-terminated string and accepts leading spaces, hex, "inf" and "nan";
  // the checks around it keep only plain finite decimals.
  if (s.empty() || std::string_view("0123456789+-.").find(s[0]) == std::string_view::npos ||
      s.find_first_of("xXpP") != std::string_view::npos) {
    return Invalid(s, "a number");
  }
  std::string copy(s);
  char* end = nullptr;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(v)) return Invalid(s, "a number");
  return v;
}

absl::StatusOr<int64_t> ParseGoDurationMs(std::string_view s) {
  std::string_view orig = s;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return Invalid(orig, kDurationExpected);
  __int128 total_ns = 0;
  size_t i = 0;
  while (i < s.size()) {
    __int128 whole = 0, frac = 0, scale = 1;
    int digits = ReadDigits(s, &i, &whole, nullptr);
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits += ReadDigits(s, &i, &frac, &scale);
    }
    int64_t unit_ns = 0;
    size_t unit_len = MatchGoUnit(s, i, &unit_ns);
    if (digits == 0 || unit_len == 0) return Invalid(orig, kDurationExpected);
    i += unit_len;
    total_ns += whole * unit_ns + frac * unit_ns / scale;
    if (total_ns > std::numeric_limits<int64_t>::max()) return Invalid(orig, kDurationExpected);
  }
  const int64_t ms = static_cast<int64_t>(total_ns / 1000000);
  return neg ? -ms : ms;
}

absl::StatusOr<int64_t> ParseDurationValue(std::string_view s) {
  if (absl::StatusOr<int64_t> prom = ParseDurationMs(s); prom.ok()) return *prom;
  if (absl::StatusOr<int64_t> go = ParseGoDurationMs(s); go.ok()) return *go;
  return Invalid(s, kDurationExpected);
}

absl::StatusOr<std::vector<int64_t>> ParseDurationListValue(std::string_view s) {
  std::vector<int64_t> out;
  while (true) {
    size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    absl::StatusOr<int64_t> d = ParseDurationValue(item);
    if (!d.ok()) return d.status();
    out.push_back(*d);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::string FormatBoolValue(bool v) { return v ? "true" : "false"; }

std::string FormatFloatValue(double v) { return FormatGoG(v); }

std::string FormatDurationValue(int64_t ms) { return FormatDurationMs(ms); }

std::string FormatDurationListValue(const std::vector<int64_t>& ms) {
  std::string out;
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += FormatDurationMs(ms[i]);
  }
  return out;
}

}  // namespace strata::server
