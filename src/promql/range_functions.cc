// Functions of range vectors: rate and friends, *_over_time, deriv, predict_linear,
// holt_winters, changes, resets. Each mirrors Prometheus's arithmetic step for step (including
// its Kahan summation), so results agree to the last bit.
#include <cmath>
#include <limits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "promql/functions.h"
#include "promql/parser/go_numbers.h"
#include "promql/quantile.h"
#include "util/strings.h"

namespace strata::promql::internal {
namespace {

using Points = std::span<const Point>;

// Neumaier's improved Kahan summation step: adds inc to (sum, c).
void KahanInc(double inc, double* sum, double* c) {
  double t = *sum + inc;
  if (std::fabs(*sum) >= std::fabs(inc)) {
    *c += (*sum - t) + inc;
  } else {
    *c += (inc - t) + *sum;
  }
  *sum = t;
}

// Go's time.Duration.Seconds() of a duration in milliseconds.
double Seconds(int64_t ms) {
  return static_cast<double>(ms / 1000) + static_cast<double>(ms % 1000) / 1e3;
}

// rate, increase and delta: the change over the window, corrected for counter resets if
// `counter`, extrapolated towards the window's edges when samples come close to them, and per
// second if `per_second`.
bool ExtrapolatedRate(Points p, const RangeArgs& a, bool counter, bool per_second, double* out) {
  if (p.size() < 2) return false;
  const Point& first = p.front();
  const Point& last = p.back();
  double result = last.v - first.v;
  // Without decreasing pairs the reset correction below adds nothing.
  if (counter && a.decreases != 0) {
    double prev = first.v;
    for (size_t i = 1; i < p.size(); i++) {
      if (p[i].v < prev) result += prev;
      prev = p[i].v;
    }
  }
  const int64_t range_start = a.ts - (a.range_ms + a.offset_ms);
  const int64_t range_end = a.ts - a.offset_ms;
  double to_start = static_cast<double>(first.t - range_start) / 1000;
  double to_end = static_cast<double>(range_end - last.t) / 1000;
  double sampled = static_cast<double>(last.t - first.t) / 1000;
  double avg_step = sampled / static_cast<double>(p.size() - 1);
  if (counter && result > 0 && first.v >= 0) {
    // A counter is never negative: do not extrapolate to before it would have been zero.
    double to_zero = sampled * (first.v / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  // Extrapolate to an edge only if the edge is about one sample interval away; otherwise
  // assume the series starts or ends half an interval beyond its first or last sample.
  double threshold = avg_step * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : avg_step / 2;
  interval += to_end < threshold ? to_end : avg_step / 2;
  double factor = interval / sampled;
  if (per_second) factor /= Seconds(a.range_ms);
  *out = result * factor;
  return true;
}

bool Rate(Points p, const RangeArgs& a, double* out, std::string*) {
  return ExtrapolatedRate(p, a, true, true, out);
}
bool Increase(Points p, const RangeArgs& a, double* out, std::string*) {
  return ExtrapolatedRate(p, a, true, false, out);
}
bool Delta(Points p, const RangeArgs& a, double* out, std::string*) {
  return ExtrapolatedRate(p, a, false, false, out);
}

// irate and idelta: from the last two samples.
bool InstantValue(Points p, bool per_second, double* out) {
  if (p.size() < 2) return false;
  const Point& last = p[p.size() - 1];
  const Point& prev = p[p.size() - 2];
  double result = per_second && last.v < prev.v ? last.v : last.v - prev.v;
  int64_t interval = last.t - prev.t;
  if (interval == 0) return false;
  if (per_second) result /= static_cast<double>(interval) / 1000;
  *out = result;
  return true;
}
bool Irate(Points p, const RangeArgs&, double* out, std::string*) {
  return InstantValue(p, true, out);
}
bool Idelta(Points p, const RangeArgs&, double* out, std::string*) {
  return InstantValue(p, false, out);
}

// Least-squares fit of the points, x in seconds relative to `intercept_time`.
void LinearRegression(Points p, int64_t intercept_time, double* slope, double* intercept) {
  double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0, c_x2 = 0;
  const double init_y = p[0].v;
  bool const_y = true;
  for (size_t i = 0; i < p.size(); i++) {
    if (const_y && i > 0 && p[i].v != init_y) const_y = false;
    n += 1.0;
    double x = static_cast<double>(p[i].t - intercept_time) / 1e3;
    KahanInc(x, &sum_x, &c_x);
    KahanInc(p[i].v, &sum_y, &c_y);
    KahanInc(x * p[i].v, &sum_xy, &c_xy);
    KahanInc(x * x, &sum_x2, &c_x2);
  }
  if (const_y) {
    // A constant series has slope 0 exactly, unless it is infinite.
    if (std::isinf(init_y)) {
      *slope = *intercept = std::numeric_limits<double>::quiet_NaN();
    } else {
      *slope = 0;
      *intercept = init_y;
    }
    return;
  }
  sum_x += c_x;
  sum_y += c_y;
  sum_xy += c_xy;
  sum_x2 += c_x2;
  double cov_xy = sum_xy - sum_x * sum_y / n;
  double var_x = sum_x2 - sum_x * sum_x / n;
  *slope = cov_xy / var_x;
  *intercept = sum_y / n - *slope * sum_x / n;
}

bool Deriv(Points p, const RangeArgs&, double* out, std::string*) {
  if (p.size() < 2) return false;
  // Relative to the first sample, to keep x small (prometheus/prometheus#2674).
  double slope, intercept;
  LinearRegression(p, p[0].t, &slope, &intercept);
  *out = slope;
  return true;
}

bool PredictLinear(Points p, const RangeArgs& a, double* out, std::string*) {
  if (p.size() < 2) return false;
  double slope, intercept;
  LinearRegression(p, a.ts, &slope, &intercept);
  *out = slope * a.scalar[0] + intercept;
  return true;
}

// Double exponential smoothing with smoothing factor sf and trend factor tf.
bool HoltWinters(Points p, const RangeArgs& a, double* out, std::string* error) {
  const double sf = a.scalar[0], tf = a.scalar[1];
  if (sf <= 0 || sf >= 1) {
    *error = StrCat("invalid smoothing factor. Expected: 0 < sf < 1, got: ", parser::FormatGoF(sf));
    return false;
  }
  if (tf <= 0 || tf >= 1) {
    *error = StrCat("invalid trend factor. Expected: 0 < tf < 1, got: ", parser::FormatGoF(tf));
    return false;
  }
  if (p.size() < 2) return false;
  double s0 = 0, s1 = p[0].v, b = p[1].v - p[0].v;
  for (size_t i = 1; i < p.size(); i++) {
    double x = sf * p[i].v;
    // The trend: the raw first difference at the start, then smoothed.
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  *out = s1;
  return true;
}

bool AvgOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  double mean = 0, count = 0, c = 0;
  for (const Point& pt : p) {
    count++;
    if (std::isinf(mean)) {
      // Inf - Inf would turn an infinite mean into NaN; keep it unless NaN or -Inf arrives.
      if (std::isinf(pt.v) && (mean > 0) == (pt.v > 0)) continue;
      if (!std::isinf(pt.v) && !std::isnan(pt.v)) continue;
    }
    KahanInc(pt.v / count - mean / count, &mean, &c);
  }
  *out = std::isinf(mean) ? mean : mean + c;
  return true;
}

bool CountOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  *out = static_cast<double>(p.size());
  return true;
}

bool LastOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  *out = p.back().v;
  return true;
}

bool MaxOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  double max = p[0].v;
  for (const Point& pt : p) {
    if (pt.v > max || std::isnan(max)) max = pt.v;
  }
  *out = max;
  return true;
}

bool MinOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  double min = p[0].v;
  for (const Point& pt : p) {
    if (pt.v < min || std::isnan(min)) min = pt.v;
  }
  *out = min;
  return true;
}

