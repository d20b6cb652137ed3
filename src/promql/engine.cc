#include "promql/engine.h"

#include <algorithm>
#include <limits>
#include <thread>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "promql/evaluator.h"
#include "promql/parser/parser.h"
#include "promql/preprocess.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql {
namespace internal {

// Selects the series of every vector selector, with the time range each one reads
// (Prometheus findMinMaxTime + populateSeries). Returns the overall [mint, maxt], or [0, 0]
// when there is no selector.
struct Selection {
  struct Entry {
    const parser::VectorSelector* vs;
    internal::TimeRange range;
  };
  std::vector<Entry> entries;
  int64_t mint = std::numeric_limits<int64_t>::max();
  int64_t maxt = std::numeric_limits<int64_t>::min();
};

}  // namespace internal

namespace {

using internal::EvalContext;
using internal::Evaluator;
using internal::Selection;

Selection PlanSelection(const parser::Expr& root, int64_t start, int64_t end, int64_t lookback) {
  Selection sel;
  // A matrix selector's range applies to the vector selector visited right after it.
  int64_t eval_range = 0;
  parser::Inspect(root, [&](const parser::Expr& n, const std::vector<const parser::Expr*>& path) {
    if (n.Is<parser::VectorSelector>()) {
      const auto& vs = n.As<parser::VectorSelector>();
      internal::TimeRange r =
          internal::SelectorTimeRange(start, end, lookback, vs, path, eval_range);
      sel.entries.push_back({&vs, r});
      sel.mint = std::min(sel.mint, r.start);
      sel.maxt = std::max(sel.maxt, r.end);
      eval_range = 0;
    } else if (n.Is<parser::MatrixSelector>()) {
      eval_range = n.As<parser::MatrixSelector>().range_ms;
    }
    return true;
  });
  if (sel.entries.empty()) sel.mint = sel.maxt = 0;
  return sel;
}

// Range query results are sorted by labels.
bool LabelsLess(const Series& a, const Series& b) {
  return labels::Compare(a.metric, b.metric) < 0;
}

// Whether `e` has an @ modifier. Such a query is not split: a function of a range fixed by @
// carries state from step to step in Prometheus (predict_linear(x[2m] @ t, 0) returns points at
// the first steps only), which a part starting afresh would not reproduce.
bool HasAtModifier(const parser::Expr& e) {
  bool found = false;
  parser::Inspect(e, [&found](const parser::Expr& n, const std::vector<const parser::Expr*>&) {
    if (n.Is<parser::VectorSelector>()) {
      const auto& vs = n.As<parser::VectorSelector>();
      found |= vs.timestamp_ms.has_value() || vs.start_or_end != parser::StartOrEnd::kNone;
    } else if (n.Is<parser::SubqueryExpr>()) {
      const auto& sq = n.As<parser::SubqueryExpr>();
      found |= sq.timestamp_ms.has_value() || sq.start_or_end != parser::StartOrEnd::kNone;
    }
    return !found;
  });
  return found;
}

// The string an instant query of string type returns (possibly parenthesized or wrapped).
const std::string* TopLevelString(const parser::Expr& e) {
  const parser::Expr* u = &e;
  while (true) {
    if (u->Is<parser::ParenExpr>()) {
      u = u->As<parser::ParenExpr>().expr.get();
    } else if (u->Is<parser::StepInvariantExpr>()) {
      u = u->As<parser::StepInvariantExpr>().expr.get();
    } else {
      break;
    }
  }
  return u->Is<parser::StringLiteral>() ? &u->As<parser::StringLiteral>().val : nullptr;
}

absl::StatusOr<Value> InstantResult(const parser::Expr& e, Matrix m, int64_t ts) {
  switch (e.type()) {
    case parser::ValueType::kVector: {
      Vector v;
      v.reserve(m.size());
      // The point may carry another timestamp; an instant vector is as of the evaluation time.
      for (Series& s : m) v.push_back(Sample{std::move(s.metric), ts, s.points[0].v});
      return v;
    }
    case parser::ValueType::kScalar:
      if (m.empty() || m[0].points.empty()) return absl::InternalError("scalar without value");
      return Scalar{ts, m[0].points[0].v};
    case parser::ValueType::kMatrix:
      return m;
    default:
      return absl::InternalError("unexpected expression type");
  }
}

}  // namespace

Query::Query(const Engine* engine, Queryable q, std::string qs, parser::ExprPtr expr,
             int64_t start_ms, int64_t end_ms, int64_t interval_ms)
    : engine_(engine),
      queryable_(std::move(q)),
      qs_(std::move(qs)),
      expr_(std::move(expr)),
      start_ms_(start_ms),
      end_ms_(end_ms),
      interval_ms_(interval_ms) {}

Query::~Query() = default;

