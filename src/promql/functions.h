// Internal to the engine: the computations behind PromQL functions (Prometheus
// promql/functions.go), separate from how the evaluator feeds them.
#ifndef STRATA_PROMQL_FUNCTIONS_H_
#define STRATA_PROMQL_FUNCTIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "promql/value.h"

namespace re2 {
class RE2;
}

namespace strata::promql::internal {

// --- Element-wise functions of one value: abs, ceil, ..., sgn, deg, rad. nullptr if `name`
// is not one of them.
using MathFn = double (*)(double);
MathFn LookupMathFunction(std::string_view name);

// Go's math.Max / math.Min (NaN and signed-zero rules included).
double GoMax(double x, double y);
double GoMin(double x, double y);

// --- Date functions, on Go's time.Unix(sec, 0).UTC().
enum class DatePart {
  kDayOfMonth,
  kDayOfWeek,
  kDayOfYear,
  kDaysInMonth,
  kHour,
  kMinute,
  kMonth,
  kYear
};
// False if `name` is not a date function.
bool LookupDatePart(std::string_view name, DatePart* part);
double DateValue(DatePart part, int64_t unix_seconds);
// Go's int64(v) on amd64: truncation, and INT64_MIN for NaN and values out of range.
int64_t GoFloatToInt64(double v);

// --- Functions of a range vector: one series' points in a window, never empty.
struct RangeArgs {
  int64_t ts;         // evaluation time
  int64_t range_ms;   // of the selector or subquery
  int64_t offset_ms;  // of the selector or subquery (after @ adjustment)
  double scalar[2];   // the scalar arguments, in order (q, duration, sf/tf)
  // The number of adjacent decreasing pairs in the window, or -1 if unknown.
  int64_t decreases = -1;
};
// Sets *out and returns true if the window yields a value; false if not; sets *error (and
// returns false) for an invalid argument.
using RangeFn = bool (*)(std::span<const Point> points, const RangeArgs& args, double* out,
                         std::string* error);
// nullptr if `name` is not a range-vector function.
RangeFn LookupRangeFunction(std::string_view name);

// --- Helpers of histogram_quantile and label_replace.
// Go's strconv.ParseFloat(s, 64): false on a syntax error or overflow.
bool GoParseFloat(std::string_view s, double* out);

// Go's Regexp.ExpandString: appends `tmpl` to *out with $1, ${1}, $name, ${name} replaced by
// the submatches of `re` in `groups` (groups[0] the whole match; an unmatched group has a null
// data()) and $$ by $.
void ExpandTemplate(const re2::RE2& re, std::string_view tmpl,
                    const std::vector<std::string_view>& groups, std::string* out);

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_FUNCTIONS_H_
