// Parsing PromQL (Prometheus 2.42 promql/parser/parse.go): queries into type-checked ASTs,
// series selectors into matchers, and the series descriptions of test scripts.
//
// Errors match Prometheus's text exactly where it matters to clients: the Status message is
// what Prometheus's ParseErr.Error() prints for the first error, e.g.
//   1:5: parse error: unexpected end of input
//   1:6: parse error: expected type range vector in call to function "rate", got instant vector
// ("line:column:" counts lines from 1 and columns in bytes from 1). The HTTP API prefixes it
// with `invalid parameter "query": `.
//
// Thread-safe: each call uses its own state.
#ifndef STRATA_PROMQL_PARSER_PARSER_H_
#define STRATA_PROMQL_PARSER_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "labels/labels.h"
#include "labels/matcher.h"
#include "promql/parser/ast.h"

namespace strata::promql::parser {

// One parse error (Prometheus ParseErr).
struct ParseError {
  PositionRange position_range;
  std::string message;  // without position, e.g. "unexpected end of input"
  // "line:col: parse error: message", computed against `query` (the whole input).
  std::string ToString(std::string_view query) const;
};

// The deepest expression tree accepted (the root has depth 1; "a + b" has depth 2). Prometheus
// has no limit; ours keeps recursive walks over trees (checks, printing, evaluation) within a
// thread's stack. Deeper queries fail with "expression nested too deeply (more than 2048
// levels)".
inline constexpr int kMaxExpressionDepth = 2048;

// Parses and type-checks a query. On failure returns InvalidArgument whose message is the
// first error's ToString(); `errors` (optional) receives all errors found, first first.
// Type checks run only when the query is syntactically valid, as in Prometheus.
absl::StatusOr<ExprPtr> ParseExpr(std::string_view query,
                                  std::vector<ParseError>* errors = nullptr);

// Parses a series selector such as `up{job="api"}` or `{__name__=~"a.*"}` (the match[] API
// parameter) into its matchers, the implicit __name__ matcher last. Like Prometheus, this does
// not reject selectors that match everything ({} or {a=""}); callers check that themselves.
absl::StatusOr<std::vector<labels::Matcher>> ParseMetricSelector(
    std::string_view input, std::vector<ParseError>* errors = nullptr);

// Parses a label set in metric notation: `up{job="api"}` or `{__name__="up"}` (Prometheus
// ParseMetric). Empty values drop the label.
absl::StatusOr<labels::Labels> ParseMetric(std::string_view input);

// One value of a series description: a number, or "_" (omitted).
struct SequenceValue {
  double value = 0;
  bool omitted = false;
};

struct SeriesDescription {
  labels::Labels labels;
  std::vector<SequenceValue> values;
};

// Parses a series description of the promqltest `load` command (Prometheus ParseSeriesDesc):
//   metric{labels} <values...>
// where values are space separated: a number, `_` (omitted), `stale` (the stale marker NaN),
// `a+bxN` / `a-bxN` (N+1 values starting at a, stepping by b), `axN` (N+1 copies of a) and
// `_xN` (N omitted values).
absl::StatusOr<SeriesDescription> ParseSeriesDesc(std::string_view input);

// The bit pattern Prometheus uses to mark a series stale (a NaN with payload 2).
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_PARSER_H_
