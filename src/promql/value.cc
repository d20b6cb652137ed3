#include "promql/value.h"

#include <bit>
#include <charconv>
#include <cmath>

#include "promql/parser/parser.h"
#include "util/strings.h"

namespace strata::promql {
namespace {

void AppendPoint(std::string* out, double v, int64_t t) {
  AppendValue(out, v);
  StrAppend(out, " @[", t, "]");
}

}  // namespace

parser::ValueType TypeOf(const Value& v) {
  switch (v.index()) {
    case 0:
      return parser::ValueType::kScalar;
    case 1:
      return parser::ValueType::kString;
    case 2:
      return parser::ValueType::kVector;
    default:
      return parser::ValueType::kMatrix;
  }
}

std::string ToString(const Value& v) {
  std::string out;
  if (const auto* s = std::get_if<Scalar>(&v)) {
    out = "scalar: ";
    AppendPoint(&out, s->v, s->t);
  } else if (const auto* str = std::get_if<String>(&v)) {
    out = str->v;
  } else if (const auto* vec = std::get_if<Vector>(&v)) {
    for (size_t i = 0; i < vec->size(); i++) {
      if (i > 0) out.push_back('\n');
      StrAppend(&out, (*vec)[i].metric.ToString(), " => ");
      AppendPoint(&out, (*vec)[i].v, (*vec)[i].t);
    }
  } else {
    const Matrix& m = std::get<Matrix>(v);
    for (size_t i = 0; i < m.size(); i++) {
      if (i > 0) out.push_back('\n');
      StrAppend(&out, m[i].metric.ToString(), " =>");
      for (const Point& p : m[i].points) {
        out.push_back('\n');
        AppendPoint(&out, p.v, p.t);
      }
    }
  }
  return out;
}

void AppendValue(std::string* out, double v) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  // Go's 'f' format with precision -1 takes the shortest round-trip DIGITS and writes them in
  // fixed notation. std::to_chars(fixed) would instead print large values exactly
  // (1e23 as 99999999999999991611392), so take the digits from the scientific form.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  if (sci[0] == '-') {
    out->push_back('-');
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
  // The value is 0.d1d2d3... * 10^(exp+1).
  int point = exp + 1;  // digits before the decimal point
  if (point <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-point), '0');
    out->append(digits);
  } else if (static_cast<size_t>(point) >= digits.size()) {
    out->append(digits);
    out->append(static_cast<size_t>(point) - digits.size(), '0');
  } else {
    out->append(digits, 0, static_cast<size_t>(point));
    out->push_back('.');
    out->append(digits, static_cast<size_t>(point));
  }
}

std::string FormatValue(double v) {
  std::string out;
  AppendValue(&out, v);
  return out;
}

}  // namespace strata::promql
