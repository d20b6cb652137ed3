#include "util/float_format.h"

#include <charconv>
#include <cmath>

namespace strata {

void AppendGoG(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  // C++17's shortest "general" form uses Go's rule: exponent form when the decimal exponent is
  // < -4 or >= 6 (Go fixes the %g precision at 6 for shortest output), at least two exponent digits.
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  out->append(buf, r.ptr);
}

std::string FormatGoG(double v) {
  std::string s;
  AppendGoG(&s, v);
  return s;
}

}  // namespace strata
