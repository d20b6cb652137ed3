// A runner for PromQL test scripts in the format of Prometheus's promql/testdata/*.test
// (promql/test.go in 2.42), against this engine and an in-memory storage.
//
//   # comment
//   load 5m                                   # samples every 5m, the first at time 0
//     http_requests{job="api"} 0+10x10 _ 5 stale
//   eval instant at 50m sum(http_requests)    # expected result, one line per sample
//     {} 100
//   eval instant at 0s 1 + 1                  # a scalar result: just the number
//     2
//   eval_ordered instant at 50m sort(x)       # the order of the samples is checked too
//   eval_fail instant at 0s a + on() b        # evaluation must fail
//     expected_fail_message found duplicate series ...   (optional; or expected_fail_regexp)
//   clear                                     # drop all loaded series
//
// As in Prometheus, every instant `eval` also runs (1) the query with `@ <eval time>` added to
// every selector and subquery lacking one, at five other evaluation times (unless the query
// uses a function whose result depends on the evaluation time), and (2) a range query from one
// minute before to one minute after, whose middle step must give the same result (order not
// checked). Values compare with a relative tolerance of 1e-6; NaN equals NaN.
//
// An extension for range queries (the syntax of later Prometheus versions):
//   eval range from 0 to 10m step 5m rate(x[5m])
//     {job="api"} 1 _ 3                        # one value per step; _ means no point
// Expected series must match exactly (no missing or extra points, no other series).
#ifndef STRATA_PROMQL_PROMQLTEST_H_
#define STRATA_PROMQL_PROMQLTEST_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "promql/engine.h"

namespace strata::promql {

struct ScriptResult {
  int evals = 0;                      // eval commands run
  std::vector<std::string> failures;  // one message per failed eval, naming its line
};

// The engine options Prometheus's test scripts run with: max samples 10000, a 100s timeout,
// subqueries without a step at 1m, lookback delta 5m.
EngineOptions TestEngineOptions();

// Runs `script`. A malformed script (unknown command, bad series or query) is an
// InvalidArgument error naming the line; failed evaluations are reported in the result.
absl::StatusOr<ScriptResult> RunTestScript(std::string_view script,
                                           const EngineOptions& opts = TestEngineOptions());

}  // namespace strata::promql

#endif  // STRATA_PROMQL_PROMQLTEST_H_
