#include "promql/functions.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/go_sort.h"
#include "promql/quantile.h"
#include "re2/re2.h"

namespace strata::promql::internal {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(GoParseFloatTest, AcceptsGoSyntax) {
  double v;
  ASSERT_TRUE(GoParseFloat("0.25", &v));
  EXPECT_EQ(v, 0.25);
  ASSERT_TRUE(GoParseFloat(".2", &v));
  EXPECT_EQ(v, 0.2);
  ASSERT_TRUE(GoParseFloat("1e0", &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(GoParseFloat("+Inf", &v));
  EXPECT_EQ(v, kInf);
  ASSERT_TRUE(GoParseFloat("-infinity", &v));
  EXPECT_EQ(v, -kInf);
  ASSERT_TRUE(GoParseFloat("NaN", &v));
  EXPECT_TRUE(std::isnan(v));
  ASSERT_TRUE(GoParseFloat("0x1p-2", &v));
  EXPECT_EQ(v, 0.25);
  ASSERT_TRUE(GoParseFloat("1e-400", &v));  // underflow is not an error
  EXPECT_EQ(v, 0);
}

TEST(GoParseFloatTest, RejectsOther) {
  double v;
  for (const char* s : {"", " 1", "1 ", "1x", "0x10", "+NaN", "infinit", "1e", "e5", ".", "1e400",
                        "--1", "1_000"}) {
    EXPECT_FALSE(GoParseFloat(s, &v)) << s;
  }
}

TEST(DateValueTest, Calendar) {
  // 2020-02-29T23:59:59Z, a Saturday in a leap year.
  EXPECT_EQ(DateValue(DatePart::kYear, 1583020799), 2020);
  EXPECT_EQ(DateValue(DatePart::kMonth, 1583020799), 2);
  EXPECT_EQ(DateValue(DatePart::kDayOfMonth, 1583020799), 29);
  EXPECT_EQ(DateValue(DatePart::kDayOfYear, 1583020799), 60);
  EXPECT_EQ(DateValue(DatePart::kDayOfWeek, 1583020799), 6);
  EXPECT_EQ(DateValue(DatePart::kDaysInMonth, 1583020799), 29);
  EXPECT_EQ(DateValue(DatePart::kHour, 1583020799), 23);
  EXPECT_EQ(DateValue(DatePart::kMinute, 1583020799), 59);
  // 1969-12-31T23:00:00Z, a Wednesday.
  EXPECT_EQ(DateValue(DatePart::kYear, -3600), 1969);
  EXPECT_EQ(DateValue(DatePart::kDayOfWeek, -3600), 3);
  EXPECT_EQ(DateValue(DatePart::kDayOfYear, -3600), 365);
  // 2100 is not a leap year; 2000 is.
  EXPECT_EQ(DateValue(DatePart::kDaysInMonth, 4105900800), 28);
  EXPECT_EQ(DateValue(DatePart::kDaysInMonth, 951782400), 29);
  // What Go computes for int64(NaN) (the minimum int64), wrapping around.
  EXPECT_EQ(DateValue(DatePart::kYear, GoFloatToInt64(kNaN)), 292277026596.0);
}

TEST(GoFloatToInt64Test, TruncatesOrSaturatesToMin) {
  EXPECT_EQ(GoFloatToInt64(1.9), 1);
  EXPECT_EQ(GoFloatToInt64(-1.9), -1);
  EXPECT_EQ(GoFloatToInt64(kNaN), INT64_MIN);
  EXPECT_EQ(GoFloatToInt64(1e19), INT64_MIN);
  EXPECT_EQ(GoFloatToInt64(-kInf), INT64_MIN);
}

TEST(GoMathTest, MaxMinFollowGo) {
  EXPECT_EQ(GoMax(kNaN, kInf), kInf);
  EXPECT_TRUE(std::isnan(GoMax(kNaN, 1)));
  EXPECT_FALSE(std::signbit(GoMax(-0.0, 0.0)));
  EXPECT_EQ(GoMin(kNaN, -kInf), -kInf);
  EXPECT_TRUE(std::isnan(GoMin(1, kNaN)));
  EXPECT_TRUE(std::signbit(GoMin(0.0, -0.0)));
  EXPECT_EQ(LookupMathFunction("log2")(8), 3);
  EXPECT_EQ(LookupMathFunction("sgn")(-3), -1);
  EXPECT_EQ(LookupMathFunction("nope"), nullptr);
}

std::string Expand(const std::string& re_str, const std::string& tmpl, const std::string& src) {
  re2::RE2 re("^(?:" + re_str + ")$");
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(n));
  if (!re.Match(src, 0, src.size(), re2::RE2::ANCHOR_BOTH, pieces.data(), n)) return "<nomatch>";
  std::vector<std::string_view> groups;
  for (const auto& p : pieces) groups.emplace_back(p.data(), p.size());
  std::string out;
  ExpandTemplate(re, tmpl, groups, &out);
  return out;
}

TEST(ExpandTemplateTest, AsGoRegexpExpand) {
  EXPECT_EQ(Expand("a(.)(.)", "$1-$2", "abc"), "b-c");
  EXPECT_EQ(Expand("a(.)(.)", "${1}x", "abc"), "bx");
  EXPECT_EQ(Expand("a(.)(.)", "$1x", "abc"), "");  // the group named "1x"
  EXPECT_EQ(Expand("a(?P<first>.)(.)", "[$first]", "abc"), "[b]");
  EXPECT_EQ(Expand("a(.)", "$$1 $", "ab"), "$1 $");
  EXPECT_EQ(Expand("a(.)", "${1", "ab"), "${1");  // unterminated: literal
  EXPECT_EQ(Expand("a(.)", "$9", "ab"), "");      // no such group
  EXPECT_EQ(Expand("a(.)", "$01", "ab"), "");     // leading zero: a name
  EXPECT_EQ(Expand("a(x)?b", "[$1]", "ab"), "[]");
}

TEST(QuantileTest, Interpolates) {
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_EQ(Quantile(0.5, &v), 2.5);
  EXPECT_EQ(Quantile(0, &v), 1);
  EXPECT_EQ(Quantile(1, &v), 4);
  EXPECT_EQ(Quantile(-1, &v), -kInf);
  EXPECT_EQ(Quantile(2, &v), kInf);
  std::vector<double> nan_first = {1, kNaN, 2};
  EXPECT_TRUE(std::isnan(Quantile(0, &nan_first)));
  EXPECT_EQ(Quantile(1, &nan_first), 2);
  std::vector<double> empty;
  EXPECT_TRUE(std::isnan(Quantile(0.5, &empty)));
}

TEST(BucketQuantileTest, ClassicHistogram) {
  std::vector<Bucket> b = {{kInf, 10}, {1, 5}, {0.5, 2}};
  EXPECT_EQ(BucketQuantile(0.5, &b), 1);
  b = {{kInf, 10}, {1, 5}, {0.5, 2}};
  EXPECT_DOUBLE_EQ(BucketQuantile(0.3, &b), 0.5 + 0.5 * (1.0 / 3.0));
  b = {{kInf, 10}, {1, 5}, {0.5, 2}};
  EXPECT_EQ(BucketQuantile(0.9, &b), 1);  // in +Inf: the highest finite bound
  // Non-monotonic counts are raised; equal bounds merge.
  b = {{1, 4}, {2, 3}, {2, 1}, {kInf, 8}};  // becomes 1:4, 2:4, +Inf:8
  EXPECT_EQ(BucketQuantile(0.5, &b), 1);
  b = {{1, 4}, {2, 8}};  // no +Inf bucket
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, &b)));
  b = {{kInf, 0}, {1, 0}};  // no observations
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, &b)));
}

