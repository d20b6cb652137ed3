#include "promql/parser/printer.h"

#include <algorithm>
#include <cmath>

#include "promql/parser/durations.h"
#include "promql/parser/functions.h"
#include "promql/parser/go_strings.h"
#include "util/float_format.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace {

// Go's %g writes +Inf as "+Inf", and so does Prometheus 2.42's printer; but `^` binds tighter than
// a unary sign, so "+Inf ^ x" parses back as +(Inf ^ x), another tree. Before `^` the literal is
// written as the parser's own spelling, "Inf" (found by fuzz/promql_parser_fuzz.cc).
bool IsInfBeforePow(const BinaryExpr& b) {
  if (b.op != BinaryOp::kPow || b.lhs->kind() != NodeKind::kNumberLiteral) return false;
  const double v = b.lhs->As<NumberLiteral>().val;
  return std::isinf(v) && v > 0;
}

constexpr size_t kMaxCharactersPerLine = 100;

void AppendJoined(std::string* out, const std::vector<std::string>& items) {
  for (size_t i = 0; i < items.size(); i++) {
    if (i > 0) out->append(", ");
    out->append(items[i]);
  }
}

// " @ 123.000" / " @ start()" / "".
void AppendAt(std::string* out, const std::optional<int64_t>& ts, StartOrEnd start_or_end) {
  if (ts.has_value()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " @ %.3f", static_cast<double>(*ts) / 1000.0);
    out->append(buf);
  } else if (start_or_end == StartOrEnd::kStart) {
    out->append(" @ start()");
  } else if (start_or_end == StartOrEnd::kEnd) {
    out->append(" @ end()");
  }
}

void AppendOffset(std::string* out, int64_t offset_ms) {
  if (offset_ms > 0) StrAppend(out, " offset ", FormatDuration(offset_ms));
  if (offset_ms < 0) StrAppend(out, " offset -", FormatDuration(-offset_ms));
}

// The selector without its @ and offset, which a range prints after the brackets.
void AppendSelectorBody(std::string* out, const VectorSelector& vs) {
  std::vector<std::string> matchers;
  for (const labels::Matcher& m : vs.matchers) {
    // The implicit __name__ matcher is printed as the name.
    if (m.name() == "__name__" && m.type() == labels::MatchType::kEqual && m.value() == vs.name) {
      continue;
    }
    matchers.push_back(MatcherString(m));
  }
  out->append(vs.name);
  if (matchers.empty()) return;
  std::sort(matchers.begin(), matchers.end());
  out->push_back('{');
  for (size_t i = 0; i < matchers.size(); i++) {
    if (i > 0) out->push_back(',');
    out->append(matchers[i]);
  }
  out->push_back('}');
}

void AppendExpr(std::string* out, const Expr& e);

// "sum", "sum by (a) ", "sum without () ": the aggregation before its arguments.
std::string AggregateOpPrefix(const AggregateExpr& a) {
  std::string s(AggregateOpString(a.op));
  if (a.without || !a.grouping.empty()) {
    s.append(a.without ? " without (" : " by (");
    AppendJoined(&s, a.grouping);
    s.append(") ");
  }
  return s;
}

// " bool on (a) group_left (b)": what follows a binary operator.
std::string BinaryModifiers(const BinaryExpr& b) {
  std::string s = b.return_bool ? " bool" : "";
  const std::optional<VectorMatching>& vm = b.vector_matching;
  if (!vm.has_value() || (vm->matching_labels.empty() && !vm->on)) return s;
  s.append(vm->on ? " on (" : " ignoring (");
  AppendJoined(&s, vm->matching_labels);
  s.push_back(')');
  if (vm->card == VectorMatchCardinality::kManyToOne ||
      vm->card == VectorMatchCardinality::kOneToMany) {
    s.append(vm->card == VectorMatchCardinality::kManyToOne ? " group_left (" : " group_right (");
    AppendJoined(&s, vm->include);
    s.push_back(')');
  }
  return s;
}

std::string SubquerySuffix(const SubqueryExpr& s) {
  std::string out = StrCat("[", FormatDuration(s.range_ms), ":");
  if (s.step_ms != 0) out.append(FormatDuration(s.step_ms));
  out.push_back(']');
  AppendAt(&out, s.timestamp_ms, s.start_or_end);
  AppendOffset(&out, s.original_offset_ms);
  return out;
}

void AppendOperatorExpr(std::string* out, const Expr& e) {
  switch (e.kind()) {
    case NodeKind::kAggregate: {
      const auto& a = e.As<AggregateExpr>();
      out->append(AggregateOpPrefix(a));
      out->push_back('(');
      if (AggregateOpHasParam(a.op)) {
        AppendExpr(out, *a.param);
        out->append(", ");
      }
      AppendExpr(out, *a.expr);
      out->push_back(')');
      return;
    }
    case NodeKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      if (IsInfBeforePow(b)) {
        out->append("Inf");
      } else {
        AppendExpr(out, *b.lhs);
      }
      StrAppend(out, " ", BinaryOpString(b.op), BinaryModifiers(b), " ");
      AppendExpr(out, *b.rhs);
      return;
    }
    case NodeKind::kCall: {
      const auto& c = e.As<Call>();
      StrAppend(out, c.func->name, "(");
      for (size_t i = 0; i < c.args.size(); i++) {
        if (i > 0) out->append(", ");
        AppendExpr(out, *c.args[i]);
      }
      out->push_back(')');
      return;
    }
    default: {
      const auto& u = e.As<UnaryExpr>();
      out->push_back(u.op == UnaryOp::kSub ? '-' : '+');
      AppendExpr(out, *u.expr);
      return;
    }
  }
}

