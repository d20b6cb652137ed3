// The shape of parsed trees: node fields, types, positions, precedence, and the error list.
// Exact error texts and printed forms of many more queries are in parser_golden_test.cc.
#include "promql/parser/parser.h"

#include <bit>
#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/parser/functions.h"
#include "promql/parser/printer.h"

namespace strata::promql::parser {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

}  // namespace

void PrintTo(const PositionRange& r, std::ostream* os) {
  *os << "[" << r.start << "," << r.end << ")";
}

namespace {

ExprPtr MustParse(std::string_view q) {
  absl::StatusOr<ExprPtr> e = ParseExpr(q);
  EXPECT_TRUE(e.ok()) << q << ": " << e.status();
  if (!e.ok()) return nullptr;
  return *std::move(e);
}

std::string ErrorOf(std::string_view q) {
  absl::StatusOr<ExprPtr> e = ParseExpr(q);
  if (e.ok()) return "OK: " + ToString(**e);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(e.status().message());
}

// A fully parenthesised rendering that shows how operators grouped.
std::string Tree(const Expr& e) {
  switch (e.kind()) {
    case NodeKind::kBinary: {
      const auto& b = e.As<BinaryExpr>();
      return "(" + Tree(*b.lhs) + " " + std::string(BinaryOpString(b.op)) + " " + Tree(*b.rhs) +
             ")";
    }
    case NodeKind::kUnary: {
      const auto& u = e.As<UnaryExpr>();
      return std::string(u.op == UnaryOp::kSub ? "(neg " : "(pos ") + Tree(*u.expr) + ")";
    }
    case NodeKind::kParen:
      return "[" + Tree(*e.As<ParenExpr>().expr) + "]";
    default:
      return ToString(e);
  }
}

TEST(ParserTest, NumberLiteral) {
  ExprPtr e = MustParse("  42.5 ");
  ASSERT_TRUE(e->Is<NumberLiteral>());
  EXPECT_EQ(e->As<NumberLiteral>().val, 42.5);
  EXPECT_EQ(e->type(), ValueType::kScalar);
  EXPECT_EQ(e->position_range(), (PositionRange{2, 6}));
}

TEST(ParserTest, NumberFormats) {
  struct Case {
    const char* in;
    double want;
  } cases[] = {
      {"0x1F", 31},  {"010", 8}, {"08", 8},       {"1e3", 1000},
      {".5", 0.5},   {"5.", 5},  {"1E-2", 0.01},  {"0755", 493},
      {"-1", -1},    {"+1", 1},  {"- -1", 1},     {"1e-400", 0},
      {"0xFF", 255}, {"007", 7}, {"3.0e+2", 300}, {"9007199254740993", 9007199254740992.0}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ExprPtr e = MustParse(c.in);
    ASSERT_TRUE(e->Is<NumberLiteral>());
    EXPECT_EQ(e->As<NumberLiteral>().val, c.want);
  }
  for (const char* q : {"Inf", "inf", "+InF", "-Inf", "NaN", "nan", "-nan"}) {
    SCOPED_TRACE(q);
    ExprPtr e = MustParse(q);
    double v = e->As<NumberLiteral>().val;
    if (std::string_view(q).find_first_of("nN") != std::string_view::npos &&
        std::string_view(q).find("Inf") == std::string_view::npos &&
        std::string_view(q).find("inf") == std::string_view::npos &&
        std::string_view(q).find("InF") == std::string_view::npos) {
      EXPECT_TRUE(std::isnan(v));
    } else {
      EXPECT_TRUE(std::isinf(v));
      EXPECT_EQ(v < 0, q[0] == '-');
    }
  }
  EXPECT_TRUE(std::signbit(MustParse("-0")->As<NumberLiteral>().val));
}

TEST(ParserTest, UnaryMinusFoldsIntoNumbers) {
  ExprPtr e = MustParse("- 5");
  ASSERT_TRUE(e->Is<NumberLiteral>());
  EXPECT_EQ(e->As<NumberLiteral>().val, -5);
  EXPECT_EQ(e->position_range(), (PositionRange{0, 3}));

  e = MustParse("-foo");
  ASSERT_TRUE(e->Is<UnaryExpr>());
  EXPECT_EQ(e->As<UnaryExpr>().op, UnaryOp::kSub);
  EXPECT_EQ(e->type(), ValueType::kVector);

  e = MustParse("+foo");
  ASSERT_TRUE(e->Is<UnaryExpr>());
  EXPECT_EQ(e->As<UnaryExpr>().op, UnaryOp::kAdd);

  e = MustParse("-(1)");
  ASSERT_TRUE(e->Is<UnaryExpr>());
  EXPECT_EQ(e->type(), ValueType::kScalar);
}

TEST(ParserTest, StringLiterals) {
  struct Case {
    std::string in;
    std::string want;
  } cases[] = {
      {R"("abc")", "abc"},
      {R"('abc')", "abc"},
      {R"(`a\nb`)", R"(a\nb)"},
      {R"("a\nb\tc")", "a\nb\tc"},
      {R"("\a\b\f\r\v\\")", "\a\b\f\r\v\\"},
      {R"("\"")", "\""},
      {R"('\'')", "'"},
      {R"("'")", "'"},
      {R"('"')", "\""},
      {R"("\x41\x42")", "AB"},
      {R"("\xff")", "\xff"},
      {R"("\101")", "A"},
      {R"("\377")", "\xff"},
      {R"("\u00e9")", "\xc3\xa9"},
      {R"("\U0001F600")", "\xf0\x9f\x98\x80"},
      {"\"\xc3\xa9\"", "\xc3\xa9"},
      {"`a\nb`", "a\nb"},
      {R"("")", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ExprPtr e = MustParse(c.in);
    ASSERT_TRUE(e->Is<StringLiteral>());
    EXPECT_EQ(e->As<StringLiteral>().val, c.want);
    EXPECT_EQ(e->type(), ValueType::kString);
  }
}

TEST(ParserTest, VectorSelector) {
  ExprPtr e = MustParse(R"(http_requests{job="api", code!="500", path=~"/a.*", m!~"GET|PUT"})");
  ASSERT_TRUE(e->Is<VectorSelector>());
  const auto& vs = e->As<VectorSelector>();
  EXPECT_EQ(vs.name, "http_requests");
  ASSERT_EQ(vs.matchers.size(), 5u);
  EXPECT_EQ(MatcherString(vs.matchers[0]), R"(job="api")");
  EXPECT_EQ(MatcherString(vs.matchers[1]), R"(code!="500")");
  EXPECT_EQ(MatcherString(vs.matchers[2]), R"(path=~"/a.*")");
  EXPECT_EQ(MatcherString(vs.matchers[3]), R"(m!~"GET|PUT")");
  // The metric name becomes the last matcher.
  EXPECT_EQ(MatcherString(vs.matchers[4]), R"(__name__="http_requests")");
  EXPECT_TRUE(vs.matchers[2].Matches("/abc"));
  EXPECT_FALSE(vs.matchers[2].Matches("x/abc"));  // anchored
  EXPECT_EQ(vs.original_offset_ms, 0);
  EXPECT_FALSE(vs.timestamp_ms.has_value());
  EXPECT_EQ(vs.start_or_end, StartOrEnd::kNone);
  EXPECT_EQ(vs.type(), ValueType::kVector);
  EXPECT_EQ(vs.pos_range.start, 0);
  EXPECT_EQ(vs.pos_range.end, 65);
}

TEST(ParserTest, SelectorWithoutName) {
  ExprPtr e = MustParse(R"({__name__=~"a|b", x="1"})");
  const auto& vs = e->As<VectorSelector>();
  EXPECT_EQ(vs.name, "");
  ASSERT_EQ(vs.matchers.size(), 2u);
  EXPECT_EQ(vs.matchers[0].name(), "__name__");
  EXPECT_EQ(vs.matchers[0].type(), labels::MatchType::kRegexMatch);
}

TEST(ParserTest, KeywordsAsMetricNames) {
  for (const char* name : {"sum", "by", "without", "offset", "and", "or", "unless", "start", "end",
                           "count_values", "topk", "bool_x", "on_x"}) {
    SCOPED_TRACE(name);
    ExprPtr e = MustParse(name);
    ASSERT_TRUE(e->Is<VectorSelector>());
    EXPECT_EQ(e->As<VectorSelector>().name, name);
  }
  for (const char* kw : {"on", "ignoring", "bool", "group_left", "group_right", "atan2"}) {
    SCOPED_TRACE(kw);
    EXPECT_THAT(ErrorOf(kw), HasSubstr("1:1: parse error: unexpected <"));
  }
}

TEST(ParserTest, MatrixSelector) {
  ExprPtr e = MustParse("foo[1h30m] @ 1000.5 offset -2m");
  ASSERT_TRUE(e->Is<MatrixSelector>());
  const auto& m = e->As<MatrixSelector>();
  EXPECT_EQ(m.range_ms, 90 * 60 * 1000);
  EXPECT_EQ(m.vs().name, "foo");
  EXPECT_EQ(m.vs().original_offset_ms, -120000);
  EXPECT_EQ(m.vs().timestamp_ms, 1000500);
  EXPECT_EQ(m.type(), ValueType::kMatrix);
  EXPECT_EQ(m.position_range(), (PositionRange{0, 30}));
}

TEST(ParserTest, OffsetAndAt) {
  ExprPtr e = MustParse("foo offset 1w @ start()");
  const auto& vs = e->As<VectorSelector>();
  EXPECT_EQ(vs.original_offset_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(vs.start_or_end, StartOrEnd::kStart);
  EXPECT_FALSE(vs.timestamp_ms.has_value());
  EXPECT_EQ(vs.pos_range, (PositionRange{0, 23}));

  e = MustParse("foo @ end()");
  EXPECT_EQ(e->As<VectorSelector>().start_or_end, StartOrEnd::kEnd);

  // Seconds with millisecond precision, rounded half away from zero.
  struct Case {
    const char* in;
    int64_t ms;
  } cases[] = {{"foo @ 1", 1000},    {"foo @ -1.0005", -1001}, {"foo @ 1.0005", 1001},
               {"foo @ +2.5", 2500}, {"foo @ 0x10", 16000},    {"foo @ 1e3", 1000000},
               {"foo @ 0.0004", 0},  {"foo @ -0", 0}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(MustParse(c.in)->As<VectorSelector>().timestamp_ms, c.ms);
  }
}

TEST(ParserTest, Subquery) {
  ExprPtr e = MustParse("rate(foo[5m])[1h:30s] @ 100 offset 10m");
  ASSERT_TRUE(e->Is<SubqueryExpr>());
  const auto& s = e->As<SubqueryExpr>();
  EXPECT_EQ(s.range_ms, 3600000);
  EXPECT_EQ(s.step_ms, 30000);
  EXPECT_EQ(s.original_offset_ms, 600000);
  EXPECT_EQ(s.timestamp_ms, 100000);
  EXPECT_TRUE(s.expr->Is<Call>());
  EXPECT_EQ(s.type(), ValueType::kMatrix);

  e = MustParse("foo[5m:]");
  EXPECT_EQ(e->As<SubqueryExpr>().step_ms, 0);
  EXPECT_EQ(e->As<SubqueryExpr>().position_range(), (PositionRange{0, 8}));
  // Prometheus's lexer reads any letter after the range as the colon.
  e = MustParse("foo[5m x]");
  EXPECT_TRUE(e->Is<SubqueryExpr>());
}

TEST(ParserTest, BinaryExprMatching) {
  ExprPtr e = MustParse("a * on(x, y) group_left(z) b");
  const auto& b = e->As<BinaryExpr>();
  EXPECT_EQ(b.op, BinaryOp::kMul);
  ASSERT_TRUE(b.vector_matching.has_value());
  EXPECT_EQ(b.vector_matching->card, VectorMatchCardinality::kManyToOne);
  EXPECT_TRUE(b.vector_matching->on);
  EXPECT_THAT(b.vector_matching->matching_labels, ElementsAre("x", "y"));
  EXPECT_THAT(b.vector_matching->include, ElementsAre("z"));
  EXPECT_FALSE(b.return_bool);
  EXPECT_EQ(b.type(), ValueType::kVector);

  e = MustParse("a / ignoring(x) group_right b");
  const auto& r = e->As<BinaryExpr>();
  EXPECT_EQ(r.vector_matching->card, VectorMatchCardinality::kOneToMany);
  EXPECT_FALSE(r.vector_matching->on);
  EXPECT_TRUE(r.vector_matching->include.empty());

  e = MustParse("a > bool b");
  EXPECT_TRUE(e->As<BinaryExpr>().return_bool);
  EXPECT_EQ(e->As<BinaryExpr>().vector_matching->card, VectorMatchCardinality::kOneToOne);

  // Set operators are always many-to-many.
  e = MustParse("a and on(x) b");
  EXPECT_EQ(e->As<BinaryExpr>().vector_matching->card, VectorMatchCardinality::kManyToMany);
  EXPECT_EQ(e->As<BinaryExpr>().op, BinaryOp::kAnd);

  // With a scalar side there is no vector matching.
  e = MustParse("a + 1");
  EXPECT_FALSE(e->As<BinaryExpr>().vector_matching.has_value());
  e = MustParse("1 + 2");
  EXPECT_EQ(e->type(), ValueType::kScalar);
  e = MustParse("1 == bool 2");
  EXPECT_EQ(e->type(), ValueType::kScalar);
}

TEST(ParserTest, Aggregations) {
  ExprPtr e = MustParse("topk by (a, b) (3, foo)");
  const auto& a = e->As<AggregateExpr>();
  EXPECT_EQ(a.op, AggregateOp::kTopk);
  EXPECT_THAT(a.grouping, ElementsAre("a", "b"));
  EXPECT_FALSE(a.without);
  ASSERT_NE(a.param, nullptr);
  EXPECT_EQ(a.param->As<NumberLiteral>().val, 3);
  EXPECT_EQ(a.expr->As<VectorSelector>().name, "foo");
  EXPECT_EQ(a.type(), ValueType::kVector);
  EXPECT_EQ(a.position_range(), (PositionRange{0, 23}));

  e = MustParse("sum(foo) without (x)");
  EXPECT_TRUE(e->As<AggregateExpr>().without);
  EXPECT_THAT(e->As<AggregateExpr>().grouping, ElementsAre("x"));
  EXPECT_EQ(e->As<AggregateExpr>().param, nullptr);

  e = MustParse("count_values(\"v\", foo)");
  EXPECT_EQ(e->As<AggregateExpr>().param->As<StringLiteral>().val, "v");

  e = MustParse("SUM BY (Job) (foo)");
  EXPECT_EQ(e->As<AggregateExpr>().op, AggregateOp::kSum);
  EXPECT_THAT(e->As<AggregateExpr>().grouping, ElementsAre("Job"));
}

TEST(ParserTest, Calls) {
  ExprPtr e = MustParse("label_join(foo, \"dst\", \",\", \"a\", \"b\", \"c\")");
  const auto& c = e->As<Call>();
  EXPECT_EQ(c.func->name, "label_join");
  EXPECT_EQ(c.args.size(), 6u);
  EXPECT_EQ(c.type(), ValueType::kVector);

  EXPECT_EQ(MustParse("time()")->type(), ValueType::kScalar);
  EXPECT_EQ(MustParse("scalar(foo)")->type(), ValueType::kScalar);
  EXPECT_EQ(MustParse("vector(1)")->type(), ValueType::kVector);
  EXPECT_EQ(MustParse("(time())")->type(), ValueType::kScalar);
}

TEST(ParserTest, Precedence) {
  struct Case {
    const char* in;
    const char* tree;
  } cases[] = {
      {"a + b * c", "(a + (b * c))"},
      {"a * b + c", "((a * b) + c)"},
      {"a - b - c", "((a - b) - c)"},
      {"a / b * c % d", "(((a / b) * c) % d)"},
      {"a ^ b ^ c", "(a ^ (b ^ c))"},
      {"-a ^ b", "(neg (a ^ b))"},
      {"-2 ^ 2", "(neg (2 ^ 2))"},
      {"-a * b", "((neg a) * b)"},
      {"-a + b", "((neg a) + b)"},
      {"a * -b ^ c", "(a * (neg (b ^ c)))"},
      {"a ^ -b", "(a ^ (neg b))"},
      {"a ^ -b * c", "((a ^ (neg b)) * c)"},
      {"a + -b * c", "(a + ((neg b) * c))"},
      {"- - a", "(neg (neg a))"},
      {"-+-1", "1"},
      {"a atan2 b * c", "((a atan2 b) * c)"},
      {"a * b atan2 c", "((a * b) atan2 c)"},
      {"a + b == c * d", "((a + b) == (c * d))"},
      {"a == b != c", "((a == b) != c)"},
      {"a > b and c < d or e", "(((a > b) and (c < d)) or e)"},
      {"a or b and c unless d", "(a or ((b and c) unless d))"},
      {"a unless b or c", "((a unless b) or c)"},
      {"(a + b) * c", "([(a + b)] * c)"},
      {"a % b ^ c", "(a % (b ^ c))"},
      {"a + b offset 5m", "(a + b offset 5m)"},
      {"-a offset 5m", "(neg a offset 5m)"},
      {"1 + 2 * 3 ^ 4 / 5 - 6", "((1 + ((2 * (3 ^ 4)) / 5)) - 6)"},
      {"a == bool b + c", "(a == (b + c))"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    ExprPtr e = MustParse(c.in);
    if (e != nullptr) {
      EXPECT_EQ(Tree(*e), c.tree);
    }
  }
}

TEST(ParserTest, PositionsOfNodes) {
  ExprPtr e = MustParse("sum(rate(foo{a=\"b\"}[5m] offset 1m)) by (x) + -bar");
  const auto& b = e->As<BinaryExpr>();
  EXPECT_EQ(b.position_range(), (PositionRange{0, 49}));
  const auto& agg = b.lhs->As<AggregateExpr>();
  EXPECT_EQ(agg.position_range(), (PositionRange{0, 42}));
  const auto& call = agg.expr->As<Call>();
  EXPECT_EQ(call.position_range(), (PositionRange{4, 34}));
  const auto& m = call.args[0]->As<MatrixSelector>();
  EXPECT_EQ(m.position_range(), (PositionRange{9, 33}));
  EXPECT_EQ(m.vs().position_range(), (PositionRange{9, 19}));
  EXPECT_EQ(b.rhs->position_range(), (PositionRange{45, 49}));
}

TEST(ParserTest, ErrorListKeepsParsingAfterGrammarActionErrors) {
  std::vector<ParseError> errors;
  absl::StatusOr<ExprPtr> e = ParseExpr("foo[0s] offset 1m offset 2m + unknown()", &errors);
  ASSERT_FALSE(e.ok());
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].message, "duration must be greater than 0");
  EXPECT_EQ(errors[0].position_range, (PositionRange{4, 6}));
  EXPECT_EQ(errors[1].message, "offset may not be set multiple times");
  EXPECT_EQ(errors[2].message, "unknown function with name \"unknown\"");
  EXPECT_EQ(e.status().message(), "1:5: parse error: duration must be greater than 0");
}

TEST(ParserTest, ErrorPositionsCountLinesAndBytes) {
  EXPECT_EQ(ErrorOf("foo +\n\n  \"\xc3\xa9\" +"), "3:9: parse error: unexpected end of input");
  EXPECT_EQ(ErrorOf("\n\nfoo{a=~\"(\"}"),
            "3:5: parse error: error parsing regexp: missing closing ): `^(?:()$`");
  ParseError e{{5, 6}, "boom"};
  EXPECT_EQ(e.ToString("ab\ncdef"), "2:3: parse error: boom");
  EXPECT_EQ(e.ToString("abc"), "invalid position: parse error: boom");
  EXPECT_EQ((ParseError{{-1, -1}, "x"}).ToString("abc"), "invalid position: parse error: x");
}

TEST(ParserTest, InvalidUtf8) {
  EXPECT_EQ(ErrorOf("\xff"), "1:1: parse error: unexpected character: '\xef\xbf\xbd'");
  EXPECT_EQ(ErrorOf("foo\xe9"), "1:4: parse error: unexpected character: '\xef\xbf\xbd'");
  EXPECT_EQ(ErrorOf("foo{a=\"\xff\"}"), "1:7: parse error: invalid UTF-8 rune");
  EXPECT_EQ(ErrorOf("\"\xc3\x28\""), "1:1: parse error: invalid UTF-8 rune");
  EXPECT_EQ(ErrorOf("`\xff`"), "1:1: parse error: invalid UTF-8 rune");
  // Even a correctly encoded U+FFFD is refused in strings, as in Prometheus.
  EXPECT_EQ(ErrorOf("\"\xef\xbf\xbd\""), "1:1: parse error: invalid UTF-8 rune");
  EXPECT_EQ(ErrorOf("label_replace(a, `b`, `c\xff`, `d`, `.*`)"),
            "1:23: parse error: invalid UTF-8 rune");
}

TEST(ParserTest, DeepNestingDoesNotBreak) {
  std::string q;
  for (int i = 0; i < 200; i++) q += "(";
  q += "1";
  for (int i = 0; i < 200; i++) q += ")";
  ExprPtr e = MustParse(q);
  EXPECT_EQ(ToString(*e), q);
  std::string chain = "a";
  for (int i = 0; i < 2000; i++) chain += " + a";
  EXPECT_EQ(ToString(*MustParse(chain)), chain);
}

TEST(ParserTest, DepthIsLimited) {
  auto nested = [](int n) { return std::string(n, '(') + "1" + std::string(n, ')'); };
  EXPECT_TRUE(ParseExpr(nested(kMaxExpressionDepth - 1)).ok());
  EXPECT_EQ(ErrorOf(nested(kMaxExpressionDepth)),
            "1:2049: parse error: expression nested too deeply (more than 2048 levels)");
  // Long operator chains are deep trees too; parsing stops early instead of overflowing.
  std::string chain = "a";
  for (int i = 0; i < 200000; i++) chain += "+a";
  EXPECT_EQ(ErrorOf(chain),
            "1:4098: parse error: expression nested too deeply (more than 2048 levels)");
  EXPECT_THAT(ErrorOf(std::string(100000, '-') + "1"), HasSubstr("nested too deeply"));
  EXPECT_THAT(ErrorOf("a" + std::string(3000, '^') + "a"), HasSubstr("unexpected <op:^>"));
  std::string pow = "a";
  for (int i = 0; i < 5000; i++) pow += "^a";
  EXPECT_THAT(ErrorOf(pow), HasSubstr("nested too deeply"));
}

TEST(ParserTest, AllFunctionsParseWithValidArguments) {
  auto sample = [](ValueType t) -> std::string {
    switch (t) {
      case ValueType::kScalar:
        return "1";
      case ValueType::kVector:
        return "foo";
      case ValueType::kMatrix:
        return "foo[5m]";
      case ValueType::kString:
        return "\"s\"";
      default:
        return "?";
    }
  };
  for (const Function& f : AllFunctions()) {
    std::string q = std::string(f.name) + "(";
    for (size_t i = 0; i < f.arg_types.size(); i++) {
      if (i > 0) q += ", ";
      q += sample(f.arg_types[i]);
    }
    q += ")";
    SCOPED_TRACE(q);
    ExprPtr e = MustParse(q);
    if (e == nullptr) continue;
    EXPECT_EQ(e->type(), f.return_type);
    EXPECT_EQ(ToString(*e), q);
  }
}

TEST(ParserTest, FunctionArityErrors) {
  for (const Function& f : AllFunctions()) {
    SCOPED_TRACE(f.name);
    size_t n = f.arg_types.size();
    std::string too_many = std::string(f.name) + "(";
    for (size_t i = 0; i <= n + (f.variadic > 0 ? f.variadic : 0); i++) {
      too_many += i > 0 ? ", foo" : "foo";
    }
    too_many += ")";
    size_t given = n + 1 + (f.variadic > 0 ? f.variadic : 0);
    std::string quoted = "\"" + std::string(f.name) + "\"";
    if (f.variadic == 0) {
      EXPECT_EQ(ErrorOf(too_many), "1:1: parse error: expected " + std::to_string(n) +
                                       " argument(s) in call to " + quoted + ", got " +
                                       std::to_string(given));
    } else if (f.variadic > 0) {
      EXPECT_EQ(ErrorOf(too_many),
                "1:1: parse error: expected at most " + std::to_string(n - 1 + f.variadic) +
                    " argument(s) in call to " + quoted + ", got " + std::to_string(given));
    }
    if (n >= 2 || (n == 1 && f.variadic == 0)) {
      size_t least = f.variadic == 0 ? n : n - 1;
      std::string msg = f.variadic == 0 ? "expected " : "expected at least ";
      EXPECT_EQ(ErrorOf(std::string(f.name) + "()"),
                "1:1: parse error: " + msg + std::to_string(least) + " argument(s) in call to " +
                    quoted + ", got 0");
    }
  }
}

TEST(ParserTest, FunctionArgumentTypeErrors) {
  EXPECT_EQ(ErrorOf("rate(foo)"),
            "1:6: parse error: expected type range vector in call to function \"rate\", got "
            "instant vector");
  EXPECT_EQ(ErrorOf("abs(foo[1m])"),
            "1:5: parse error: expected type instant vector in call to function \"abs\", got "
            "range vector");
  EXPECT_EQ(ErrorOf("round(foo, \"x\")"),
            "1:12: parse error: expected type scalar in call to function \"round\", got string");
  EXPECT_EQ(ErrorOf("label_join(foo, \"a\", \"b\", \"c\", 1)"),
            "1:32: parse error: expected type string in call to function \"label_join\", got "
            "scalar");
  EXPECT_EQ(ErrorOf("histogram_quantile(foo, bar)"),
            "1:20: parse error: expected type scalar in call to function \"histogram_quantile\", "
            "got instant vector");
  EXPECT_EQ(ErrorOf("vector(\"a\")"),
            "1:8: parse error: expected type scalar in call to function \"vector\", got string");
}

TEST(ParserTest, TypeErrors) {
  struct Case {
    const char* in;
    const char* error;
  } cases[] = {
      {"foo[5m] + 1",
       "1:1: parse error: binary expression must contain only scalar and instant vector types"},
      {"1 + \"a\"",
       "1:5: parse error: binary expression must contain only scalar and instant vector types"},
      {"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
      {"foo + bool bar",
       "1:5: parse error: bool modifier can only be used on comparison operators"},
      {"foo and 1",
       "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"},
      {"foo == on(a) 1", "1:1: parse error: vector matching only allowed between instant vectors"},
      {"foo and on(a) group_left(b) bar",
       "1:1: parse error: no grouping allowed for \"and\" operation"},
      {"foo * on(a) group_left(a) bar",
       "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once"},
      {"-\"s\"",
       "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
       "vector, got \"string\""},
      {"-foo[5m]",
       "1:1: parse error: unary expression only allowed on expressions of type scalar or instant "
       "vector, got \"range vector\""},
      {"foo[5m][5m:]",
       "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"},
      {"1[5m:]",
       "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"},
      {"sum(foo[5m])",
       "1:5: parse error: expected type instant vector in aggregation expression, got range "
       "vector"},
      {"topk(foo, bar)",
       "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"},
      {"count_values(1, foo)",
       "1:14: parse error: expected type string in aggregation parameter, got scalar"},
      {"{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"{a=~\".*\", b!=\"x\"}",
       "1:1: parse error: vector selector must contain at least one non-empty matcher"},
      {"foo{__name__=\"bar\"}",
       "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(ErrorOf(c.in), c.error);
  }
}

TEST(ParseMetricSelectorTest, Matchers) {
  absl::StatusOr<std::vector<labels::Matcher>> m = ParseMetricSelector(R"(up{job=~"a|b",x!=""})");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ(MatcherString((*m)[0]), R"(job=~"a|b")");
  EXPECT_EQ(MatcherString((*m)[1]), R"(x!="")");
  EXPECT_EQ(MatcherString((*m)[2]), R"(__name__="up")");

  // Unlike queries, selectors are not type checked.
  m = ParseMetricSelector("{}");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->empty());
  EXPECT_TRUE(ParseMetricSelector(R"(foo{__name__="bar"})").ok());
  EXPECT_TRUE(ParseMetricSelector("sum").ok());
}

TEST(ParseMetricSelectorTest, Errors) {
  struct Case {
    const char* in;
    const char* error;
  } cases[] = {
      {"", "1:1: parse error: unexpected end of input"},
      {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
      {"foo + bar", "1:5: parse error: unexpected <op:+>"},
      {"rate(foo)", "1:5: parse error: unexpected \"(\""},
      {"foo[5m]", "1:4: parse error: unexpected \"[\""},
      {"foo offset 5m", "1:5: parse error: unexpected <offset>"},
      {"1", "1:1: parse error: unexpected number \"1\""},
      {"-foo", "1:1: parse error: unexpected <op:->"},
      {"foo{", "1:5: parse error: unexpected end of input inside braces"},
      {"foo{a=~\"(\"}", "1:5: parse error: error parsing regexp: missing closing ): `^(?:()$`"},
      {"foo{a=\"b\" c=\"d\"}",
       "1:11: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""},
      {"foo @ 5", "1:5: parse error: unexpected \"<Item 57385>\" <op:@>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    absl::StatusOr<std::vector<labels::Matcher>> m = ParseMetricSelector(c.in);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().message(), c.error);
  }
}

TEST(ParseMetricTest, LabelSets) {
  absl::StatusOr<labels::Labels> l = ParseMetric(R"(up{job="api", a='x'})");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->ToString(), R"({__name__="up", a="x", job="api"})");
  l = ParseMetric(R"({b="2",a="1",})");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->ToString(), R"({a="1", b="2"})");
  l = ParseMetric("up");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->ToString(), R"({__name__="up"})");
  EXPECT_FALSE(ParseMetric(R"(up{a=~"b"})").ok());
  EXPECT_FALSE(ParseMetric(R"(up{a="b"} 1)").ok());
  EXPECT_EQ(ParseMetric(R"(up{a})").status().message(),
            "1:5: parse error: unexpected \"}\" in label set, expected \"=\"");
}

TEST(ParseSeriesDescTest, Values) {
  absl::StatusOr<SeriesDescription> d =
      ParseSeriesDesc(R"(http{job="a"} 1 2.5 _ -3 stale 1+1x3 _x2 5x2 10-2x1 Inf)");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->labels.ToString(), R"({__name__="http", job="a"})");
  std::vector<std::string> got;
  for (const SequenceValue& v : d->values) {
    if (v.omitted) {
      got.push_back("_");
    } else if (std::bit_cast<uint64_t>(v.value) == kStaleNaNBits) {
      got.push_back("stale");
    } else {
      got.push_back(ToString(*MustParse(std::to_string(v.value))));
    }
  }
  EXPECT_THAT(got, ElementsAre("1", "2.5", "_", "-3", "stale", "1", "2", "3", "4", "_", "_", "5",
                               "5", "5", "10", "8", "+Inf"));
  d = ParseSeriesDesc("metric");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->values.empty());
  d = ParseSeriesDesc("metric 0.1+0.1x2");
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->values.size(), 3u);
  EXPECT_EQ(d->values[2].value, 0.1 + 0.1 + 0.1);  // accumulated, not multiplied
  EXPECT_FALSE(ParseSeriesDesc("metric 1 foo").ok());
  EXPECT_FALSE(ParseSeriesDesc("metric 1x").ok());
  EXPECT_FALSE(ParseSeriesDesc("metric 1+1").ok());
  EXPECT_FALSE(ParseSeriesDesc("metric{a=\"b\" 1").ok());
}

}  // namespace
}  // namespace strata::promql::parser