TEST(GoSortTest, SmallSortsAreGoInsertionSorts) {
  // Prometheus's sort() comparator with two NaNs: Go's insertion sort reverses their order.
  struct E {
    int id;
    double v;
  };
  std::vector<E> v = {{0, kNaN}, {1, 2}, {2, kNaN}, {3, 1}};
  GoSort(
      &v, [](const E& a, const E& b) { return std::isnan(b.v) || b.v > a.v; },
      [](const E& a, const E& b) { return a.v < b.v; });
  std::vector<int> ids;
  for (const E& e : v) ids.push_back(e.id);
  EXPECT_THAT(ids, ::testing::ElementsAre(3, 1, 2, 0));
}

// Above 12 elements Go 1.19's pdqsort decides the order of equal values; the expectations are
// the orders Prometheus 2.42 (Debian, go1.19.8) returned for sort() and sort_desc() of these
// values, element i labelled i. Before this was reproduced, a stable sort ran instead and
// sort() of ties disagreed with Prometheus (tests/promql_differential_e2e_test.cc).
TEST(GoSortTest, LargeSortsArePdqsorts) {
  struct E {
    int id;
    double v;
  };
  auto order = [](const std::vector<double>& values, bool desc) {
    std::vector<E> v;
    for (size_t i = 0; i < values.size(); ++i) v.push_back({static_cast<int>(i), values[i]});
    GoSort(
        &v,
        [desc](const E& a, const E& b) {
          return std::isnan(b.v) || (desc ? b.v < a.v : b.v > a.v);
        },
        [](const E& a, const E& b) { return a.v < b.v; });
    std::vector<int> ids;
    for (const E& e : v) ids.push_back(e.id);
    return ids;
  };
  EXPECT_THAT(
      order({2, 1, 2, 0, 1, 2, 2, 1, 0, 2, 1, 1, 2, 0, 2, 1, 2, 2, 0, 1}, false),
      ::testing::ElementsAre(8, 18, 13, 3, 15, 11, 19, 7, 4, 1, 10, 5, 12, 2, 14, 0, 16, 17, 9, 6));
  // Thirty ties first: an unbalanced partition, so the xorshift pattern breaking runs.
  std::vector<double> ties(30, 1);
  ties.insert(ties.end(), {0, 0, 0, 2, 2, 2});
  EXPECT_THAT(
      order(ties, false),
      ::testing::ElementsAre(30, 32, 31, 18, 10, 5, 19, 7, 8, 9, 20, 11, 12, 13, 14, 15, 21, 17, 0,
                             6, 4, 16, 22, 23, 24, 25, 26, 27, 28, 29, 3, 2, 1, 33, 34, 35));
  // Tukey's ninther (50 elements and more), sort_desc.
  EXPECT_THAT(
      order({3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3,
             2, 7, 9, 5, 0, 2, 8, 8, 4, 1, 9, 7, 1, 6, 9, 3, 9, 9, 3, 7, 5, 1, 0, 5, 8, 2, 0, 9},
            true),
      ::testing::ElementsAre(12, 55, 38, 30, 45, 5, 44, 42, 14, 18, 11, 35, 26, 52, 34, 13, 47, 29,
                             39, 41, 22, 20, 7, 8, 31, 10, 51, 48, 4, 23, 19, 2, 36, 9, 43, 24, 25,
                             46, 27, 17, 15, 0, 6, 33, 53, 16, 28, 21, 37, 49, 3, 40, 1, 50, 32,
                             54));
}

