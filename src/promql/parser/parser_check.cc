// Type checking of a parsed query (Prometheus checkAST). Errors name the node's position; the
// order of checks follows Prometheus so the first error reported is the same.
#include "promql/parser/functions.h"
#include "promql/parser/go_strings.h"
#include "promql/parser/parser_internal.h"
#include "util/strings.h"

namespace strata::promql::parser::internal {
namespace {

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsInstantOrScalar(ValueType t) { return t == ValueType::kScalar || t == ValueType::kVector; }

}  // namespace

ValueType Parser::Check(Expr& node) {
  ValueType type = node.type();
  switch (node.kind()) {
    case NodeKind::kAggregate: {
      auto& a = node.As<AggregateExpr>();
      ExpectType(*a.expr, ValueType::kVector, "aggregation expression");
      if (a.op == AggregateOp::kTopk || a.op == AggregateOp::kBottomk ||
          a.op == AggregateOp::kQuantile) {
        ExpectType(*a.param, ValueType::kScalar, "aggregation parameter");
      }
      if (a.op == AggregateOp::kCountValues) {
        ExpectType(*a.param, ValueType::kString, "aggregation parameter");
      }
      break;
    }
    case NodeKind::kBinary:
      CheckBinary(node.As<BinaryExpr>());
      break;
    case NodeKind::kCall:
      CheckCall(node.As<Call>());
      break;
    case NodeKind::kParen:
      Check(*node.As<ParenExpr>().expr);
      break;
    case NodeKind::kUnary: {
      ValueType t = Check(*node.As<UnaryExpr>().expr);
      if (!IsInstantOrScalar(t)) {
        AddError(node.position_range(),
                 StrCat("unary expression only allowed on expressions of type scalar or instant "
                        "vector, got ",
                        GoQuote(DocumentedType(t))));
      }
      break;
    }
    case NodeKind::kSubquery: {
      ValueType t = Check(*node.As<SubqueryExpr>().expr);
      if (t != ValueType::kVector) {
        AddError(node.position_range(), StrCat("subquery is only allowed on instant vector, got ",
                                               ValueTypeName(t), " instead"));
      }
      break;
    }
    case NodeKind::kMatrixSelector:
      Check(*node.As<MatrixSelector>().vector_selector);
      break;
    case NodeKind::kVectorSelector:
      CheckVectorSelector(node.As<VectorSelector>());
      break;
    case NodeKind::kStepInvariant:
      Check(*node.As<StepInvariantExpr>().expr);
      break;
    case NodeKind::kNumberLiteral:
    case NodeKind::kStringLiteral:
      break;
  }
  return type;
}

void Parser::ExpectType(Expr& node, ValueType want, std::string_view context) {
  ValueType t = Check(node);
  if (t != want) {
    AddError(node.position_range(), StrCat("expected type ", DocumentedType(want), " in ", context,
                                           ", got ", DocumentedType(t)));
  }
}

PositionRange Parser::OperatorRange(const BinaryExpr& b) const {
  // From the end of the left operand to the start of the right one, minus whitespace.
  PositionRange r;
  for (r.start = b.lhs->position_range().end;
       r.start < static_cast<int32_t>(input_.size()) && IsSpaceByte(input_[r.start]); r.start++) {
  }
  for (r.end = b.rhs->position_range().start - 1; r.end >= 0 && IsSpaceByte(input_[r.end]);
       r.end--) {
  }
  return r;
}

void Parser::CheckBinary(BinaryExpr& b) {
  ValueType lt = Check(*b.lhs);
  ValueType rt = Check(*b.rhs);
  bool comparison = IsComparisonOperator(b.op);
  bool set_op = IsSetOperator(b.op);
  if (b.return_bool && !comparison) {
    AddError(OperatorRange(b), "bool modifier can only be used on comparison operators");
  }
  if (comparison && !b.return_bool && b.lhs->type() == ValueType::kScalar &&
      b.rhs->type() == ValueType::kScalar) {
    AddError(OperatorRange(b), "comparisons between scalars must use BOOL modifier");
  }
  if (set_op && b.vector_matching && b.vector_matching->card == VectorMatchCardinality::kOneToOne) {
    b.vector_matching->card = VectorMatchCardinality::kManyToMany;
  }
  if (b.vector_matching && b.vector_matching->on) {
    for (const std::string& l1 : b.vector_matching->matching_labels) {
      for (const std::string& l2 : b.vector_matching->include) {
        if (l1 == l2) {
          AddError(OperatorRange(b),
                   StrCat("label ", GoQuote(l1), " must not occur in ON and GROUP clause at once"));
        }
      }
    }
  }
  if (!IsInstantOrScalar(lt)) {
    AddError(b.lhs->position_range(),
             "binary expression must contain only scalar and instant vector types");
  }
  if (!IsInstantOrScalar(rt)) {
    AddError(b.rhs->position_range(),
             "binary expression must contain only scalar and instant vector types");
  }
  CheckBinaryMatching(b, lt, rt);
  if ((lt == ValueType::kScalar || rt == ValueType::kScalar) && set_op) {
    AddError(b.position_range(), StrCat("set operator ", GoQuote(BinaryOpString(b.op)),
                                        " not allowed in binary scalar expression"));
  }
}

void Parser::CheckBinaryMatching(BinaryExpr& b, ValueType lt, ValueType rt) {
  if (!b.vector_matching) return;
  if (lt != ValueType::kVector || rt != ValueType::kVector) {
    if (!b.vector_matching->matching_labels.empty()) {
      AddError(b.position_range(), "vector matching only allowed between instant vectors");
    }
    b.vector_matching.reset();
    return;
  }
  if (!IsSetOperator(b.op)) return;
  VectorMatchCardinality card = b.vector_matching->card;
  if (card == VectorMatchCardinality::kOneToMany || card == VectorMatchCardinality::kManyToOne) {
    AddError(b.position_range(),
             StrCat("no grouping allowed for ", GoQuote(BinaryOpString(b.op)), " operation"));
  }
  if (card != VectorMatchCardinality::kManyToMany) {
    AddError(b.position_range(), "set operations must always be many-to-many");
  }
}

void Parser::CheckCall(Call& c) {
  const Function& f = *c.func;
  size_t nargs = f.arg_types.size();
  std::string name = GoQuote(f.name);
  if (f.variadic == 0) {
    if (nargs != c.args.size()) {
      AddError(c.pos_range, StrCat("expected ", nargs, " argument(s) in call to ", name, ", got ",
                                   c.args.size()));
    }
  } else {
    size_t required = nargs - 1;
    if (required > c.args.size()) {
      AddError(c.pos_range, StrCat("expected at least ", required, " argument(s) in call to ", name,
                                   ", got ", c.args.size()));
    } else if (size_t most = required + static_cast<size_t>(f.variadic);
               f.variadic > 0 && most < c.args.size()) {
      AddError(c.pos_range, StrCat("expected at most ", most, " argument(s) in call to ", name,
                                   ", got ", c.args.size()));
    }
  }
  std::string context = StrCat("call to function ", name);
  for (size_t i = 0; i < c.args.size(); i++) {
    size_t t = i;
    if (t >= nargs) {
      if (f.variadic == 0) break;  // too many arguments: reported above, not type checked
      t = nargs - 1;
    }
    ExpectType(*c.args[i], f.arg_types[t], context);
  }
}

void Parser::CheckVectorSelector(const VectorSelector& vs) {
  if (!vs.name.empty()) {
    // The last matcher is the one for the name written outside the braces.
    for (size_t i = 0; i + 1 < vs.matchers.size(); i++) {
      if (vs.matchers[i].name() == "__name__") {
        AddError(vs.pos_range, StrCat("metric name must not be set twice: ", GoQuote(vs.name),
                                      " or ", GoQuote(vs.matchers[i].value())));
      }
    }
    return;  // the metric name is a non-empty matcher
  }
  // A selector must not select everything by accident (a typo in a matcher, say).
  for (const labels::Matcher& m : vs.matchers) {
    if (!m.Matches("")) return;
  }
  AddError(vs.pos_range, "vector selector must contain at least one non-empty matcher");
}

}  // namespace strata::promql::parser::internal
