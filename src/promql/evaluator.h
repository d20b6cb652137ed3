// Internal to the engine: evaluation of an AST over a grid of steps (Prometheus's evaluator).
//
// Every expression evaluates to a Matrix whose points lie on the evaluator's step grid
// (start, start+interval, ..., <= end), one series per distinct label set. Instant vectors
// are the points at one step; scalars are a single label-less series with a point at every step.
// Matrix selectors and subqueries (only valid as function arguments or at the top of an instant
// query) are the exception: their points carry sample timestamps, or lie on the subquery's own
// grid.
//
// Where Prometheus's evaluator works step by step (rangeEval), operations that treat series
// independently (selectors, range functions, element-wise functions, vector/scalar arithmetic)
// run series by series here, reading each series once; most aggregations accumulate series by
// series into one cell per (group, step); vector matching, topk/bottomk, quantile,
// count_values, sort and histogram_quantile run step by step. Floating-point operations happen
// in Prometheus's order, so results agree to the bit (libm functions aside), as do errors and,
// for instant queries, the order of the result.
//
// Not thread-safe: one query, one thread.
#ifndef STRATA_PROMQL_EVALUATOR_H_
#define STRATA_PROMQL_EVALUATOR_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "promql/engine.h"
#include "promql/eval_util.h"
#include "promql/functions.h"
#include "promql/parser/ast.h"
#include "promql/series_cursor.h"
#include "promql/value.h"
#include "storage/storage.h"

namespace strata::promql::internal {

// FailedPrecondition: the code of Prometheus's execution errors (HTTP 422).
absl::Status ExecError(std::string msg);
// ResourceExhausted "query processing would load too many samples into memory in query
// execution".
absl::Status TooManySamplesError();

// The series a vector selector selected, expanded on first use, and the time range it reads.
struct SelectedSeries {
  std::unique_ptr<storage::SeriesSet> set;
  Bounds bounds;
  bool expanded = false;
  std::vector<const storage::Series*> series;
};

// State shared by every evaluator of one query.
class EvalContext {
 public:
  EvalContext(const EngineOptions& opts, const std::atomic<bool>* cancelled, int64_t deadline_ms);

  // Cancelled "query was canceled in <env>" or DeadlineExceeded "query timed out in <env>".
  absl::Status CheckDone(std::string_view env = "expression evaluation") const;

  // The series of `vs`, expanded from the set selected before evaluation. Errors are the
  // storage's, prefixed "expanding series: ".
  absl::StatusOr<const SelectedSeries*> Expand(const parser::VectorSelector& vs);

  const EngineOptions& opts;
  // Samples held in memory now, as Prometheus counts them (ev.currentSamples).
  int64_t current_samples = 0;
  absl::flat_hash_map<const parser::VectorSelector*, SelectedSeries> selected;

 private:
  const std::atomic<bool>* cancelled_;
  int64_t deadline_ms_;  // INT64_MAX: none
  const Clock* clock_;
};

// Where the windows come from: selected storage series or a subquery's result.
struct RangeSource {
  int64_t range_ms = 0;
  int64_t offset_ms = 0;
  const std::vector<const storage::Series*>* series = nullptr;  // a selector
  Bounds bounds;                                                // of the selector
  Matrix subquery;                                              // a subquery

  size_t size() const { return series != nullptr ? series->size() : subquery.size(); }
  const labels::Labels& labels(size_t i) const {
    return series != nullptr ? (*series)[i]->labels() : subquery[i].metric;
  }
  std::unique_ptr<storage::SeriesIterator> Iterator(size_t i) const {
    if (series != nullptr) return (*series)[i]->Iterator();
    return std::make_unique<PointsIterator>(subquery[i].points);
  }
};

class Evaluator {
 public:
  // Steps start, start+interval, ... while <= end. REQUIRES: interval > 0.
  Evaluator(EvalContext* ctx, int64_t start, int64_t end, int64_t interval)
      : ctx_(ctx), start_(start), end_(end), interval_(interval) {}

  // Evaluates `e` (which the engine preprocessed). `e` may be modified: selector offsets are
  // recomputed for subqueries, as in Prometheus.
  absl::StatusOr<Matrix> Eval(parser::Expr& e);

