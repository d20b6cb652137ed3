#include "promql/functions.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "re2/re2.h"

namespace strata::promql::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Go's math.Log: the classic fdlibm reduction x = 2^k·(1+f) with sqrt(2)/2 <= 1+f < sqrt(2)
// and a polynomial in s = f/(2+f), evaluated in the same order, so the last bit agrees with
// Prometheus (glibc's log rounds differently now and then, which e.g. time() % ln(x) magnifies).
double GoLog(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01, kL2 = 3.999999999940941908e-01,
                   kL3 = 2.857142874366239149e-01, kL4 = 2.222219843214978396e-01,
                   kL5 = 1.818357216161805012e-01, kL6 = 1.531383769920937332e-01,
                   kL7 = 1.479819860511658591e-01;
  if (std::isnan(x) || x == kInf) return x;
  if (x < 0) return kNaN;
  if (x == 0) return -kInf;
  int ki;
  double f1 = std::frexp(x, &ki);
  if (f1 < M_SQRT2 / 2) {
    f1 *= 2;
    ki--;
  }
  const double f = f1 - 1;
  const double k = ki;
  const double s = f / (2 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  const double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  const double r = t1 + t2;
  const double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + r) + k * kLn2Lo)) - f);
}

// Go's math.Log2 and math.Log10 are defined through Log, not as separate primitives; computing
// them the same way gives the same results for exact powers and the same rounding otherwise.
double GoLog2(double x) {
  int exp;
  double frac = std::frexp(x, &exp);
  if (frac == 0.5) return static_cast<double>(exp - 1);  // exact powers of two
  return GoLog(frac) * M_LOG2E + static_cast<double>(exp);
}
double GoLog10(double x) { return GoLog(x) * M_LOG10E; }
double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;  // 0, -0 and NaN stay
}
double Deg(double v) { return v * 180 / M_PI; }
double Rad(double v) { return v * M_PI / 180; }
double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Floor(double v) { return std::floor(v); }
// Go's math.Exp as Prometheus's amd64 builds run it, to the last bit: the assembly version (the
// method of Shibata's SLEEF, simplified): k = round(x·log2 e), r = (x - k·ln 2)/16, a Taylor
// polynomial for e^r - 1, four doublings, then times 2^k. On CPUs with AVX and FMA it fuses the
// multiply-adds, as Go does (Go checks the CPU the same way). One consequence: it overflows to
// +Inf from x >= 1023.5·ln 2 ≈ 709.436 (k = 1024), before the true result does.
bool GoUsesFma() {
  static const bool fma = __builtin_cpu_supports("avx") && __builtin_cpu_supports("fma");
  return fma;
}
double Pow2Bits(int64_t biased) {
  const uint64_t bits = static_cast<uint64_t>(biased) << 52;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
double Exp(double x) {
  constexpr double kLog2e = 1.4426950408889634073599246810018920;
  constexpr double kLn2U = 0.69314718055966295651160180568695068359375;
  constexpr double kLn2L = 0.28235290563031577122588448175013436025525412068e-12;
  constexpr double kOverflow = 7.09782712893384e+02;
  constexpr double kC[] = {2.4801587301587301587e-5, 1.9841269841269841270e-4,
                           1.3888888888888888889e-3, 8.3333333333333333333e-3,
                           4.1666666666666666667e-2, 1.6666666666666666667e-1, 0.5, 1.0};
  if (std::isnan(x) || x == kInf) return x;
  if (x == -kInf) return 0;
  if (x > kOverflow) return kInf;
  const double scaled = kLog2e * x;
  // CVTSD2SL: round to nearest even; out of int32 range gives INT32_MIN.
  const int32_t k = std::fabs(scaled) < 2147483648.0 ? static_cast<int32_t>(std::nearbyint(scaled))
                                                     : INT32_MIN;
  const double kd = k;
  double r, p;
  if (GoUsesFma()) {
    r = std::fma(-kd, kLn2U, x);
    r = std::fma(-kd, kLn2L, r);
    r *= 0.0625;
    p = kC[0];
    for (int i = 1; i < 8; ++i) p = std::fma(p, r, kC[i]);
    r *= p;
    for (int i = 0; i < 3; ++i) r *= r + 2.0;
    r = std::fma(r, r + 2.0, 1.0);
  } else {
    r = x - kLn2U * kd;
    r = r - kLn2L * kd;
    r *= 0.0625;
    p = kC[0];
    for (int i = 1; i < 8; ++i) p = p * r + kC[i];
    r *= p;
    for (int i = 0; i < 4; ++i) r *= r + 2.0;
    r += 1.0;
  }
  const int64_t biased = int64_t{k} + 0x3FF;
  if (biased >= 0x7FF) return kInf;
  if (biased > 0) return r * Pow2Bits(biased);
  if (biased < -52) return 0;
  return r * Pow2Bits(biased + 0x3FE) * Pow2Bits(1);
}
double Sqrt(double v) { return std::sqrt(v); }
double Ln(double v) { return GoLog(v); }
double Sin(double v) { return std::sin(v); }
double Cos(double v) { return std::cos(v); }
double Tan(double v) { return std::tan(v); }
double Asin(double v) { return std::asin(v); }
double Acos(double v) { return std::acos(v); }
double Atan(double v) { return std::atan(v); }
double Sinh(double v) { return std::sinh(v); }
double Cosh(double v) { return std::cosh(v); }
double Tanh(double v) { return std::tanh(v); }
double Asinh(double v) { return std::asinh(v); }
double Acosh(double v) { return std::acosh(v); }
double Atanh(double v) { return std::atanh(v); }

// Go's time package counts seconds from January 1 of year -292277022399 (a multiple of 400
// years before 2001) in a uint64, so that days, weeks and 400-year cycles divide evenly.
// Extreme inputs wrap around in that uint64 exactly as they do in Go.
constexpr uint64_t kUnixToAbsolute = 9223372028715321600ULL;
constexpr int64_t kAbsoluteZeroYear = -292277022399LL;
constexpr uint64_t kSecondsPerDay = 86400;
constexpr uint64_t kDaysPer400Years = 365 * 400 + 97;
constexpr uint64_t kDaysPer100Years = 365 * 100 + 24;
constexpr uint64_t kDaysPer4Years = 365 * 4 + 1;

bool IsLeap(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

struct Civil {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
  int yday;   // 0-365
};

Civil CivilFromAbsolute(uint64_t abs) {
  uint64_t d = abs / kSecondsPerDay;
  uint64_t n = d / kDaysPer400Years;
  uint64_t y = 400 * n;
  d -= kDaysPer400Years * n;
  // The fourth century (and fourth year of a cycle) is a day longer: clamp the cycle count.
  n = d / kDaysPer100Years;
  n -= n >> 2;
  y += 100 * n;
  d -= kDaysPer100Years * n;
  n = d / kDaysPer4Years;
  y += 4 * n;
  d -= kDaysPer4Years * n;
  n = d / 365;
  n -= n >> 2;
  y += n;
  d -= 365 * n;
  Civil c{static_cast<int64_t>(y) + kAbsoluteZeroYear, 1, 1, static_cast<int>(d)};
  int day = c.yday;
  while (day >= DaysIn(c.month, c.year)) day -= DaysIn(c.month++, c.year);
  c.day = day + 1;
  return c;
}

// Advances *i over decimal (or hexadecimal) digits; *digits says whether there were any.
void ScanDigits(std::string_view s, bool hex, size_t* i, bool* digits) {
  *digits = false;
  while (*i < s.size()) {
    char c = s[*i];
    bool is_digit =
        (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
    if (!is_digit) break;
    *digits = true;
    ++*i;
  }
}

// Go's float syntax (without underscores): decimal digits with an optional point and
// exponent, or a hexadecimal mantissa with a mandatory p exponent.
bool IsGoFloatSyntax(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
  bool hex = s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');
  if (hex) i += 2;
  bool int_digits, frac_digits = false;
  ScanDigits(s, hex, &i, &int_digits);
  if (i < s.size() && s[i] == '.') {
    i++;
    ScanDigits(s, hex, &i, &frac_digits);
  }
  if (!int_digits && !frac_digits) return false;
  char exp_char = hex ? 'p' : 'e';
  if (i < s.size() && (s[i] == exp_char || s[i] == exp_char - 'a' + 'A')) {
    i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
    bool exp_digits;
    ScanDigits(s, false, &i, &exp_digits);
    if (!exp_digits) return false;
  } else if (hex) {
    return false;
  }
  return i == s.size();
}

bool EqualsIgnoreCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

MathFn LookupMathFunction(std::string_view name) {
  static const auto* table = new absl::flat_hash_map<std::string_view, MathFn>{
      {"abs", Abs},   {"ceil", Ceil},   {"floor", Floor},   {"exp", Exp},     {"sqrt", Sqrt},
      {"ln", Ln},     {"log2", GoLog2}, {"log10", GoLog10}, {"sin", Sin},     {"cos", Cos},
      {"tan", Tan},   {"asin", Asin},   {"acos", Acos},     {"atan", Atan},   {"sinh", Sinh},
      {"cosh", Cosh}, {"tanh", Tanh},   {"asinh", Asinh},   {"acosh", Acosh}, {"atanh", Atanh},
      {"deg", Deg},   {"rad", Rad},     {"sgn", Sgn},
  };
  auto it = table->find(name);
  return it == table->end() ? nullptr : it->second;
}

double GoMax(double x, double y) {
  if ((std::isinf(x) && x > 0) || (std::isinf(y) && y > 0)) return kInf;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

double GoMin(double x, double y) {
  if ((std::isinf(x) && x < 0) || (std::isinf(y) && y < 0)) return -kInf;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

bool LookupDatePart(std::string_view name, DatePart* part) {
  static const auto* table = new absl::flat_hash_map<std::string_view, DatePart>{
      {"day_of_month", DatePart::kDayOfMonth},
      {"day_of_week", DatePart::kDayOfWeek},
      {"day_of_year", DatePart::kDayOfYear},
      {"days_in_month", DatePart::kDaysInMonth},
      {"hour", DatePart::kHour},
      {"minute", DatePart::kMinute},
      {"month", DatePart::kMonth},
      {"year", DatePart::kYear},
  };
  auto it = table->find(name);
  if (it == table->end()) return false;
  *part = it->second;
  return true;
}

double DateValue(DatePart part, int64_t unix_seconds) {
  const uint64_t abs = static_cast<uint64_t>(unix_seconds) + kUnixToAbsolute;
  switch (part) {
    case DatePart::kHour:
      return static_cast<double>((abs % kSecondsPerDay) / 3600);
    case DatePart::kMinute:
      return static_cast<double>((abs % 3600) / 60);
    case DatePart::kDayOfWeek:
      // The absolute epoch is a Monday (weekday 1).
      return static_cast<double>(((abs + kSecondsPerDay) % (7 * kSecondsPerDay)) / kSecondsPerDay);
    default:
      break;
  }
  Civil c = CivilFromAbsolute(abs);
  switch (part) {
    case DatePart::kDayOfMonth:
      return c.day;
    case DatePart::kDayOfYear:
      return c.yday + 1;
    case DatePart::kDaysInMonth:
      return DaysIn(c.month, c.year);
    case DatePart::kMonth:
      return c.month;
    default:
      return static_cast<double>(c.year);
  }
}

int64_t GoFloatToInt64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

bool GoParseFloat(std::string_view s, double* out) {
  std::string_view body = s;
  bool neg = false, signed_ = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    signed_ = true;
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    *out = neg ? -kInf : kInf;
    return true;
  }
  if (!signed_ && EqualsIgnoreCase(body, "nan")) {
    *out = kNaN;
    return true;
  }
  if (!IsGoFloatSyntax(s)) return false;
  std::string buf(s);
  errno = 0;
  double v = std::strtod(buf.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(v)) return false;  // overflow; underflow is fine
  *out = v;
  return true;
}

}  // namespace strata::promql::internal
