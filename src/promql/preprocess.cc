#include "promql/preprocess.h"

#include <memory>

#include "promql/parser/functions.h"

namespace strata::promql::internal {
namespace {

using parser::Expr;
using parser::ExprPtr;
using parser::StartOrEnd;

void Wrap(ExprPtr* e) {
  auto w = std::make_unique<parser::StepInvariantExpr>();
  w->expr = std::move(*e);
  *e = std::move(w);
}

void ResolveStartEnd(StartOrEnd which, std::optional<int64_t>* ts, int64_t start, int64_t end) {
  if (which == StartOrEnd::kStart) *ts = start;
  if (which == StartOrEnd::kEnd) *ts = end;
}

// Returns whether *e is step invariant; wraps invariant children of variant nodes.
bool Preprocess(ExprPtr* e, int64_t start, int64_t end) {
  Expr& n = **e;
  switch (n.kind()) {
    case parser::NodeKind::kVectorSelector: {
      auto& vs = n.As<parser::VectorSelector>();
      ResolveStartEnd(vs.start_or_end, &vs.timestamp_ms, start, end);
      return vs.timestamp_ms.has_value();
    }
    case parser::NodeKind::kAggregate:
      // Like Prometheus, only the aggregated expression decides; the parameter is not visited.
      return Preprocess(&n.As<parser::AggregateExpr>().expr, start, end);
    case parser::NodeKind::kBinary: {
      auto& b = n.As<parser::BinaryExpr>();
      bool l = Preprocess(&b.lhs, start, end);
      bool r = Preprocess(&b.rhs, start, end);
      if (l && r) return true;
      if (l) Wrap(&b.lhs);
      if (r) Wrap(&b.rhs);
      return false;
    }
    case parser::NodeKind::kCall: {
      auto& c = n.As<parser::Call>();
      bool invariant = !IsAtModifierUnsafe(c.func->name);
      std::vector<bool> arg_invariant(c.args.size());
      for (size_t i = 0; i < c.args.size(); i++) {
        arg_invariant[i] = Preprocess(&c.args[i], start, end);
        invariant = invariant && arg_invariant[i];
      }
      if (invariant) return true;
      for (size_t i = 0; i < c.args.size(); i++) {
        if (arg_invariant[i]) Wrap(&c.args[i]);
      }
      return false;
    }
    case parser::NodeKind::kMatrixSelector:
      return Preprocess(&n.As<parser::MatrixSelector>().vector_selector, start, end);
    case parser::NodeKind::kSubquery: {
      // The inside of a subquery is wrapped whatever the subquery's own @ says, so that it is
      // evaluated once relative to the subquery's start.
      auto& sq = n.As<parser::SubqueryExpr>();
      if (Preprocess(&sq.expr, start, end)) Wrap(&sq.expr);
      ResolveStartEnd(sq.start_or_end, &sq.timestamp_ms, start, end);
      return sq.timestamp_ms.has_value();
    }
    case parser::NodeKind::kParen:
      return Preprocess(&n.As<parser::ParenExpr>().expr, start, end);
    case parser::NodeKind::kUnary:
      return Preprocess(&n.As<parser::UnaryExpr>().expr, start, end);
    case parser::NodeKind::kStringLiteral:
    case parser::NodeKind::kNumberLiteral:
      return true;
    case parser::NodeKind::kStepInvariant:
      return false;
  }
  return false;
}

void VisitRec(Expr& node, std::vector<const Expr*>* path, const MutableVisitor& fn) {
  fn(node, *path);
  path->push_back(&node);
  for (Expr* c : parser::Children(node)) VisitRec(*c, path, fn);
  path->pop_back();
}

}  // namespace

bool IsAtModifierUnsafe(std::string_view f) {
  return f == "days_in_month" || f == "day_of_month" || f == "day_of_week" || f == "day_of_year" ||
         f == "hour" || f == "minute" || f == "month" || f == "year" || f == "predict_linear" ||
         f == "time" || f == "timestamp";
}

void PreprocessExpr(ExprPtr* root, int64_t start_ms, int64_t end_ms) {
  if (Preprocess(root, start_ms, end_ms)) Wrap(root);
}

SubqueryTimes GetSubqueryTimes(const std::vector<const Expr*>& path) {
  SubqueryTimes st;
  for (const Expr* n : path) {
    if (!n->Is<parser::SubqueryExpr>()) continue;
    const auto& sq = n->As<parser::SubqueryExpr>();
    st.offset_ms += sq.original_offset_ms;
    st.range_ms += sq.range_ms;
    if (sq.timestamp_ms) {
      // An @ on a subquery makes the outer offsets and ranges irrelevant.
      st.offset_ms = sq.original_offset_ms;
      st.range_ms = sq.range_ms;
      st.ts_ms = sq.timestamp_ms;
    }
  }
  return st;
}

void VisitMutable(Expr& root, const MutableVisitor& fn) {
  std::vector<const Expr*> path;
  VisitRec(root, &path, fn);
}

void SetOffsetForAtModifier(int64_t eval_time_ms, Expr& root) {
  auto offset_for = [eval_time_ms](const std::optional<int64_t>& ts, int64_t original,
                                   const std::vector<const Expr*>& path) {
    if (!ts) return original;
    SubqueryTimes st = GetSubqueryTimes(path);
    int64_t subq_offset = st.offset_ms;
    if (st.ts_ms) subq_offset += eval_time_ms - *st.ts_ms;
    return original + (eval_time_ms - *ts) - subq_offset;
  };
  VisitMutable(root, [&](Expr& n, const std::vector<const Expr*>& path) {
    if (n.Is<parser::VectorSelector>()) {
      auto& vs = n.As<parser::VectorSelector>();
      vs.offset_ms = offset_for(vs.timestamp_ms, vs.original_offset_ms, path);
    } else if (n.Is<parser::SubqueryExpr>()) {
      auto& sq = n.As<parser::SubqueryExpr>();
      sq.offset_ms = offset_for(sq.timestamp_ms, sq.original_offset_ms, path);
    }
  });
}

TimeRange SelectorTimeRange(int64_t start_ms, int64_t end_ms, int64_t lookback_ms,
                            const parser::VectorSelector& vs, const std::vector<const Expr*>& path,
                            int64_t range_ms) {
  TimeRange r{start_ms, end_ms};
  SubqueryTimes st = GetSubqueryTimes(path);
  if (st.ts_ms) r.start = r.end = *st.ts_ms;
  if (vs.timestamp_ms) {
    r.start = r.end = *vs.timestamp_ms;
  } else {
    r.start -= st.offset_ms + st.range_ms;
    r.end -= st.offset_ms;
  }
  r.start -= range_ms == 0 ? lookback_ms : range_ms;
  r.start -= vs.original_offset_ms;
  r.end -= vs.original_offset_ms;
  return r;
}

}  // namespace strata::promql::internal
