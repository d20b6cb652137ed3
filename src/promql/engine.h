// The PromQL engine (Prometheus 2.42 promql/engine.go): evaluates instant and range queries
// against storage::Queriers with Prometheus's semantics (lookback delta, staleness markers,
// offset and @ modifiers, subqueries, vector matching, aggregations and every 2.42 function
// except the native-histogram ones, which see only float samples and return nothing).
//
//   promql::Engine engine(opts);
//   ASSIGN_OR_RETURN(auto q, engine.NewRangeQuery(queryable, "sum(rate(x[5m]))", start, end,
//   step)); ASSIGN_OR_RETURN(promql::Result r, q->Exec());
//
// Errors (absl::Status codes for the HTTP API to map; messages are Prometheus's, byte for byte):
//   InvalidArgument   from New*Query: the query does not parse ("1:5: parse error: ..."), or a
//                     range query's expression is not a scalar or instant vector; a bad step
//                     or time range. (Prometheus: 400 bad_data.)
//   FailedPrecondition   execution errors (Prometheus: 422 execution), e.g.
//                     "vector cannot contain metrics with the same labelset",
//                     "found duplicate series for the match group ...",
//                     "multiple matches for labels: ...", "Scalar value NaN overflows int64",
//                     "invalid label name \"a-b\"", "invalid regular expression in
//                     label_replace(): (", "invalid smoothing factor. Expected: ..."
//   ResourceExhausted "query processing would load too many samples into memory in query
//                     execution" (EngineOptions::max_samples, counted as Prometheus does)
//   DeadlineExceeded  "query timed out in expression evaluation" (or "... in query execution")
//   Cancelled         "query was canceled in expression evaluation" (or "... in query
//                     execution")
//   Unavailable       the Queryable returned no querier
//   other codes       the storage's, with the message prefixed "expanding series: "
//
// Thread-safety: Engine is immutable and may be shared; a Query is used by one thread except
// Cancel(), which any thread may call.
#ifndef STRATA_PROMQL_ENGINE_H_
#define STRATA_PROMQL_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "promql/parser/ast.h"
#include "promql/value.h"
#include "storage/storage.h"
#include "util/clock.h"

namespace strata::promql {
namespace internal {
class EvalContext;
struct Selection;
}  // namespace internal

// Opens a querier over [mint_ms, maxt_ms] (closed). nullptr means the data is unavailable
// (the query fails with Unavailable). The querier is used by the query's thread only and is
// destroyed before Exec returns; a split range query (EngineOptions::range_query_parts) reads
// the series it selected from several threads (storage::Series::Iterator).
using Queryable =
    std::function<std::unique_ptr<storage::Querier>(int64_t mint_ms, int64_t maxt_ms)>;

struct EngineOptions {
  // How far back an instant vector selector looks for the latest sample (Prometheus
  // --query.lookback-delta). <= 0: the default.
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // The most samples a query may hold in memory at once (--query.max-samples).
  int64_t max_samples = 50'000'000;
  // Wall time a query may run (--query.timeout); <= 0 disables the limit.
  int64_t timeout_ms = 2 * 60 * 1000;
  // The step of subqueries written without one (`x[1h:]`): Prometheus uses the global
  // evaluation_interval. <= 0: the default.
  int64_t default_subquery_step_ms = 60 * 1000;
  // Measures the timeout. Not owned; must outlive the engine. nullptr: the real clock.
  const Clock* clock = nullptr;
  // A range query of many steps is split into up to this many consecutive runs of steps, each
  // evaluated on a thread of its own with a querier of its own (Cortex's query-frontend splits
  // by day; this is the same, finer). PromQL evaluates every step on its own, so the result is
  // the parts' series joined. Each part may hold max_samples / parts samples; if any part
  // fails (other than by cancellation or timeout), the query is evaluated again unsplit, which
  // decides the error exactly as Prometheus would. Queries with an @ modifier are not split.
  // The number is also a budget of threads for all the engine's queries: a query takes extra
  // threads only while fewer than this many evaluate queries, so under load queries run whole
  // (splitting costs some CPU: every part opens its own iterators). 1: never split.
  int range_query_parts = 1;
  int64_t min_steps_per_part = 64;  // fewer steps are not worth a thread
};

struct Result {
  Value value;
  std::vector<std::string> warnings;  // storage warnings (none today)
};

class Query {
 public:
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // Runs the query. Call at most once. Instant queries yield a Vector, Scalar, String or (for a
  // range-vector expression) a Matrix; range queries always a Matrix sorted by labels.
  absl::StatusOr<Result> Exec();

