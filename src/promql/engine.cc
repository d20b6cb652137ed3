#include "promql/engine.h"

#include <algorithm>
#include <limits>

#include "promql/evaluator.h"
#include "promql/parser/parser.h"
#include "promql/preprocess.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql {
namespace {

using internal::EvalContext;
using internal::Evaluator;

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

absl::StatusOr<Result> Query::Exec() {
  if (executed_) return absl::FailedPreconditionError("query already executed");
  executed_ = true;
  const EngineOptions& opts = engine_->options();
  const Clock* clock = opts.clock != nullptr ? opts.clock : RealClock::Default();
  int64_t deadline =
      opts.timeout_ms > 0 ? clock->NowMs() + opts.timeout_ms : std::numeric_limits<int64_t>::max();
  // Declared before the context: the series sets the context holds must be destroyed before
  // the querier they read from.
  std::unique_ptr<storage::Querier> querier;
  EvalContext ctx(opts, &cancelled_, deadline);
  RETURN_IF_ERROR(ctx.CheckDone("query execution"));
  if (const std::string* s = TopLevelString(*expr_)) {
    return Result{String{start_ms_, *s}, {}};
  }

  Selection sel = PlanSelection(*expr_, start_ms_, end_ms_, opts.lookback_delta_ms);
  if (!sel.entries.empty()) {
    querier = queryable_(sel.mint, sel.maxt);
    if (querier == nullptr) return absl::UnavailableError("storage unavailable");
    for (const Selection::Entry& e : sel.entries) {
      storage::SelectHints hints{e.range.start, e.range.end};
      internal::SelectedSeries& s = ctx.selected[e.vs];
      s.set = querier->Select(false, hints, e.vs->matchers);
      s.bounds = internal::Bounds{e.range.start, e.range.end};
    }
  }
  // Offsets for the @ modifier are relative to the start, where evaluation begins.
  internal::SetOffsetForAtModifier(start_ms_, *expr_);

  bool instant = interval_ms_ == 0;
  Evaluator ev(&ctx, start_ms_, end_ms_, instant ? 1 : interval_ms_);
  ASSIGN_OR_RETURN(Matrix m, ev.Eval(*expr_));
  if (instant) {
    ASSIGN_OR_RETURN(Value v, InstantResult(*expr_, std::move(m), start_ms_));
    return Result{std::move(v), {}};
  }
  RETURN_IF_ERROR(ctx.CheckDone("expression evaluation"));
  std::sort(m.begin(), m.end(), [](const Series& a, const Series& b) {
    return labels::Compare(a.metric, b.metric) < 0;
  });
  return Result{std::move(m), {}};
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
