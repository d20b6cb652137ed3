#include "labels/labels.h"

#include "gtest/gtest.h"

namespace strata::labels {
namespace {

TEST(LabelsTest, SortedIterationGetAndString) {
  Labels l{{"job", "api"}, {"__name__", "up"}, {"instance", "a:1"}};
  std::vector<std::string> names;
  for (const Label& x : l) names.emplace_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"__name__", "instance", "job"}));
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(l.Get("job"), "api");
  EXPECT_EQ(l.Get("nope"), "");
  EXPECT_TRUE(l.Has("instance"));
  EXPECT_EQ(l.ToString(), R"({__name__="up", instance="a:1", job="api"})");
}

TEST(LabelsTest, EmptyValuesAreDropped) {
  Labels l{{"a", ""}, {"b", "1"}};
  EXPECT_EQ(l.size(), 1u);
  EXPECT_FALSE(l.Has("a"));
}

TEST(LabelsTest, ToStringEscapesLikeGoQuote) {
  Labels l{{"a", "x\"y\\z\n"}};
  EXPECT_EQ(l.ToString(), R"({a="x\"y\\z\n"})");
}

TEST(LabelsTest, CompareFollowsPrometheusOrder) {
  Labels a{{"a", "1"}};
  Labels ab{{"a", "1"}, {"b", "1"}};
  Labels a2{{"a", "2"}};
  Labels b{{"b", "0"}};
  EXPECT_LT(Compare(a, ab), 0);  // a prefix sorts first
  EXPECT_LT(Compare(ab, a2), 0);
  EXPECT_LT(Compare(a2, b), 0);
  EXPECT_EQ(Compare(ab, Labels{{"b", "1"}, {"a", "1"}}), 0);
  EXPECT_EQ(ab, (Labels{{"b", "1"}, {"a", "1"}}));
}

TEST(LabelsTest, HashDiffersWhenBoundariesMove) {
  // Length prefixes keep {a="bc"} and {ab="c"} apart.
  EXPECT_NE((Labels{{"a", "bc"}}).Hash(), (Labels{{"ab", "c"}}).Hash());
  EXPECT_EQ((Labels{{"a", "b"}}).Hash(), (Labels{{"a", "b"}}).Hash());
}

TEST(LabelsTest, BuilderSetsAndDeletes) {
  Labels base{{"__name__", "m"}, {"job", "x"}};
  Labels out = Builder(base).Set("le", "0.5").Del("job").Set("__name__", "n").Build();
  EXPECT_EQ(out.ToString(), R"({__name__="n", le="0.5"})");
  EXPECT_EQ(base.WithoutMetricName().ToString(), R"({job="x"})");
}

TEST(LabelsTest, CopiesAreDeepAndMovesLeaveEmpty) {
  Labels a{{"job", "node"}, {"instance", "host-1:9100"}};
  const std::string encoded(a.data());
  Labels b = a;
  EXPECT_EQ(b, a);
  EXPECT_NE(b.data().data(), a.data().data());  // its own block
  Labels c = std::move(a);
  EXPECT_EQ(c.data(), encoded);
  b = Labels();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.data(), "");
  b = c;
  c = std::move(b);
  EXPECT_EQ(c.data(), encoded);
  const Labels& same = c;
  c = same;  // self-assignment keeps the value
  EXPECT_EQ(c.data(), encoded);
  EXPECT_EQ(c.bytes(), sizeof(Labels) + 4 + encoded.size());
  EXPECT_EQ(sizeof(Labels), sizeof(void*));
}

}  // namespace
}  // namespace strata::labels
