// Calls of functions over a range vector (a matrix selector or a subquery): each series is
// read once, with a window sliding over it from step to step.
#include <memory>

#include "promql/eval_util.h"
#include "promql/evaluator.h"
#include "promql/functions.h"
#include "promql/parser/functions.h"
#include "promql/series_cursor.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::internal {
namespace {

// absent_over_time: one series with 1 at the steps where no input series had data.
Matrix AbsentOverTime(const Evaluator& ev, const Matrix& present, labels::Labels l) {
  std::vector<bool> found(static_cast<size_t>(ev.num_steps()), false);
  for (const Series& s : present) {
    for (const Point& p : s.points) found[static_cast<size_t>(ev.StepIndex(p.t))] = true;
  }
  Matrix m(1);
  m[0].metric = std::move(l);
  for (int64_t ts = ev.start(); ts <= ev.end(); ts += ev.interval()) {
    if (!found[static_cast<size_t>(ev.StepIndex(ts))]) m[0].points.push_back(Point{ts, 1});
  }
  if (m[0].points.empty()) m.clear();
  return m;
}

}  // namespace

absl::StatusOr<Matrix> Evaluator::EvalRangeCall(parser::Call& c, size_t matrix_arg) {
  const std::string_view name = c.func->name;
  RangeFn fn = LookupRangeFunction(name);
  if (fn == nullptr) return absl::InternalError(StrCat("no range function ", name));
  parser::Expr* arg = Unwrap(c.args[matrix_arg].get());
  RangeSource src;
  int64_t subquery_samples = 0;
  if (arg->Is<parser::SubqueryExpr>()) {
    // Prometheus evaluates the subquery before the other arguments.
    auto& sq = arg->As<parser::SubqueryExpr>();
    ASSIGN_OR_RETURN(src.subquery, Eval(sq));
    for (const Series& s : src.subquery) subquery_samples += static_cast<int64_t>(s.points.size());
    src.range_ms = sq.range_ms;
    // The subquery's offset is not adjusted for its @; its result is, relative to the start.
    src.offset_ms =
        sq.timestamp_ms ? sq.original_offset_ms + (start_ - *sq.timestamp_ms) : sq.offset_ms;
  } else {
    const auto& ms = arg->As<parser::MatrixSelector>();
    src.range_ms = ms.range_ms;
    src.offset_ms = ms.vs().offset_ms;
  }
  std::vector<Matrix> scalars;  // the other arguments, in order
  for (size_t i = 0; i < c.args.size(); i++) {
    if (i == matrix_arg) continue;
    ASSIGN_OR_RETURN(Matrix m, Eval(*c.args[i]));
    scalars.push_back(std::move(m));
  }
  if (arg->Is<parser::MatrixSelector>()) {
    ASSIGN_OR_RETURN(const SelectedSeries* sel,
                     ctx_->Expand(arg->As<parser::MatrixSelector>().vs()));
    src.series = &sel->series;
    src.bounds = sel->bounds;
  }
  ASSIGN_OR_RETURN(Matrix out, RangeCallSeries(src, fn, name == "last_over_time", scalars));
  ctx_->current_samples -= subquery_samples;  // the subquery's result is no longer held
  if (name == "absent_over_time") {
    // A subquery argument has no matchers to take labels from.
    labels::Labels l = arg->Is<parser::MatrixSelector>() ? AbsentLabels(*arg) : labels::Labels();
    return AbsentOverTime(*this, out, std::move(l));
  }
  RETURN_IF_ERROR(CheckNoSameLabelset(out));
  return out;
}

absl::StatusOr<Matrix> Evaluator::RangeCallSeries(const RangeSource& src, RangeFn fn,
                                                  bool keep_name,
                                                  const std::vector<Matrix>& scalars) {
  const int64_t max = ctx_->opts.max_samples;
  Matrix out;
  int64_t window_samples = 0;  // the current window, counted in current_samples
  std::string error;
  for (size_t i = 0; i < src.size(); i++) {
    if ((i & 63) == 63) RETURN_IF_ERROR(ctx_->CheckDone());
    ctx_->current_samples -= window_samples;
    window_samples = 0;
    WindowCursor cursor(src.Iterator(i), src.bounds);
    Series ss{keep_name ? src.labels(i) : DropMetricName(src.labels(i)), {}};
    RangeArgs args{0, src.range_ms, src.offset_ms, {0, 0}};
    for (int64_t ts = start_; ts <= end_; ts += interval_) {
      for (size_t j = 0; j < scalars.size() && j < 2; j++)
        args.scalar[j] = ScalarAt(scalars[j], ts);
      const int64_t maxt = ts - src.offset_ms;
      int64_t dropped, added;
      std::span<const Point> w = cursor.Window(maxt - src.range_ms, maxt, &dropped, &added);
      // Prometheus counts the samples of the window as they are read.
      ctx_->current_samples -= dropped;
      if (ctx_->current_samples + added > max) return TooManySamplesError();
      ctx_->current_samples += added;
      window_samples += added - dropped;
      if (w.empty()) continue;
      args.ts = ts;
      args.decreases = cursor.decreases();
      double v;
      if (fn(w, args, &v, &error)) {
        if (ss.points.empty()) ss.points.reserve(InitialPoints());
        ss.points.push_back(Point{ts, v});
      } else if (!error.empty()) {
        return ExecError(error);
      }
    }
    RETURN_IF_ERROR(cursor.status());
    if (ss.points.empty()) continue;
    if (ctx_->current_samples + static_cast<int64_t>(ss.points.size()) > max) {
      return TooManySamplesError();
    }
    ctx_->current_samples += static_cast<int64_t>(ss.points.size());
    out.push_back(std::move(ss));
  }
  ctx_->current_samples -= window_samples;
  return out;
}

}  // namespace strata::promql::internal