absl::StatusOr<Selection> Query::Select(const parser::Expr& expr, int64_t start, int64_t end,
                                       std::unique_ptr<storage::Querier>* querier,
                                       EvalContext* ctx) const {
  Selection sel = PlanSelection(expr, start, end, engine_->options().lookback_delta_ms);
  if (sel.entries.empty()) return sel;
  *querier = queryable_(sel.mint, sel.maxt);
  if (*querier == nullptr) return absl::UnavailableError("storage unavailable");
  for (const Selection::Entry& e : sel.entries) {
    storage::SelectHints hints{e.range.start, e.range.end};
    internal::SelectedSeries& s = ctx->selected[e.vs];
    s.set = (*querier)->Select(false, hints, e.vs->matchers);
    s.bounds = internal::Bounds{e.range.start, e.range.end};
  }
  return sel;
}

absl::StatusOr<Matrix> Query::Evaluate(parser::Expr& expr, int64_t start, int64_t end,
                                       int64_t deadline) const {
  // Declared before the context: the series sets the context holds must be destroyed before
  // the querier they read from.
  std::unique_ptr<storage::Querier> querier;
  EvalContext ctx(engine_->options(), &cancelled_, deadline);
  RETURN_IF_ERROR(Select(expr, start, end, &querier, &ctx).status());
  // Offsets for the @ modifier are relative to the start, where evaluation begins.
  internal::SetOffsetForAtModifier(start, expr);
  const bool instant = interval_ms_ == 0;
  Evaluator ev(&ctx, start, end, instant ? 1 : interval_ms_);
  ASSIGN_OR_RETURN(Matrix m, ev.Eval(expr));
  if (!instant) RETURN_IF_ERROR(ctx.CheckDone("expression evaluation"));
  return m;
}

absl::StatusOr<Matrix> Query::EvaluateSplit(int parts, int64_t deadline) const {
  // The series are selected once, for the whole range, on this thread (a querier is used by one
  // thread); the parts read them through iterators of their own.
  std::unique_ptr<storage::Querier> querier;
  EvalContext whole(engine_->options(), &cancelled_, deadline);
  ASSIGN_OR_RETURN(Selection sel, Select(*expr_, start_ms_, end_ms_, &querier, &whole));
  std::vector<const internal::SelectedSeries*> selected;
  for (const Selection::Entry& e : sel.entries) {
    ASSIGN_OR_RETURN(const internal::SelectedSeries* s, whole.Expand(*e.vs));
    selected.push_back(s);
  }
  EngineOptions part_opts = engine_->options();
  part_opts.max_samples = (part_opts.max_samples + parts - 1) / parts;
  const int64_t steps = (end_ms_ - start_ms_) / interval_ms_ + 1;
  std::vector<absl::StatusOr<Matrix>> results(parts, absl::UnknownError("not evaluated"));
  auto run = [&](int k) {
    const int64_t start = start_ms_ + steps * k / parts * interval_ms_;
    const int64_t end = start_ms_ + (steps * (k + 1) / parts - 1) * interval_ms_;
    // An expression of its own: evaluation sets offsets in it. Preprocessed for the whole
    // query, as the original.
    absl::StatusOr<parser::ExprPtr> expr = parser::ParseExpr(qs_);
    if (!expr.ok()) {
      results[k] = expr.status();
      return;
    }
    internal::PreprocessExpr(&*expr, start_ms_, end_ms_);
    EvalContext ctx(part_opts, &cancelled_, deadline);
    // The same selectors in the same order; each reads the part's own time range.
    Selection part = PlanSelection(**expr, start, end, part_opts.lookback_delta_ms);
    for (size_t i = 0; i < part.entries.size(); i++) {
      internal::SelectedSeries& s = ctx.selected[part.entries[i].vs];
      s.expanded = true;
      s.series = selected[i]->series;
      s.bounds = internal::Bounds{part.entries[i].range.start, part.entries[i].range.end};
    }
    internal::SetOffsetForAtModifier(start, **expr);
    Evaluator ev(&ctx, start, end, interval_ms_);
    results[k] = ev.Eval(**expr);
    if (results[k].ok()) {
      if (absl::Status done = ctx.CheckDone("expression evaluation"); !done.ok()) results[k] = done;
    }
  };
  {
    std::vector<std::jthread> threads;
    for (int k = 1; k < parts; k++) threads.emplace_back(run, k);
    run(0);
  }
  Matrix all;
  for (absl::StatusOr<Matrix>& r : results) {
    if (!r.ok()) return r.status();
    for (Series& s : *r) all.push_back(std::move(s));
  }
  // A series of several parts: its points in part order, which is time order.
  std::stable_sort(all.begin(), all.end(), LabelsLess);
  Matrix out;
  for (Series& s : all) {
    if (!out.empty() && labels::Compare(out.back().metric, s.metric) == 0) {
      out.back().points.insert(out.back().points.end(), s.points.begin(), s.points.end());
    } else {
      out.push_back(std::move(s));
    }
  }
  return out;
}