TEST(GoHeapTest, KeepsTheSmallestOnTop) {
  std::vector<int> h;
  auto less = [](int a, int b) { return a < b; };
  for (int x : {5, 3, 8, 1, 9}) GoHeapPush(&h, x, less);
  EXPECT_EQ(h[0], 1);
  GoHeapPop(&h, less);
  EXPECT_EQ(h[0], 3);
  EXPECT_EQ(h.size(), 4u);
}

TEST(RangeFunctionTest, RateExtrapolation) {
  RangeFn rate = LookupRangeFunction("rate");
  ASSERT_NE(rate, nullptr);
  // Samples every 10s from 10s to 50s in a [0, 60s] window: extrapolated by 10s at each end
  // (both within 1.1 intervals), and not below zero (the counter would be 0 at 0s).
  std::vector<Point> p = {{10000, 10}, {20000, 20}, {30000, 30}, {40000, 40}, {50000, 50}};
  RangeArgs a{60000, 60000, 0, {0, 0}};
  std::string err;
  double v;
  ASSERT_TRUE(rate(p, a, &v, &err));
  EXPECT_DOUBLE_EQ(v, 60.0 / 60);
  a.decreases = 0;  // the fast path for windows without resets gives the same
  double fast;
  ASSERT_TRUE(rate(p, a, &fast, &err));
  EXPECT_EQ(fast, v);
  // A reset adds the value before it: 60 over 40s; the start is extrapolated only to where
  // the counter would have been zero (40s * 10 / 60 before the first sample).
  p[2].v = 5;
  a.decreases = 1;
  ASSERT_TRUE(LookupRangeFunction("increase")(p, a, &v, &err));
  EXPECT_NEAR(v, 60 * (40 + 40.0 / 6 + 10) / 40, 1e-12);
  EXPECT_FALSE(rate(std::vector<Point>{{1, 1}}, a, &v, &err));  // one sample: nothing
}

TEST(RangeFunctionTest, HoltWintersValidatesFactors) {
  RangeFn hw = LookupRangeFunction("holt_winters");
  std::vector<Point> p = {{0, 1}, {1, 2}};
  RangeArgs a{0, 1, 0, {1.5, 0.5}};
  std::string err;
  double v;
  EXPECT_FALSE(hw(p, a, &v, &err));
  EXPECT_EQ(err, "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.500000");
}

}  // namespace
}  // namespace strata::promql::internal
