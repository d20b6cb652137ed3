// Go's regexp error messages for label matcher regular expressions.
#ifndef STRATA_PROMQL_PARSER_REGEXP_ERROR_H_
#define STRATA_PROMQL_PARSER_REGEXP_ERROR_H_

#include <optional>
#include <string>
#include <string_view>

namespace strata::promql::parser {

// Whether Prometheus 2.42 rejects `re` as a matcher regex and with which message. Prometheus
// compiles "^(?:" + re + ")$" and then parses `re` alone, with Go's regexp package; the
// message is Go's "error parsing regexp: <problem>: `<fragment>`". RE2 shares Go's syntax and
// mostly its diagnosis: the problem names here are Go's, the fragment is RE2's, and \C (which
// RE2 accepts and Go does not) is rejected as Go does. nullopt when Go accepts the expression.
std::optional<std::string> GoRegexpError(std::string_view re);

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_REGEXP_ERROR_H_
