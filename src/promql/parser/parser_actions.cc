// Grammar actions of the parser: building matchers, reading literals, and attaching offset and
// @ modifiers, with the checks and error messages of Prometheus's parser actions.
#include <cmath>

#include "promql/parser/durations.h"
#include "promql/parser/go_numbers.h"
#include "promql/parser/go_strings.h"
#include "promql/parser/parser_internal.h"
#include "promql/parser/regexp_error.h"
#include "util/strings.h"

namespace strata::promql::parser::internal {
namespace {

PositionRange RangeOf(const Token& t) { return {t.pos, t.end()}; }

}  // namespace

void Parser::AddMatcher(const Token& name, const Token& op, const Token& value,
                        VectorSelector* vs) {
  std::string v = UnquoteValue(value);
  labels::MatchType type = labels::MatchType::kEqual;
  if (op.type == TokenType::kNeq) type = labels::MatchType::kNotEqual;
  if (op.type == TokenType::kEqlRegex) type = labels::MatchType::kRegexMatch;
  if (op.type == TokenType::kNeqRegex) type = labels::MatchType::kRegexNoMatch;
  absl::StatusOr<labels::Matcher> m = labels::Matcher::Make(type, std::string(name.text), v);
  bool regex = type == labels::MatchType::kRegexMatch || type == labels::MatchType::kRegexNoMatch;
  // RE2 and Go disagree only on escapes (\C) and on how the anchored form Prometheus compiles
  // interacts with \Q, so a second opinion is needed only then, or to word an error as Go does.
  if (regex && (!m.ok() || v.find('\\') != std::string::npos)) {
    if (std::optional<std::string> err = GoRegexpError(v)) {
      AddError({name.pos, value.end()}, *std::move(err));
      return;
    }
  }
  if (!m.ok()) {
    AddError({name.pos, value.end()}, std::string(m.status().message()));
    return;
  }
  vs->matchers.push_back(*std::move(m));
}

double Parser::NumberValue(const Token& t) {
  double v = 0;
  std::string error;
  if (!ParseGoNumber(t.text, &v, &error)) {
    AddError(RangeOf(t), StrCat("error parsing number: ", error));
  }
  return v;
}

int64_t Parser::DurationValue(const Token& t) {
  absl::StatusOr<int64_t> d = ParseDuration(t.text);
  if (!d.ok()) {
    AddError(RangeOf(t), std::string(d.status().message()));
    return 0;
  }
  if (*d == 0) AddError(RangeOf(t), "duration must be greater than 0");
  return *d;
}

std::string Parser::UnquoteValue(const Token& t) {
  absl::StatusOr<std::string> s = UnquoteString(t.text);
  if (!s.ok()) {
    AddError(RangeOf(t),
             StrCat("error unquoting string ", GoQuote(t.text), ": ", s.status().message()));
    return "";
  }
  return *std::move(s);
}

void Parser::AddOffset(Expr& e, int64_t offset_ms, int32_t last_closing) {
  int64_t* original = nullptr;
  int32_t* end = nullptr;
  if (e.Is<VectorSelector>()) {
    original = &e.As<VectorSelector>().original_offset_ms;
    end = &e.As<VectorSelector>().pos_range.end;
  } else if (e.Is<MatrixSelector>()) {
    auto& m = e.As<MatrixSelector>();
    if (!m.vector_selector->Is<VectorSelector>()) {
      AddError(e.position_range(), "ranges only allowed for vector selectors");
      return;
    }
    original = &m.vs().original_offset_ms;
    end = &m.end_pos;
  } else if (e.Is<SubqueryExpr>()) {
    original = &e.As<SubqueryExpr>().original_offset_ms;
    end = &e.As<SubqueryExpr>().end_pos;
  } else {
    AddError(e.position_range(),
             "offset modifier must be preceded by an instant vector selector or range vector "
             "selector or a subquery");
    return;
  }
  if (*original != 0) {
    AddError(e.position_range(), "offset may not be set multiple times");
  } else {
    *original = offset_ms;
  }
  *end = last_closing;
}

void Parser::SetTimestamp(Expr& e, double ts, int32_t last_closing) {
  if (std::isinf(ts) || std::isnan(ts) || ts >= 9223372036854775807.0 ||
      ts <= -9223372036854775808.0) {
    AddError(e.position_range(), StrCat("timestamp out of bounds for @ modifier: ", FormatGoF(ts)));
  }
  AtVars vars;
  if (!GetAtModifierVars(e, &vars)) return;
  *vars.timestamp = FromFloatSeconds(ts);
  *vars.end = last_closing;
}

void Parser::SetAtPreprocessor(Expr& e, StartOrEnd which, int32_t last_closing) {
  AtVars vars;
  if (!GetAtModifierVars(e, &vars)) return;
  *vars.start_or_end = which;
  *vars.end = last_closing;
}

bool Parser::GetAtModifierVars(Expr& e, AtVars* vars) {
  if (e.Is<VectorSelector>()) {
    auto& v = e.As<VectorSelector>();
    *vars = {&v.timestamp_ms, &v.start_or_end, &v.pos_range.end};
  } else if (e.Is<MatrixSelector>()) {
    auto& m = e.As<MatrixSelector>();
    if (!m.vector_selector->Is<VectorSelector>()) {
      AddError(e.position_range(), "ranges only allowed for vector selectors");
      return false;
    }
    *vars = {&m.vs().timestamp_ms, &m.vs().start_or_end, &m.end_pos};
  } else if (e.Is<SubqueryExpr>()) {
    auto& s = e.As<SubqueryExpr>();
    *vars = {&s.timestamp_ms, &s.start_or_end, &s.end_pos};
  } else {
    AddError(e.position_range(),
             "@ modifier must be preceded by an instant vector selector or range vector selector "
             "or a subquery");
    return false;
  }
  if (vars->timestamp->has_value() || *vars->start_or_end != StartOrEnd::kNone) {
    AddError(e.position_range(), "@ <timestamp> may not be set multiple times");
    return false;
  }
  return true;
}

}  // namespace strata::promql::parser::internal
