// Internal to the engine: building blocks of step-wise evaluation.
#ifndef STRATA_PROMQL_EVAL_UTIL_H_
#define STRATA_PROMQL_EVAL_UTIL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "labels/labels.h"
#include "labels/matcher.h"
#include "promql/parser/ast.h"
#include "promql/value.h"

namespace strata::promql::internal {

// One element of an instant vector during step-wise evaluation: a series of some matrix.
struct StepSample {
  uint32_t series;
  double v;
};

// The samples of a matrix whose points lie on a step grid, grouped by step in one pass over
// the matrix (series order within each step), so that a step-wise evaluation does not rescan
// every series at every step.
class StepCursor {
 public:
  // The grid: start, start+interval, ... (num_steps steps). Points off the grid are ignored.
  StepCursor(const Matrix* m, int64_t start, int64_t interval, int64_t num_steps);
  // The samples at `ts`, in series order. REQUIRES: ts is on the grid.
  std::span<const StepSample> At(int64_t ts) const;

 private:
  int64_t start_, interval_;
  std::vector<uint32_t> offsets_;  // samples_[offsets_[i]:offsets_[i+1]] are at step i
  std::unique_ptr<StepSample[]> samples_;
};

// Collects the output of a step-wise evaluation into series keyed by label set; series keep the
// order in which they were first interned (for an instant query: the result order).
class OutputBuilder {
 public:
  explicit OutputBuilder(int64_t num_steps) : reserve_(num_steps) {}

  // The output series with labels `l`, created if new.
  uint32_t Intern(const labels::Labels& l);
  const labels::Labels& labels(uint32_t idx) const { return series_[idx].metric; }

  // Stages a value of the current step.
  void Stage(uint32_t idx, double v) { staged_.push_back(StepSample{idx, v}); }
  size_t num_staged() const { return staged_.size(); }
  // Appends the staged values at `ts`. Two values for one series are Prometheus's "vector
  // cannot contain metrics with the same labelset".
  absl::Status Commit(int64_t ts);
  // Drops staged values (a step that produced nothing after all).
  void Discard() { staged_.clear(); }

  // The series with at least one point.
  Matrix Finish();

 private:
  int64_t reserve_;
  absl::flat_hash_map<std::string, uint32_t> index_;
  Matrix series_;
  std::vector<StepSample> staged_;
};

// Merges series with equal labels (their points must not share timestamps: that is a "vector
// cannot contain metrics with the same labelset" error) and drops series without points.
// The first series of each label set keeps its position.
absl::StatusOr<Matrix> MergeSameLabels(Matrix m);

// Fails with "vector cannot contain metrics with the same labelset" if two series share labels
// (Prometheus Matrix.ContainsSameLabelset).
absl::Status CheckNoSameLabelset(const Matrix& m);

// `l` without __name__.
labels::Labels DropMetricName(const labels::Labels& l);

// Skips ParenExpr wrappers; then, if `skip_step_invariant`, one StepInvariantExpr and any
// ParenExprs inside it (Prometheus unwrapParenExpr + unwrapStepInvariantExpr).
parser::Expr* Unwrap(parser::Expr* e, bool skip_step_invariant = true);
const parser::Expr* Unwrap(const parser::Expr* e, bool skip_step_invariant = true);

// The value of a string argument (a StringLiteral, possibly wrapped).
const std::string& StringArg(const parser::Expr& e);

// The labels absent() and absent_over_time() give their result: the equality matchers of the
// selector in `arg` (other than __name__), minus names matched more than once or otherwise.
labels::Labels AbsentLabels(const parser::Expr& arg);

// Whether `name` is a valid label name: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

// The encoding of the labels of `l` named in `names` (sorted), or of all but those and
// __name__ when !on: Prometheus's matching signature and grouping key. Written into `out`.
void SignatureOf(const labels::Labels& l, const std::vector<std::string>& sorted_names, bool on,
                 std::string* out);

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_EVAL_UTIL_H_