  // Makes a running (or future) Exec stop with Cancelled at its next check. Thread-safe.
  void Cancel() { cancelled_.store(true); }

  // The query as written, and its preprocessed AST (step-invariant parts wrapped, start() and
  // end() resolved).
  const std::string& query_string() const { return qs_; }
  const parser::Expr& statement() const { return *expr_; }

 private:
  friend class Engine;
  Query(const class Engine* engine, Queryable q, std::string qs, parser::ExprPtr expr,
        int64_t start_ms, int64_t end_ms, int64_t interval_ms);

  // Opens *querier and selects the series of every vector selector of `expr` into ctx, each for
  // the time range evaluating [start, end] reads; returns those selectors and ranges.
  absl::StatusOr<internal::Selection> Select(const parser::Expr& expr, int64_t start, int64_t end,
                                             std::unique_ptr<storage::Querier>* querier,
                                             internal::EvalContext* ctx) const;
  // Evaluates `expr` (preprocessed) at the steps from start to end.
  absl::StatusOr<Matrix> Evaluate(parser::Expr& expr, int64_t start, int64_t end,
                                  int64_t deadline) const;
  // The range query as `parts` runs of steps on as many threads (EngineOptions), joined.
  absl::StatusOr<Matrix> EvaluateSplit(int parts, int64_t deadline) const;

  const class Engine* engine_;
  Queryable queryable_;
  std::string qs_;
  parser::ExprPtr expr_;
  int64_t start_ms_, end_ms_, interval_ms_;  // interval 0: an instant query
  std::atomic<bool> cancelled_{false};
  bool executed_ = false;
};

class Engine {
 public:
  explicit Engine(EngineOptions opts = {});

  // A query evaluating `qs` at `ts_ms`. Errors: the parser's (InvalidArgument). The engine
  // must outlive the query; `q` is called (once, from Exec) only if the query has selectors.
  absl::StatusOr<std::unique_ptr<Query>> NewInstantQuery(Queryable q, std::string_view qs,
                                                         int64_t ts_ms) const;

  // A query evaluating `qs` at start, start+step, ... up to end. REQUIRES: step_ms > 0 and
  // end_ms >= start_ms (else InvalidArgument). The expression must be a scalar or an instant
  // vector: `invalid expression type "range vector" for range query, must be Scalar or instant
  // Vector`.
  absl::StatusOr<std::unique_ptr<Query>> NewRangeQuery(Queryable q, std::string_view qs,
                                                       int64_t start_ms, int64_t end_ms,
                                                       int64_t step_ms) const;

  const EngineOptions& options() const { return opts_; }
  // Threads evaluating this engine's queries now (each query's own, and split queries' parts).
  int busy_threads() const { return busy_threads_.load(); }

 private:
  friend class Query;
  // Grants a split query up to `wanted` more threads, within range_query_parts counting every
  // running query's own; ReleaseThreads gives them back.
  int AcquireThreads(int wanted) const;
  void ReleaseThreads(int n) const { busy_threads_.fetch_sub(n); }

  EngineOptions opts_;
  mutable std::atomic<int> busy_threads_{0};  // evaluating queries now, parts included
};

}  // namespace strata::promql

#endif  // STRATA_PROMQL_ENGINE_H_
