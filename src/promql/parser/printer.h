// Printing ASTs back to PromQL (Prometheus printer.go and prettier.go).
#ifndef STRATA_PROMQL_PARSER_PRINTER_H_
#define STRATA_PROMQL_PARSER_PRINTER_H_

#include <string>

#include "labels/matcher.h"
#include "promql/parser/ast.h"

namespace strata::promql::parser {

// Prometheus's single-line form (Node.String()), which parses back to the same tree:
//   sum by (job) (rate(http_requests_total{job="api"}[5m] offset 1h))
// Numbers print as Go's %v, strings and label values as Go's %q, matchers sorted, durations as
// model.Duration, @ timestamps as seconds with three decimals. REQUIRES: a type-checked tree
// (the checker clears vector matching that does not apply, which changes the output).
std::string ToString(const Expr& e);

// The prettified form /api/v1/format_query returns (parser.Prettify): nodes whose single-line
// form exceeds 100 bytes are split over lines and indented by two spaces per level.
std::string Pretty(const Expr& e);

// A matcher as Prometheus prints it: name="value", name!~"re" (value quoted like Go's %q).
std::string MatcherString(const labels::Matcher& m);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_PRINTER_H_
