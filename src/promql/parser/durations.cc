#include "promql/parser/durations.h"

#include "util/duration.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace {

// Go's time.Duration counts nanoseconds in an int64.
constexpr int64_t kMaxDurationMs = INT64_MAX / 1'000'000;

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;
constexpr int64_t kYear = 365 * kDay;

// Whether `s` has valid duration syntax, ignoring the size of its numbers.
bool WellFormed(std::string_view s) {
  std::string small;
  for (size_t i = 0; i < s.size(); i++) {
    bool digit = s[i] >= '0' && s[i] <= '9';
    bool prev_digit = i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9';
    if (digit && prev_digit) continue;
    small.push_back(digit ? '1' : s[i]);
  }
  return ParseDurationMs(small).ok();
}

}  // namespace

absl::StatusOr<int64_t> ParseDuration(std::string_view s) {
  absl::StatusOr<int64_t> ms = ParseDurationMs(s);
  if (!ms.ok()) {
    if (WellFormed(s)) return absl::InvalidArgumentError("duration out of range");
    return ms.status();
  }
  if (*ms > kMaxDurationMs) return absl::InvalidArgumentError("duration out of range");
  return ms;
}

std::string FormatDuration(int64_t ms) { return FormatDurationMs(ms); }

}  // namespace strata::promql::parser
