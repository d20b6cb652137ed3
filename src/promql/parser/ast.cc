#include "promql/parser/ast.h"

#include "promql/parser/functions.h"

namespace strata::promql::parser {

std::string_view ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kNone:
      return "none";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "vector";
    case ValueType::kMatrix:
      return "matrix";
    case ValueType::kString:
      return "string";
  }
  return "none";
}

std::string_view DocumentedType(ValueType t) {
  switch (t) {
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    default:
      return ValueTypeName(t);
  }
}

std::string_view BinaryOpString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "^";
    case BinaryOp::kEqlc:
      return "==";
    case BinaryOp::kNeq:
      return "!=";
    case BinaryOp::kGtr:
      return ">";
    case BinaryOp::kLss:
      return "<";
    case BinaryOp::kGte:
      return ">=";
    case BinaryOp::kLte:
      return "<=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
    case BinaryOp::kUnless:
      return "unless";
    case BinaryOp::kAtan2:
      return "atan2";
  }
  return "";
}

bool IsComparisonOperator(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEqlc:
    case BinaryOp::kNeq:
    case BinaryOp::kGtr:
    case BinaryOp::kLss:
    case BinaryOp::kGte:
    case BinaryOp::kLte:
      return true;
    default:
      return false;
  }
}

bool IsSetOperator(BinaryOp op) {
  return op == BinaryOp::kAnd || op == BinaryOp::kOr || op == BinaryOp::kUnless;
}

std::string_view AggregateOpString(AggregateOp op) {
  switch (op) {
    case AggregateOp::kSum:
      return "sum";
    case AggregateOp::kAvg:
      return "avg";
    case AggregateOp::kCount:
      return "count";
    case AggregateOp::kMin:
      return "min";
    case AggregateOp::kMax:
      return "max";
    case AggregateOp::kGroup:
      return "group";
    case AggregateOp::kStddev:
      return "stddev";
    case AggregateOp::kStdvar:
      return "stdvar";
    case AggregateOp::kTopk:
      return "topk";
    case AggregateOp::kBottomk:
      return "bottomk";
    case AggregateOp::kCountValues:
      return "count_values";
    case AggregateOp::kQuantile:
      return "quantile";
  }
  return "";
}

bool AggregateOpHasParam(AggregateOp op) {
  return op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
         op == AggregateOp::kCountValues || op == AggregateOp::kQuantile;
}

std::string_view CardinalityString(VectorMatchCardinality c) {
  switch (c) {
    case VectorMatchCardinality::kOneToOne:
      return "one-to-one";
    case VectorMatchCardinality::kManyToOne:
      return "many-to-one";
    case VectorMatchCardinality::kOneToMany:
      return "one-to-many";
    case VectorMatchCardinality::kManyToMany:
      return "many-to-many";
  }
  return "";
}

ValueType BinaryExpr::type() const {
  if (lhs->type() == ValueType::kScalar && rhs->type() == ValueType::kScalar) {
    return ValueType::kScalar;
  }
  return ValueType::kVector;
}

// An unknown function (a parse error) has no type.
ValueType Call::type() const { return func != nullptr ? func->return_type : ValueType::kNone; }

std::vector<Expr*> Children(Expr& e) {
  switch (e.kind()) {
    case NodeKind::kAggregate: {
      auto& a = e.As<AggregateExpr>();
      std::vector<Expr*> out;
      if (a.expr) out.push_back(a.expr.get());
      if (a.param) out.push_back(a.param.get());
      return out;
    }
    case NodeKind::kBinary:
      return {e.As<BinaryExpr>().lhs.get(), e.As<BinaryExpr>().rhs.get()};
    case NodeKind::kCall: {
      std::vector<Expr*> out;
      for (auto& a : e.As<Call>().args) out.push_back(a.get());
      return out;
    }
    case NodeKind::kSubquery:
      return {e.As<SubqueryExpr>().expr.get()};
    case NodeKind::kParen:
      return {e.As<ParenExpr>().expr.get()};
    case NodeKind::kUnary:
      return {e.As<UnaryExpr>().expr.get()};
    case NodeKind::kMatrixSelector:
      return {e.As<MatrixSelector>().vector_selector.get()};
    case NodeKind::kStepInvariant:
      return {e.As<StepInvariantExpr>().expr.get()};
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
    case NodeKind::kVectorSelector:
      return {};
  }
  return {};
}

std::vector<const Expr*> Children(const Expr& e) {
  std::vector<Expr*> c = Children(const_cast<Expr&>(e));
  return std::vector<const Expr*>(c.begin(), c.end());
}

