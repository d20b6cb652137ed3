#include "promql/parser/printer.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "promql/parser/functions.h"
#include "promql/parser/parser.h"

namespace strata::promql::parser {
namespace {

ExprPtr MustParse(std::string_view q) {
  absl::StatusOr<ExprPtr> e = ParseExpr(q);
  EXPECT_TRUE(e.ok()) << q << ": " << e.status();
  return e.ok() ? *std::move(e) : nullptr;
}

std::string Number(double v) {
  NumberLiteral n;
  n.val = v;
  return ToString(n);
}

TEST(PrinterTest, NumbersLikeGo) {
  EXPECT_EQ(Number(1), "1");
  EXPECT_EQ(Number(-1.5), "-1.5");
  EXPECT_EQ(Number(100000), "100000");
  EXPECT_EQ(Number(1e6), "1e+06");
  EXPECT_EQ(Number(1234567), "1.234567e+06");
  EXPECT_EQ(Number(0.0001), "0.0001");
  EXPECT_EQ(Number(0.00001), "1e-05");
  EXPECT_EQ(Number(1e21), "1e+21");
  EXPECT_EQ(Number(-0.0), "-0");
  EXPECT_EQ(Number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(Number(std::nan("")), "NaN");
}

// Regression (fuzz/promql_parser_fuzz.cc): `inf ^ b` printed as "+Inf ^ b", which parses as
// +(Inf ^ b) and prints as "++Inf ^ b": the printer must print what parses back to its tree.
TEST(PrinterTest, InfinityBeforePowPrintsAsTheLiteral) {
  for (const char* q : {"inf ^ b", "Inf", "-Inf", "+Inf ^ b", "b ^ Inf", "-inf ^ b"}) {
    const std::string printed = ToString(*MustParse(q));
    EXPECT_EQ(ToString(*MustParse(printed)), printed) << q;
  }
  EXPECT_EQ(ToString(*MustParse("inf ^ b")), "Inf ^ b");
  EXPECT_EQ(ToString(*MustParse("+Inf ^ b")), "+Inf ^ b");  // a unary plus over Inf ^ b
  EXPECT_EQ(ToString(*MustParse("inf * b")), "+Inf * b");   // as Prometheus prints it
  EXPECT_EQ(Pretty(*MustParse("inf ^ b")), "Inf ^ b");
}

TEST(PrinterTest, SelectorSortsMatchersAndHidesName) {
  EXPECT_EQ(ToString(*MustParse(R"(foo{z="1", a=~"x", m!="y"})")), R"(foo{a=~"x",m!="y",z="1"})");
  EXPECT_EQ(ToString(*MustParse(R"({__name__="foo", a="b"})")), R"({__name__="foo",a="b"})");
  EXPECT_EQ(ToString(*MustParse(R"(foo{a="\n\"é\x01"})")), R"(foo{a="\n\"é\x01"})");
}

TEST(PrinterTest, ModifiersOrder) {
  EXPECT_EQ(ToString(*MustParse("foo offset 5m @ 10")), "foo @ 10.000 offset 5m");
  EXPECT_EQ(ToString(*MustParse("foo @ start() [5m]")), "foo[5m] @ start()");
  EXPECT_EQ(ToString(*MustParse("foo[5m] offset -1h30m @ end()")), "foo[5m] @ end() offset -1h30m");
  EXPECT_EQ(ToString(*MustParse("foo[5m:] offset 1d @ -1.5")), "foo[5m:] @ -1.500 offset 1d");
  EXPECT_EQ(ToString(*MustParse("foo[90d:14d]")), "foo[90d:2w]");
}

TEST(PrinterTest, HandBuiltTree) {
  // sum without (b) (rate(x[1m] offset -30s)) / on () group_right (c) -y, wrapped by the engine.
  auto vs = std::make_unique<VectorSelector>();
  vs->name = "x";
  vs->matchers.push_back(labels::Matcher::Equal("__name__", "x"));
  vs->original_offset_ms = -30000;
  auto m = std::make_unique<MatrixSelector>();
  m->vector_selector = std::move(vs);
  m->range_ms = 60000;
  auto call = std::make_unique<Call>();
  call->func = GetFunction("rate");
  call->args.push_back(std::move(m));
  auto agg = std::make_unique<AggregateExpr>();
  agg->op = AggregateOp::kSum;
  agg->without = true;
  agg->grouping = {"b"};
  agg->expr = std::move(call);
  auto y = std::make_unique<VectorSelector>();
  y->name = "y";
  auto neg = std::make_unique<UnaryExpr>();
  neg->op = UnaryOp::kSub;
  neg->expr = std::move(y);
  auto bin = std::make_unique<BinaryExpr>();
  bin->op = BinaryOp::kDiv;
  bin->lhs = std::move(agg);
  bin->rhs = std::move(neg);
  bin->vector_matching = VectorMatching{VectorMatchCardinality::kOneToMany, {}, true, {"c"}};
  auto root = std::make_unique<StepInvariantExpr>();
  root->expr = std::move(bin);
  EXPECT_EQ(ToString(*root),
            "sum without (b) (rate(x[1m] offset -30s)) / on () group_right (c) -y");
  EXPECT_EQ(Pretty(*root), ToString(*root));
}

// Expected forms recorded from Prometheus 2.42's /api/v1/format_query.
TEST(PrinterTest, PrettySplitsLongNodes) {
  std::string m90(90, 'm');
  ExprPtr e = MustParse("sum by (job) (rate(" + m90 + "[5m])) > 1");
  EXPECT_EQ(Pretty(*e), "  sum by (job) (\n    rate(" + m90 + "[5m])\n  )\n>\n  1");
  e = MustParse("sum by (job) (rate(" + m90 + "xxxxx[5m])) > 1");
  EXPECT_EQ(Pretty(*e),
            "  sum by (job) (\n    rate(\n      " + m90 + "xxxxx[5m]\n    )\n  )\n>\n  1");
  // A subquery that fits on its line is not indented, as in Prometheus.
  std::string m85(85, 'm');
  e = MustParse("quantile_over_time(0.5, " + m85 + "[5m:1m])");
  EXPECT_EQ(Pretty(*e), "quantile_over_time(\n  0.5,\n" + m85 + "[5m:1m]\n)");
  e = MustParse("-(" + m90 + " + foooooooooo)");
  EXPECT_EQ(Pretty(*e), "-(\n    " + m90 + "\n  +\n    foooooooooo\n)");
  e = MustParse("-sum(" + m90 + "xxxxxxxx)");
  EXPECT_EQ(Pretty(*e), "-sum(\n  " + m90 + "xxxxxxxx\n)");
  e = MustParse("(" + m90 + " + foo)");  // exactly 100 bytes: one line
  EXPECT_EQ(Pretty(*e), ToString(*e));
}

TEST(PrinterTest, MatcherString) {
  EXPECT_EQ(MatcherString(labels::Matcher::Equal("a", "b\"c")), R"(a="b\"c")");
  EXPECT_EQ(MatcherString(labels::Matcher::NotEqual("a", "")), R"(a!="")");
  EXPECT_EQ(MatcherString(*labels::Matcher::Make(labels::MatchType::kRegexNoMatch, "a", "x\\d")),
            R"(a!~"x\\d")");
}

}  // namespace
}  // namespace strata::promql::parser