void AppendExpr(std::string* out, const Expr& e) {
  switch (e.kind()) {
    case NodeKind::kNumberLiteral:
      AppendGoG(out, e.As<NumberLiteral>().val);
      return;
    case NodeKind::kStringLiteral:
      AppendGoQuote(out, e.As<StringLiteral>().val);
      return;
    case NodeKind::kVectorSelector: {
      const auto& vs = e.As<VectorSelector>();
      AppendSelectorBody(out, vs);
      AppendAt(out, vs.timestamp_ms, vs.start_or_end);
      AppendOffset(out, vs.original_offset_ms);
      return;
    }
    case NodeKind::kMatrixSelector: {
      const auto& m = e.As<MatrixSelector>();
      AppendSelectorBody(out, m.vs());
      StrAppend(out, "[", FormatDuration(m.range_ms), "]");
      AppendAt(out, m.vs().timestamp_ms, m.vs().start_or_end);
      AppendOffset(out, m.vs().original_offset_ms);
      return;
    }
    case NodeKind::kSubquery:
      AppendExpr(out, *e.As<SubqueryExpr>().expr);
      out->append(SubquerySuffix(e.As<SubqueryExpr>()));
      return;
    case NodeKind::kParen:
      out->push_back('(');
      AppendExpr(out, *e.As<ParenExpr>().expr);
      out->push_back(')');
      return;
    case NodeKind::kStepInvariant:
      AppendExpr(out, *e.As<StepInvariantExpr>().expr);
      return;
    case NodeKind::kAggregate:
    case NodeKind::kBinary:
    case NodeKind::kCall:
    case NodeKind::kUnary:
      AppendOperatorExpr(out, e);
      return;
  }
}

std::string Indent(int level) { return std::string(static_cast<size_t>(level) * 2, ' '); }

bool NeedsSplit(const Expr& e) { return ToString(e).size() > kMaxCharactersPerLine; }

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string PrettyAt(const Expr& e, int level);

std::string PrettySplit(const Expr& e, int level) {
  std::string s = Indent(level);
  switch (e.kind()) {
    case NodeKind::kAggregate: {
      const auto& a = e.As<AggregateExpr>();
      StrAppend(&s, AggregateOpPrefix(a), "(\n");
      if (AggregateOpHasParam(a.op)) StrAppend(&s, PrettyAt(*a.param, level + 1), ",\n");
      StrAppend(&s, PrettyAt(*a.expr, level + 1), "\n", Indent(level), ")");
      return s;
    }
    case NodeKind::kBinary: {
      // Prometheus does not indent the operator line's left operand itself.
      const auto& b = e.As<BinaryExpr>();
      const std::string lhs =
          IsInfBeforePow(b) ? StrCat(Indent(level + 1), "Inf") : PrettyAt(*b.lhs, level + 1);
      return StrCat(lhs, "\n", Indent(level), BinaryOpString(b.op),
                    BinaryModifiers(b), "\n", PrettyAt(*b.rhs, level + 1));
    }
    case NodeKind::kCall: {
      const auto& c = e.As<Call>();
      std::string args;
      for (size_t i = 0; i < c.args.size(); i++) {
        if (i > 0) args.append(",\n");
        args.append(PrettyAt(*c.args[i], level + 1));
      }
      StrAppend(&s, c.func->name, "(\n", args, "\n", Indent(level), ")");
      return s;
    }
    default:  // kParen
      StrAppend(&s, "(\n", PrettyAt(*e.As<ParenExpr>().expr, level + 1), "\n", Indent(level), ")");
      return s;
  }
}

std::string PrettyAt(const Expr& e, int level) {
  switch (e.kind()) {
    case NodeKind::kAggregate:
    case NodeKind::kBinary:
    case NodeKind::kCall:
    case NodeKind::kParen:
      if (!NeedsSplit(e)) return Indent(level) + ToString(e);
      return PrettySplit(e, level);
    case NodeKind::kStepInvariant:
      return PrettyAt(*e.As<StepInvariantExpr>().expr, level);
    case NodeKind::kSubquery:
      // As in Prometheus, an unsplit subquery is not indented.
      if (!NeedsSplit(e)) return ToString(e);
      return PrettyAt(*e.As<SubqueryExpr>().expr, level) + SubquerySuffix(e.As<SubqueryExpr>());
    case NodeKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      std::string child = PrettyAt(*u.expr, level);
      return StrCat(Indent(level), u.op == UnaryOp::kSub ? "-" : "+", TrimSpace(child));
    }
    default:
      return Indent(level) + ToString(e);
  }
}

}  // namespace

std::string MatcherString(const labels::Matcher& m) {
  std::string s = m.name();
  s.append(labels::MatchTypeString(m.type()));
  AppendGoQuote(&s, m.value());
  return s;
}

std::string ToString(const Expr& e) {
  std::string out;
  AppendExpr(&out, e);
  return out;
}

std::string Pretty(const Expr& e) { return PrettyAt(e, 0); }

}  // namespace strata::promql::parser
