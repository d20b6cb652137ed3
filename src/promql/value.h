// The values a PromQL query evaluates to (Prometheus promql/value.go): scalars, strings, instant
// vectors and range vectors (matrices). Timestamps are milliseconds since the Unix epoch.
//
// Plain data; safe to read from several threads once built.
#ifndef STRATA_PROMQL_VALUE_H_
#define STRATA_PROMQL_VALUE_H_

#include <bit>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "labels/labels.h"
#include "promql/parser/ast.h"

namespace strata::promql {

// One value of a series at a time.
struct Point {
  int64_t t = 0;
  double v = 0;
};

struct Scalar {
  int64_t t = 0;
  double v = 0;
};

struct String {
  int64_t t = 0;
  std::string v;
};

// An element of an instant vector.
struct Sample {
  labels::Labels metric;
  int64_t t = 0;
  double v = 0;
};

// An instant vector: at most one sample per label set.
using Vector = std::vector<Sample>;

// A series of a range vector: points in increasing time order.
struct Series {
  labels::Labels metric;
  std::vector<Point> points;
};

// A range vector. Range query results are sorted by labels (labels::Compare).
using Matrix = std::vector<Series>;

using Value = std::variant<Scalar, String, Vector, Matrix>;

// The type of a value: kScalar, kString, kVector or kMatrix.
parser::ValueType TypeOf(const Value& v);

// A value as Prometheus's String() methods print it, for tests and debugging:
//   scalar: 1.5 @[1000]
//   {a="1"} => 2 @[1000]          (one line per sample)
//   {a="1"} =>\n2 @[1000]\n3 @[2000]   (per series)
std::string ToString(const Value& v);

// A sample value as the HTTP API writes it: strconv.FormatFloat(v, 'f', -1, 64), i.e. the
// shortest digits that round-trip, never an exponent: "1", "0.1", "1e+21" is written
// "1000000000000000000000"; "NaN", "+Inf", "-Inf".
std::string FormatValue(double v);
void AppendValue(std::string* out, double v);

// The stale marker: a NaN with a payload Prometheus reserves (value.StaleNaN).
inline bool IsStaleNaN(double v) {
  return std::bit_cast<uint64_t>(v) == 0x7ff0000000000002ULL;  // parser::kStaleNaNBits
}

}  // namespace strata::promql

#endif  // STRATA_PROMQL_VALUE_H_
