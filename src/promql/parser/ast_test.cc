#include "promql/parser/ast.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"

namespace strata::promql::parser {
namespace {

using ::testing::ElementsAre;

ExprPtr MustParse(std::string_view q) {
  absl::StatusOr<ExprPtr> e = ParseExpr(q);
  EXPECT_TRUE(e.ok()) << q << ": " << e.status();
  return e.ok() ? *std::move(e) : nullptr;
}

TEST(AstTest, Names) {
  EXPECT_EQ(ValueTypeName(ValueType::kMatrix), "matrix");
  EXPECT_EQ(DocumentedType(ValueType::kMatrix), "range vector");
  EXPECT_EQ(DocumentedType(ValueType::kVector), "instant vector");
  EXPECT_EQ(DocumentedType(ValueType::kScalar), "scalar");
  EXPECT_EQ(DocumentedType(ValueType::kString), "string");
  EXPECT_EQ(DocumentedType(ValueType::kNone), "none");
  EXPECT_EQ(BinaryOpString(BinaryOp::kUnless), "unless");
  EXPECT_EQ(BinaryOpString(BinaryOp::kEqlc), "==");
  EXPECT_EQ(AggregateOpString(AggregateOp::kCountValues), "count_values");
  EXPECT_EQ(CardinalityString(VectorMatchCardinality::kManyToOne), "many-to-one");
  EXPECT_TRUE(IsComparisonOperator(BinaryOp::kGte));
  EXPECT_FALSE(IsComparisonOperator(BinaryOp::kAdd));
  EXPECT_TRUE(IsSetOperator(BinaryOp::kOr));
  EXPECT_TRUE(AggregateOpHasParam(AggregateOp::kQuantile));
  EXPECT_FALSE(AggregateOpHasParam(AggregateOp::kSum));
}

TEST(AstTest, InspectVisitsDepthFirstWithPath) {
  ExprPtr e = MustParse("sum(rate(a[5m])) + b");
  std::vector<std::string> seen;
  Inspect(*e, [&](const Expr& n, const std::vector<const Expr*>& path) {
    seen.push_back(std::to_string(path.size()) + ":" + ToString(n));
    return true;
  });
  EXPECT_THAT(seen, ElementsAre("0:sum(rate(a[5m])) + b", "1:sum(rate(a[5m]))", "2:rate(a[5m])",
                                "3:a[5m]", "4:a", "1:b"));
  seen.clear();
  Inspect(*e, [&](const Expr& n, const std::vector<const Expr*>&) {
    seen.push_back(ToString(n));
    return !n.Is<AggregateExpr>();  // prune
  });
  EXPECT_THAT(seen, ElementsAre("sum(rate(a[5m])) + b", "sum(rate(a[5m]))", "b"));
}

TEST(AstTest, ChildrenOrder) {
  ExprPtr e = MustParse("topk(3, foo)");
  std::vector<const Expr*> c = Children(static_cast<const Expr&>(*e));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_TRUE(c[0]->Is<VectorSelector>());  // expr before param, as in Prometheus
  EXPECT_TRUE(c[1]->Is<NumberLiteral>());
  EXPECT_TRUE(Children(static_cast<const Expr&>(*MustParse("1"))).empty());
}

TEST(AstTest, ExtractSelectors) {
  ExprPtr e = MustParse(R"(a{x="1"} / on(y) max_over_time(b[5m:]) or c)");
  std::vector<std::vector<labels::Matcher>> s = ExtractSelectors(*e);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].size(), 2u);
  EXPECT_EQ(s[1].back().value(), "b");
  EXPECT_EQ(s[2].back().value(), "c");
}

TEST(AstTest, CloneIsDeepAndComplete) {
  for (const char* q :
       {"sum by (a) (rate(x{y=~\"z\"}[5m] offset 1m @ 100))",
        "-(1 + time()) * foo + on(a) group_left(b) bar @ start()",
        "count_values(\"v\", max_over_time(foo[1h:5m] offset -1d @ end())) unless bar",
        "label_join(x, \"a\", \",\", \"b\", \"c\")"}) {
    SCOPED_TRACE(q);
    ExprPtr e = MustParse(q);
    ASSERT_NE(e, nullptr);
    ExprPtr c = Clone(*e);
    EXPECT_EQ(ToString(*c), ToString(*e));
    EXPECT_EQ(c->position_range(), e->position_range());
    EXPECT_EQ(c->type(), e->type());
    e.reset();  // the clone owns its own nodes
    EXPECT_FALSE(ToString(*c).empty());
  }
  ExprPtr e = MustParse("foo");
  e->As<VectorSelector>().offset_ms = 42;  // runtime fields are copied too
  EXPECT_EQ(Clone(*e)->As<VectorSelector>().offset_ms, 42);
}

}  // namespace
}  // namespace strata::promql::parser