  int64_t start() const { return start_; }
  int64_t end() const { return end_; }
  int64_t interval() const { return interval_; }
  // Steps in the grid (at least 1, as Prometheus sizes its buffers).
  int64_t num_steps() const { return end_ >= start_ ? (end_ - start_) / interval_ + 1 : 1; }
  int64_t StepIndex(int64_t ts) const { return (ts - start_) / interval_; }
  // How many points to reserve for an output series: all steps for short queries; for long
  // ones less, as a series may be sparse (vectors double as needed).
  size_t InitialPoints() const { return static_cast<size_t>(std::min<int64_t>(num_steps(), 1024)); }
  // The value of a scalar-valued matrix (on this grid) at `ts`; NaN if it has none.
  double ScalarAt(const Matrix& m, int64_t ts) const;
  // The samples of `m` (on this grid) by step. `m` must outlive the cursor.
  StepCursor Steps(const Matrix& m) const { return StepCursor(&m, start_, interval_, num_steps()); }

 private:
  // eval_selector.cc
  absl::StatusOr<Matrix> EvalVectorSelector(const parser::VectorSelector& vs);
  absl::StatusOr<Matrix> EvalMatrixSelector(const parser::MatrixSelector& ms);
  absl::StatusOr<Matrix> EvalTimestampOfSelector(const parser::VectorSelector& vs);
  // eval.cc
  absl::StatusOr<Matrix> EvalNumber(double v);
  absl::StatusOr<Matrix> EvalUnary(parser::UnaryExpr& u);
  absl::StatusOr<Matrix> EvalSubquery(parser::SubqueryExpr& sq);
  absl::StatusOr<Matrix> EvalStepInvariant(parser::StepInvariantExpr& si);
  // eval_binary.cc
  absl::StatusOr<Matrix> EvalBinary(parser::BinaryExpr& b);
  absl::StatusOr<Matrix> EvalScalarScalar(const parser::BinaryExpr& b, const Matrix& l,
                                          const Matrix& r);
  absl::StatusOr<Matrix> EvalVectorScalar(const parser::BinaryExpr& b, Matrix vec,
                                          const Matrix& scalar, bool swap);
  absl::StatusOr<Matrix> EvalVectorVector(const parser::BinaryExpr& b, const Matrix& l,
                                          const Matrix& r);
  absl::StatusOr<Matrix> EvalSetOp(const parser::BinaryExpr& b, const Matrix& l, const Matrix& r);
  // eval_aggregate.cc
  absl::StatusOr<Matrix> EvalAggregate(parser::AggregateExpr& a);
  absl::StatusOr<Matrix> EvalCountValues(const parser::AggregateExpr& a,
                                         const std::vector<std::string>& grouping,
                                         const std::string& label, const Matrix& in);
  // eval_call.cc
  absl::StatusOr<Matrix> EvalCall(parser::Call& c);
  absl::StatusOr<Matrix> EvalInstantCall(parser::Call& c);
  // eval_range_call.cc
  absl::StatusOr<Matrix> EvalRangeCall(parser::Call& c, size_t matrix_arg);
  // fn over the windows of every series of `src` at every step.
  absl::StatusOr<Matrix> RangeCallSeries(const RangeSource& src, RangeFn fn, bool keep_name,
                                         const std::vector<Matrix>& scalars);

  // Sample accounting of step-wise operations (Prometheus rangeEval): at every step the query
  // holds what it held before, that step's inputs and the outputs of all steps so far.
  // ProfileInputs records the per-step input counts (only when the limit could be reached);
  // RangeEvalAccounting checks the limit against them once the output is known and then
  // accounts for the output in place of the inputs, which were evaluated after `original`.
  struct InputProfile {
    int64_t total = 0;
    std::vector<int64_t> per_step;  // empty when the limit cannot be reached
  };
  InputProfile ProfileInputs(const std::vector<const Matrix*>& args) const;
  absl::Status RangeEvalAccounting(int64_t original, const InputProfile& in, const Matrix& out);

  EvalContext* ctx_;
  int64_t start_, end_, interval_;
};

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_EVALUATOR_H_
