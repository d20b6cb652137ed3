// Float formatting as Prometheus's tools print it.
#ifndef STRATA_UTIL_FLOAT_FORMAT_H_
#define STRATA_UTIL_FLOAT_FORMAT_H_

#include <string>

namespace strata {

// Go's fmt "%g" with shortest round-trip precision (strconv 'g', -1): "100000", "1.234567e+06",
// "1e-05", "NaN", "+Inf", "-Inf", "-0". The form `promtool tsdb dump` prints values in.
std::string FormatGoG(double v);
void AppendGoG(std::string* out, double v);

}  // namespace strata

#endif  // STRATA_UTIL_FLOAT_FORMAT_H_
