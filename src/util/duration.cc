#include "util/duration.h"

#include <array>
#include <limits>

#include "util/strings.h"

namespace strata {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};
// Ordered from largest to smallest; "ms" precedes "m" and "s" so the longest suffix matches first
// where the order check allows it.
constexpr std::array<Unit, 7> kUnits = {{{"y", 365LL * 24 * 3600 * 1000},
                                         {"w", 7LL * 24 * 3600 * 1000},
                                         {"d", 24LL * 3600 * 1000},
                                         {"h", 3600LL * 1000},
                                         {"m", 60LL * 1000},
                                         {"s", 1000},
                                         {"ms", 1}}};

absl::Status Invalid(std::string_view s) {
  return absl::InvalidArgumentError(StrCat("not a valid duration string: \"", s, "\""));
}

}  // namespace

absl::StatusOr<int64_t> ParseDurationMs(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return Invalid(s);
  int64_t total = 0;
  size_t next_unit = 0;  // units must appear in kUnits order
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] < '0' || s[i] > '9') return Invalid(s);
    int64_t n = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; i++) {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10) return Invalid(s);
      n = n * 10 + (s[i] - '0');
    }
    size_t u = next_unit;
    for (; u < kUnits.size(); u++) {
      std::string_view name = kUnits[u].name;
      // "m" must not swallow the "m" of "ms".
      if (name == "m" && s.substr(i, 2) == "ms") continue;
      if (s.substr(i, name.size()) == name) break;
    }
    if (u == kUnits.size()) return Invalid(s);
    if (n > std::numeric_limits<int64_t>::max() / kUnits[u].ms) return Invalid(s);
    int64_t add = n * kUnits[u].ms;
    if (total > std::numeric_limits<int64_t>::max() - add) return Invalid(s);
    total += add;
    i += kUnits[u].name.size();
    next_unit = u + 1;
  }
  return total;
}

std::string FormatDurationMs(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out.push_back('-');
    ms = -ms;
  }
  for (const Unit& u : kUnits) {
    // Years and weeks only when exact, as Prometheus's model.Duration prints: "370d", not "1y5d".
    if ((u.name == "y" || u.name == "w") && ms % u.ms != 0) continue;
    if (ms >= u.ms) {
      StrAppend(&out, ms / u.ms, u.name);
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace strata
