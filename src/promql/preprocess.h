// Internal to the engine: what Prometheus does to a parsed query before evaluating it.
#ifndef STRATA_PROMQL_PREPROCESS_H_
#define STRATA_PROMQL_PREPROCESS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "promql/parser/ast.h"

namespace strata::promql::internal {

// Functions whose result depends on the evaluation time even when their arguments do not
// (Prometheus AtModifierUnsafeFunctions).
bool IsAtModifierUnsafe(std::string_view func_name);

// Resolves `@ start()` / `@ end()` to timestamps and wraps every maximal step-invariant subtree
// in a StepInvariantExpr (Prometheus PreprocessExpr).
void PreprocessExpr(parser::ExprPtr* root, int64_t start_ms, int64_t end_ms);

// Sets the runtime offset of every selector and subquery under `root` so that the @ modifier
// holds when evaluation starts at `eval_time_ms` (Prometheus setOffsetForAtModifier).
void SetOffsetForAtModifier(int64_t eval_time_ms, parser::Expr& root);

// The sums of the offsets and ranges of the subqueries on `path` (root first), restarted at
// the innermost subquery with an @ timestamp, which is returned too (Prometheus subqueryTimes).
struct SubqueryTimes {
  int64_t offset_ms = 0;
  int64_t range_ms = 0;
  std::optional<int64_t> ts_ms;
};
SubqueryTimes GetSubqueryTimes(const std::vector<const parser::Expr*>& path);

// Visits every node with the path of its ancestors (root first); nodes may be modified.
using MutableVisitor =
    std::function<void(parser::Expr& node, const std::vector<const parser::Expr*>& path)>;
void VisitMutable(parser::Expr& root, const MutableVisitor& fn);

// The time range a selector reads: [start, end] of the query moved by the offsets, ranges and
// @ timestamps on its path, plus the lookback delta (instant selectors) or `range_ms`
// (matrix selectors) before it (Prometheus getTimeRangesForSelector).
struct TimeRange {
  int64_t start;
  int64_t end;
};
TimeRange SelectorTimeRange(int64_t start_ms, int64_t end_ms, int64_t lookback_ms,
                            const parser::VectorSelector& vs,
                            const std::vector<const parser::Expr*>& path, int64_t range_ms);

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_PREPROCESS_H_
