#include <algorithm>
#include <cmath>
#include <limits>

#include "promql/eval_util.h"
#include "promql/evaluator.h"
#include "promql/preprocess.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::internal {

absl::Status ExecError(std::string msg) { return absl::FailedPreconditionError(std::move(msg)); }

absl::Status TooManySamplesError() {
  return absl::ResourceExhaustedError(
      "query processing would load too many samples into memory in query execution");
}

EvalContext::EvalContext(const EngineOptions& o, const std::atomic<bool>* cancelled,
                         int64_t deadline_ms)
    : opts(o),
      cancelled_(cancelled),
      deadline_ms_(deadline_ms),
      clock_(o.clock != nullptr ? o.clock : RealClock::Default()) {}

absl::Status EvalContext::CheckDone(std::string_view env) const {
  if (cancelled_ != nullptr && cancelled_->load(std::memory_order_relaxed)) {
    return absl::CancelledError(StrCat("query was canceled in ", env));
  }
  if (deadline_ms_ != std::numeric_limits<int64_t>::max() && clock_->NowMs() >= deadline_ms_) {
    return absl::DeadlineExceededError(StrCat("query timed out in ", env));
  }
  return absl::OkStatus();
}

absl::StatusOr<const SelectedSeries*> EvalContext::Expand(const parser::VectorSelector& vs) {
  auto it = selected.find(&vs);
  if (it == selected.end()) return absl::InternalError("vector selector was not selected");
  SelectedSeries& s = it->second;
  if (!s.expanded) {
    s.expanded = true;
    while (s.set->Next()) {
      if ((s.series.size() & 1023) == 1023) RETURN_IF_ERROR(CheckDone());
      s.series.push_back(&s.set->At());
    }
    if (absl::Status st = s.set->status(); !st.ok()) {
      s.series.clear();
      return absl::Status(st.code(), StrCat("expanding series: ", st.message()));
    }
  }
  return &s;
}

absl::StatusOr<Matrix> Evaluator::Eval(parser::Expr& e) {
  RETURN_IF_ERROR(ctx_->CheckDone());
  switch (e.kind()) {
    case parser::NodeKind::kAggregate:
      return EvalAggregate(e.As<parser::AggregateExpr>());
    case parser::NodeKind::kCall:
      return EvalCall(e.As<parser::Call>());
    case parser::NodeKind::kParen:
      return Eval(*e.As<parser::ParenExpr>().expr);
    case parser::NodeKind::kUnary:
      return EvalUnary(e.As<parser::UnaryExpr>());
    case parser::NodeKind::kBinary:
      return EvalBinary(e.As<parser::BinaryExpr>());
    case parser::NodeKind::kNumberLiteral:
      return EvalNumber(e.As<parser::NumberLiteral>().val);
    case parser::NodeKind::kStringLiteral:
      return absl::InternalError("string literal evaluated as a vector");
    case parser::NodeKind::kVectorSelector:
      return EvalVectorSelector(e.As<parser::VectorSelector>());
    case parser::NodeKind::kMatrixSelector:
      if (start_ != end_)
        return absl::InternalError("cannot do range evaluation of matrix selector");
      return EvalMatrixSelector(e.As<parser::MatrixSelector>());
    case parser::NodeKind::kSubquery:
      return EvalSubquery(e.As<parser::SubqueryExpr>());
    case parser::NodeKind::kStepInvariant:
      return EvalStepInvariant(e.As<parser::StepInvariantExpr>());
  }
  return absl::InternalError("unhandled expression");
}

absl::StatusOr<Matrix> Evaluator::EvalNumber(double v) {
  int64_t original = ctx_->current_samples;
  Matrix m(1);
  m[0].points.reserve(static_cast<size_t>(num_steps()));
  for (int64_t ts = start_; ts <= end_; ts += interval_) m[0].points.push_back(Point{ts, v});
  RETURN_IF_ERROR(RangeEvalAccounting(original, ProfileInputs({}), m));
  return m;
}

absl::StatusOr<Matrix> Evaluator::EvalUnary(parser::UnaryExpr& u) {
  ASSIGN_OR_RETURN(Matrix m, Eval(*u.expr));
  if (u.op != parser::UnaryOp::kSub) return m;
  for (Series& s : m) {
    s.metric = DropMetricName(s.metric);
    for (Point& p : s.points) p.v = -p.v;
  }
  RETURN_IF_ERROR(CheckNoSameLabelset(m));
  return m;
}

