// Series selectors as `promtool tsdb dump --match` takes them: `metric`, `{name="v", ...}` or
// `metric{...}`, with the operators =, !=, =~, !~. A small parser of our own, so the tools do not
// depend on the PromQL parser.
//
// Grammar (PromQL's vector selector without offsets, ranges or @):
//   selector := ws [metric_name] ws ["{" ws [matcher ws ("," ws matcher ws)* [","] ws] "}"] ws
//   matcher  := label_name ws op ws string
//   string   := "..." | '...' (Go escapes: \n \t \\ \" \' \xHH \OOO \uHHHH \UHHHHHHHH ...) | `raw`
// A metric name and a __name__ matcher may not both be given, and at least one matcher must not
// match the empty string (as PromQL requires).
#ifndef STRATA_TOOLS_SELECTOR_H_
#define STRATA_TOOLS_SELECTOR_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "labels/matcher.h"

namespace strata::tools {

// Parses `text` into matchers (the metric name first, then the braces' matchers in order).
// Errors are InvalidArgument naming the byte offset of the problem.
absl::StatusOr<std::vector<labels::Matcher>> ParseSeriesSelector(std::string_view text);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_SELECTOR_H_