bool SumOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  double sum = 0, c = 0;
  for (const Point& pt : p) KahanInc(pt.v, &sum, &c);
  *out = std::isinf(sum) ? sum : sum + c;
  return true;
}

bool QuantileOverTime(Points p, const RangeArgs& a, double* out, std::string*) {
  std::vector<double> values;
  values.reserve(p.size());
  for (const Point& pt : p) values.push_back(pt.v);
  *out = Quantile(a.scalar[0], &values);
  return true;
}

// Welford's algorithm with Kahan-compensated sums; returns the population variance.
double Variance(Points p) {
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const Point& pt : p) {
    count++;
    double delta = pt.v - (mean + c_mean);
    KahanInc(delta / count, &mean, &c_mean);
    KahanInc(delta * (pt.v - (mean + c_mean)), &aux, &c_aux);
  }
  return (aux + c_aux) / count;
}
bool StddevOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  *out = std::sqrt(Variance(p));
  return true;
}
bool StdvarOverTime(Points p, const RangeArgs&, double* out, std::string*) {
  *out = Variance(p);
  return true;
}

// absent_over_time yields 1 wherever there is data; the evaluator inverts that.
bool One(Points, const RangeArgs&, double* out, std::string*) {
  *out = 1;
  return true;
}

bool Resets(Points p, const RangeArgs&, double* out, std::string*) {
  int64_t n = 0;
  for (size_t i = 1; i < p.size(); i++) {
    if (p[i].v < p[i - 1].v) n++;
  }
  *out = static_cast<double>(n);
  return true;
}

bool Changes(Points p, const RangeArgs&, double* out, std::string*) {
  int64_t n = 0;
  for (size_t i = 1; i < p.size(); i++) {
    double cur = p[i].v, prev = p[i - 1].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) n++;
  }
  *out = static_cast<double>(n);
  return true;
}

}  // namespace

RangeFn LookupRangeFunction(std::string_view name) {
  static const auto* table = new absl::flat_hash_map<std::string_view, RangeFn>{
      {"rate", Rate},
      {"increase", Increase},
      {"delta", Delta},
      {"irate", Irate},
      {"idelta", Idelta},
      {"deriv", Deriv},
      {"predict_linear", PredictLinear},
      {"holt_winters", HoltWinters},
      {"avg_over_time", AvgOverTime},
      {"count_over_time", CountOverTime},
      {"last_over_time", LastOverTime},
      {"max_over_time", MaxOverTime},
      {"min_over_time", MinOverTime},
      {"sum_over_time", SumOverTime},
      {"quantile_over_time", QuantileOverTime},
      {"stddev_over_time", StddevOverTime},
      {"stdvar_over_time", StdvarOverTime},
      {"absent_over_time", One},
      {"present_over_time", One},
      {"resets", Resets},
      {"changes", Changes},
  };
  auto it = table->find(name);
  return it == table->end() ? nullptr : it->second;
}

}  // namespace strata::promql::internal