absl::StatusOr<Matrix> Evaluator::EvalSubquery(parser::SubqueryExpr& sq) {
  int64_t offset = sq.offset_ms;
  int64_t range = sq.range_ms;
  int64_t step = sq.step_ms != 0 ? sq.step_ms : ctx_->opts.default_subquery_step_ms;
  // The first step is the first multiple of `step` at or after start - offset - range.
  int64_t first = start_ - offset - range;
  int64_t sub_start = step * (first / step);
  if (sub_start < first) sub_start += step;
  if (sub_start != start_) SetOffsetForAtModifier(sub_start, *sq.expr);
  Evaluator sub(ctx_, sub_start, end_ - offset, step);
  return sub.Eval(*sq.expr);
}

absl::StatusOr<Matrix> Evaluator::EvalStepInvariant(parser::StepInvariantExpr& si) {
  parser::Expr& inner = *si.expr;
  if (inner.Is<parser::NumberLiteral>() || inner.Is<parser::StringLiteral>()) return Eval(inner);
  Evaluator once(ctx_, start_, start_, interval_);
  ASSIGN_OR_RETURN(Matrix m, once.Eval(inner));
  if (inner.Is<parser::MatrixSelector>() || inner.Is<parser::SubqueryExpr>()) return m;
  // The value is the same at every step; only the timestamps differ.
  for (Series& s : m) {
    if (s.points.size() != 1) return ExecError("unexpected number of samples");
    if (end_ > start_) s.points.reserve(static_cast<size_t>(num_steps()));
    double v = s.points[0].v;
    for (int64_t ts = start_ + interval_; ts <= end_; ts += interval_) {
      s.points.push_back(Point{ts, v});
      if (++ctx_->current_samples > ctx_->opts.max_samples) return TooManySamplesError();
    }
  }
  return m;
}

Evaluator::InputProfile Evaluator::ProfileInputs(const std::vector<const Matrix*>& args) const {
  InputProfile p;
  for (const Matrix* m : args) {
    for (const Series& s : *m) p.total += static_cast<int64_t>(s.points.size());
  }
  // Outputs never exceed the inputs plus one sample per step (e.g. vector(1), or `a or b`
  // whose inputs are counted already), so below this the limit cannot be reached.
  if (ctx_->current_samples + 2 * p.total + num_steps() <= ctx_->opts.max_samples) return p;
  p.per_step.assign(static_cast<size_t>(num_steps()), 0);
  for (const Matrix* m : args) {
    for (const Series& s : *m) {
      for (const Point& pt : s.points) {
        int64_t i = StepIndex(pt.t);
        if (i >= 0 && i < num_steps()) p.per_step[static_cast<size_t>(i)]++;
      }
    }
  }
  return p;
}

absl::Status Evaluator::RangeEvalAccounting(int64_t original, const InputProfile& in,
                                            const Matrix& out) {
  const int64_t max = ctx_->opts.max_samples;
  int64_t total_out = 0;
  for (const Series& s : out) total_out += static_cast<int64_t>(s.points.size());
  int64_t temp = ctx_->current_samples;
  if (!in.per_step.empty() || temp + in.total + total_out > max) {
    std::vector<int64_t> produced(static_cast<size_t>(num_steps()), 0);
    for (const Series& s : out) {
      for (const Point& p : s.points) {
        int64_t i = StepIndex(p.t);
        if (i >= 0 && i < num_steps()) produced[static_cast<size_t>(i)]++;
      }
    }
    for (size_t i = 0; i < produced.size(); i++) {
      int64_t step_in = in.per_step.empty() ? 0 : in.per_step[i];
      if (temp + step_in > max || temp + step_in + produced[i] > max) return TooManySamplesError();
      temp += produced[i];
    }
  }
  ctx_->current_samples = original + total_out;
  return absl::OkStatus();
}

double Evaluator::ScalarAt(const Matrix& m, int64_t ts) const {
  if (m.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<Point>& pts = m[0].points;
  int64_t i = StepIndex(ts);
  if (i >= 0 && static_cast<size_t>(i) < pts.size() && pts[static_cast<size_t>(i)].t == ts) {
    return pts[static_cast<size_t>(i)].v;
  }
  auto it = std::lower_bound(pts.begin(), pts.end(), ts,
                             [](const Point& p, int64_t t) { return p.t < t; });
  if (it != pts.end() && it->t == ts) return it->v;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace strata::promql::internal
