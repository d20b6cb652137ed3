// Instant and range vector selectors.
#include <algorithm>

#include "promql/eval_util.h"
#include "promql/evaluator.h"
#include "promql/series_cursor.h"
#include "util/status_macros.h"

namespace strata::promql::internal {

absl::StatusOr<Matrix> Evaluator::EvalVectorSelector(const parser::VectorSelector& vs) {
  ASSIGN_OR_RETURN(const SelectedSeries* sel, ctx_->Expand(vs));
  const std::vector<const storage::Series*>* series = &sel->series;
  const int64_t max = ctx_->opts.max_samples;
  Matrix out;
  out.reserve(series->size());
  for (size_t i = 0; i < series->size(); i++) {
    if ((i & 255) == 255) RETURN_IF_ERROR(ctx_->CheckDone());
    const storage::Series& s = *(*series)[i];
    LookbackCursor cursor(s.Iterator(), ctx_->opts.lookback_delta_ms, sel->bounds);
    std::vector<Point> points;
    for (int64_t ts = start_; ts <= end_; ts += interval_) {
      Point p;
      if (!cursor.At(ts - vs.offset_ms, &p)) continue;
      if (ctx_->current_samples >= max) return TooManySamplesError();
      ctx_->current_samples++;
      if (points.empty()) points.reserve(InitialPoints());
      points.push_back(Point{ts, p.v});
    }
    RETURN_IF_ERROR(cursor.status());
    if (!points.empty()) out.push_back(Series{s.labels(), std::move(points)});
  }
  return out;
}

absl::StatusOr<Matrix> Evaluator::EvalMatrixSelector(const parser::MatrixSelector& ms) {
  const parser::VectorSelector& vs = ms.vs();
  ASSIGN_OR_RETURN(const SelectedSeries* sel, ctx_->Expand(vs));
  const std::vector<const storage::Series*>* series = &sel->series;
  const int64_t maxt = start_ - vs.offset_ms;
  const int64_t mint = maxt - ms.range_ms;
  Matrix out;
  for (const storage::Series* s : *series) {
    RETURN_IF_ERROR(ctx_->CheckDone());
    WindowCursor cursor(s->Iterator(), sel->bounds);
    int64_t dropped, added;
    std::span<const Point> w = cursor.Window(mint, maxt, &dropped, &added);
    RETURN_IF_ERROR(cursor.status());
    if (ctx_->current_samples + added > ctx_->opts.max_samples) return TooManySamplesError();
    ctx_->current_samples += added;
    if (!w.empty()) out.push_back(Series{s->labels(), std::vector<Point>(w.begin(), w.end())});
  }
  return out;
}

// timestamp(selector) reports the timestamps of the selected samples, not the evaluation time.
absl::StatusOr<Matrix> Evaluator::EvalTimestampOfSelector(const parser::VectorSelector& vs) {
  int64_t original = ctx_->current_samples;
  ASSIGN_OR_RETURN(const SelectedSeries* sel, ctx_->Expand(vs));
  const std::vector<const storage::Series*>* series = &sel->series;
  Matrix out;
  out.reserve(series->size());
  for (size_t i = 0; i < series->size(); i++) {
    if ((i & 255) == 255) RETURN_IF_ERROR(ctx_->CheckDone());
    const storage::Series& s = *(*series)[i];
    LookbackCursor cursor(s.Iterator(), ctx_->opts.lookback_delta_ms, sel->bounds);
    Series ss{DropMetricName(s.labels()), {}};
    for (int64_t ts = start_; ts <= end_; ts += interval_) {
      // With @, Prometheus re-derives the offset at every step, pinning the time to @.
      int64_t ref = vs.timestamp_ms ? *vs.timestamp_ms : ts - vs.offset_ms;
      Point p;
      if (cursor.At(ref, &p)) ss.points.push_back(Point{ts, static_cast<double>(p.t) / 1000});
    }
    RETURN_IF_ERROR(cursor.status());
    out.push_back(std::move(ss));
  }
  ASSIGN_OR_RETURN(out, MergeSameLabels(std::move(out)));
  // Each step holds the selected samples and as many results.
  RETURN_IF_ERROR(RangeEvalAccounting(original, ProfileInputs({&out}), out));
  return out;
}

}  // namespace strata::promql::internal