absl::StatusOr<Result> Query::Exec() {
  if (executed_) return absl::FailedPreconditionError("query already executed");
  executed_ = true;
  const EngineOptions& opts = engine_->options();
  const Clock* clock = opts.clock != nullptr ? opts.clock : RealClock::Default();
  int64_t deadline =
      opts.timeout_ms > 0 ? clock->NowMs() + opts.timeout_ms : std::numeric_limits<int64_t>::max();
  RETURN_IF_ERROR(EvalContext(opts, &cancelled_, deadline).CheckDone("query execution"));
  engine_->busy_threads_.fetch_add(1);  // this thread: always runs, always counts
  absl::Cleanup release = [this] { engine_->ReleaseThreads(1); };
  if (const std::string* s = TopLevelString(*expr_)) {
    return Result{String{start_ms_, *s}, {}};
  }
  if (interval_ms_ == 0) {
    ASSIGN_OR_RETURN(Matrix m, Evaluate(*expr_, start_ms_, end_ms_, deadline));
    ASSIGN_OR_RETURN(Value v, InstantResult(*expr_, std::move(m), start_ms_));
    return Result{std::move(v), {}};
  }
  const int64_t steps = (end_ms_ - start_ms_) / interval_ms_ + 1;
  const int wanted = HasAtModifier(*expr_)
                         ? 1
                         : static_cast<int>(std::min<int64_t>(
                               opts.range_query_parts,
                               steps / std::max<int64_t>(1, opts.min_steps_per_part)));
  const int extra = wanted > 1 ? engine_->AcquireThreads(wanted - 1) : 0;
  if (extra > 0) {
    absl::StatusOr<Matrix> m = EvaluateSplit(1 + extra, deadline);
    engine_->ReleaseThreads(extra);
    if (m.ok()) return Result{*std::move(m), {}};
    if (absl::IsCancelled(m.status()) || absl::IsDeadlineExceeded(m.status())) return m.status();
    // Evaluated whole, the query fails (or not) as in Prometheus.
  }
  ASSIGN_OR_RETURN(Matrix m, Evaluate(*expr_, start_ms_, end_ms_, deadline));
  std::sort(m.begin(), m.end(), LabelsLess);
  return Result{std::move(m), {}};
}

int Engine::AcquireThreads(int wanted) const {
  int busy = busy_threads_.load();
  while (true) {
    const int granted = std::clamp(opts_.range_query_parts - busy, 0, wanted);
    if (granted == 0) return 0;
    if (busy_threads_.compare_exchange_weak(busy, busy + granted)) return granted;
  }
}

Engine::Engine(EngineOptions opts) : opts_(opts) {
  // As Prometheus's NewEngine: unset durations take their defaults.
  if (opts_.lookback_delta_ms <= 0) opts_.lookback_delta_ms = EngineOptions().lookback_delta_ms;
  if (opts_.default_subquery_step_ms <= 0) {
    opts_.default_subquery_step_ms = EngineOptions().default_subquery_step_ms;
  }
}

absl::StatusOr<std::unique_ptr<Query>> Engine::NewInstantQuery(Queryable q, std::string_view qs,
                                                               int64_t ts_ms) const {
  ASSIGN_OR_RETURN(parser::ExprPtr expr, parser::ParseExpr(qs));
  internal::PreprocessExpr(&expr, ts_ms, ts_ms);
  return std::unique_ptr<Query>(
      new Query(this, std::move(q), std::string(qs), std::move(expr), ts_ms, ts_ms, 0));
}

absl::StatusOr<std::unique_ptr<Query>> Engine::NewRangeQuery(Queryable q, std::string_view qs,
                                                             int64_t start_ms, int64_t end_ms,
                                                             int64_t step_ms) const {
  ASSIGN_OR_RETURN(parser::ExprPtr expr, parser::ParseExpr(qs));
  if (expr->type() != parser::ValueType::kVector && expr->type() != parser::ValueType::kScalar) {
    return absl::InvalidArgumentError(
        StrCat("invalid expression type \"", parser::DocumentedType(expr->type()),
               "\" for range query, must be Scalar or instant Vector"));
  }
  if (step_ms <= 0) return absl::InvalidArgumentError("zero or negative query resolution step");
  if (end_ms < start_ms)
    return absl::InvalidArgumentError("end timestamp must not be before start time");
  internal::PreprocessExpr(&expr, start_ms, end_ms);
  return std::unique_ptr<Query>(
      new Query(this, std::move(q), std::string(qs), std::move(expr), start_ms, end_ms, step_ms));
}

}  // namespace strata::promql
