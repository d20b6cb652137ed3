#include "api/query_params.h"

#include <cmath>
#include <limits>
#include <optional>

#include "api/go_parse.h"
#include "promql/parser/parser.h"
#include "util/duration.h"
#include "util/go_strings.h"
#include "util/strings.h"

namespace strata::api {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMilli = 1'000'000;
// 2^63: float64(math.MaxInt64) in Go, the first double that does not fit an int64.
constexpr double kTwoPow63 = 9223372036854775808.0;

// Prometheus parseTime for a number: the fraction rounded to milliseconds, then
// time.Unix(sec, nsec) and timestamp.FromTime. The same double arithmetic as Go, so that e.g.
// 1543578564.705 lands on .705 and 1.9999 on 2.
std::optional<int64_t> FloatSecondsToMs(double t) {
  // Beyond this the milliseconds overflow; Go would produce a garbage time.
  if (!std::isfinite(t) || std::fabs(t) >= 9.2e15) return std::nullopt;
  double int_part;
  double frac = std::modf(t, &int_part);
  frac = std::round(frac * 1000) / 1000;
  auto sec = static_cast<int64_t>(int_part);
  auto nsec = static_cast<int64_t>(frac * static_cast<double>(kNanosPerSecond));
  // time.Unix normalizes nsec into [0, 1e9).
  if (nsec < 0 || nsec >= kNanosPerSecond) {
    int64_t n = nsec / kNanosPerSecond;
    sec += n;
    nsec -= n * kNanosPerSecond;
    if (nsec < 0) {
      nsec += kNanosPerSecond;
      sec--;
    }
  }
  return sec * 1000 + nsec / kNanosPerMilli;
}

}  // namespace

absl::StatusOr<int64_t> ParseTime(std::string_view s) {
  if (std::optional<double> f = ParseGoFloat(s)) {
    if (std::optional<int64_t> ms = FloatSecondsToMs(*f)) return *ms;
  } else if (std::optional<int64_t> ms = ParseGoRfc3339NanoMs(s)) {
    return *ms;
  } else if (s == kApiMinTimeFormatted) {
    return kApiMinTimeMs;
  } else if (s == kApiMaxTimeFormatted) {
    return kApiMaxTimeMs;
  }
  return absl::InvalidArgumentError(StrCat("cannot parse ", GoQuote(s), " to a valid timestamp"));
}

absl::StatusOr<int64_t> ParseTimeParam(const HttpRequest& req, std::string_view name,
                                       int64_t default_ms) {
  std::string_view value = req.Param(name);
  if (value.empty()) return default_ms;
  absl::StatusOr<int64_t> t = ParseTime(value);
  if (!t.ok()) {
    return absl::InvalidArgumentError(
        StrCat("Invalid time value for '", name, "': ", t.status().message()));
  }
  return t;
}

absl::StatusOr<int64_t> ParseDurationNs(std::string_view s) {
  if (std::optional<double> f = ParseGoFloat(s)) {
    double ns = *f * static_cast<double>(kNanosPerSecond);
    if (ns > kTwoPow63 || ns < -kTwoPow63) {
      return absl::InvalidArgumentError(
          StrCat("cannot parse ", GoQuote(s), " to a valid duration. It overflows int64"));
    }
    // Go's conversion of NaN and of exactly 2^63 on amd64; both then fail the step check.
    if (std::isnan(ns) || ns >= kTwoPow63) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(ns);
  }
  absl::StatusOr<int64_t> ms = ParseDurationMs(s);
  if (ms.ok() && *ms <= std::numeric_limits<int64_t>::max() / kNanosPerMilli) {
    return *ms * kNanosPerMilli;
  }
  return absl::InvalidArgumentError(StrCat("cannot parse ", GoQuote(s), " to a valid duration"));
}

absl::StatusOr<std::vector<std::vector<labels::Matcher>>> ParseMatchersParam(
    const std::vector<std::string_view>& values) {
  std::vector<std::vector<labels::Matcher>> sets;
  sets.reserve(values.size());
  for (std::string_view v : values) {
    absl::StatusOr<std::vector<labels::Matcher>> ms = promql::parser::ParseMetricSelector(v);
    if (!ms.ok()) return ms.status();
    sets.push_back(*std::move(ms));
  }
  // A selector must narrow the series down: one matcher at least must reject series that lack
  // its label.
  for (const auto& set : sets) {
    bool selective = false;
    for (const labels::Matcher& m : set) selective = selective || !m.MatchesEmpty();
    if (!selective) {
      return absl::InvalidArgumentError("match[] must contain at least one non-empty matcher");
    }
  }
  return sets;
}

absl::StatusOr<int64_t> ParseLimitParam(std::string_view s) {
  if (s.empty()) return 0;
  absl::StatusOr<int64_t> limit = ParseGoAtoi(s);
  if (!limit.ok()) return limit.status();
  if (*limit < 0) return absl::InvalidArgumentError("limit must be non-negative");
  return limit;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace strata::api