namespace {

void InspectRec(const Expr& node, std::vector<const Expr*>* path, const InspectFn& fn) {
  if (!fn(node, *path)) return;
  path->push_back(&node);
  for (const Expr* c : Children(node)) InspectRec(*c, path, fn);
  path->pop_back();
}

ExprPtr CloneOrNull(const ExprPtr& e) { return e ? Clone(*e) : nullptr; }

ExprPtr CloneSelector(const VectorSelector& v) {
  auto c = std::make_unique<VectorSelector>();
  c->name = v.name;
  c->matchers = v.matchers;
  c->original_offset_ms = v.original_offset_ms;
  c->offset_ms = v.offset_ms;
  c->timestamp_ms = v.timestamp_ms;
  c->start_or_end = v.start_or_end;
  c->pos_range = v.pos_range;
  return c;
}

ExprPtr CloneSubquery(const SubqueryExpr& s) {
  auto c = std::make_unique<SubqueryExpr>();
  c->expr = Clone(*s.expr);
  c->range_ms = s.range_ms;
  c->step_ms = s.step_ms;
  c->original_offset_ms = s.original_offset_ms;
  c->offset_ms = s.offset_ms;
  c->timestamp_ms = s.timestamp_ms;
  c->start_or_end = s.start_or_end;
  c->end_pos = s.end_pos;
  return c;
}

ExprPtr CloneOperator(const Expr& e) {
  switch (e.kind()) {
    case NodeKind::kAggregate: {
      const auto& a = e.As<AggregateExpr>();
      auto c = std::make_unique<AggregateExpr>();
      c->op = a.op;
      c->expr = CloneOrNull(a.expr);
      c->param = CloneOrNull(a.param);
      c->grouping = a.grouping;
      c->without = a.without;
      c->pos_range = a.pos_range;
      return c;
    }
    case NodeKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      auto c = std::make_unique<BinaryExpr>();
      c->op = b.op;
      c->lhs = Clone(*b.lhs);
      c->rhs = Clone(*b.rhs);
      c->vector_matching = b.vector_matching;
      c->return_bool = b.return_bool;
      return c;
    }
    case NodeKind::kCall: {
      const auto& f = e.As<Call>();
      auto c = std::make_unique<Call>();
      c->func = f.func;
      for (const auto& a : f.args) c->args.push_back(Clone(*a));
      c->pos_range = f.pos_range;
      return c;
    }
    default: {
      const auto& u = e.As<UnaryExpr>();
      auto c = std::make_unique<UnaryExpr>();
      c->op = u.op;
      c->expr = Clone(*u.expr);
      c->start_pos = u.start_pos;
      return c;
    }
  }
}

}  // namespace

void Inspect(const Expr& root, const InspectFn& fn) {
  std::vector<const Expr*> path;
  InspectRec(root, &path, fn);
}

std::vector<std::vector<labels::Matcher>> ExtractSelectors(const Expr& root) {
  std::vector<std::vector<labels::Matcher>> out;
  Inspect(root, [&](const Expr& e, const std::vector<const Expr*>&) {
    if (e.Is<VectorSelector>()) out.push_back(e.As<VectorSelector>().matchers);
    return true;
  });
  return out;
}

ExprPtr Clone(const Expr& e) {
  switch (e.kind()) {
    case NodeKind::kNumberLiteral: {
      auto c = std::make_unique<NumberLiteral>();
      c->val = e.As<NumberLiteral>().val;
      c->pos_range = e.As<NumberLiteral>().pos_range;
      return c;
    }
    case NodeKind::kStringLiteral: {
      auto c = std::make_unique<StringLiteral>();
      c->val = e.As<StringLiteral>().val;
      c->pos_range = e.As<StringLiteral>().pos_range;
      return c;
    }
    case NodeKind::kVectorSelector:
      return CloneSelector(e.As<VectorSelector>());
    case NodeKind::kMatrixSelector: {
      const auto& m = e.As<MatrixSelector>();
      auto c = std::make_unique<MatrixSelector>();
      c->vector_selector = Clone(*m.vector_selector);
      c->range_ms = m.range_ms;
      c->end_pos = m.end_pos;
      return c;
    }
    case NodeKind::kSubquery:
      return CloneSubquery(e.As<SubqueryExpr>());
    case NodeKind::kParen: {
      auto c = std::make_unique<ParenExpr>();
      c->expr = Clone(*e.As<ParenExpr>().expr);
      c->pos_range = e.As<ParenExpr>().pos_range;
      return c;
    }
    case NodeKind::kStepInvariant: {
      auto c = std::make_unique<StepInvariantExpr>();
      c->expr = Clone(*e.As<StepInvariantExpr>().expr);
      return c;
    }
    case NodeKind::kAggregate:
    case NodeKind::kBinary:
    case NodeKind::kCall:
    case NodeKind::kUnary:
      return CloneOperator(e);
  }
  return nullptr;
}

}  // namespace strata::promql::parser
