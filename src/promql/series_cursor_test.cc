#include "promql/series_cursor.h"

#include <bit>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/eval_util.h"
#include "promql/memory_storage.h"
#include "promql/parser/parser.h"
#include "storage/list_series.h"

namespace strata::promql::internal {
namespace {

using ::testing::ElementsAre;

const double kStale = std::bit_cast<double>(parser::kStaleNaNBits);

std::unique_ptr<storage::SeriesIterator> Iter(const std::vector<storage::Sample>* s) {
  return std::make_unique<storage::ListSeriesIterator>(s);
}

std::vector<int64_t> Times(std::span<const Point> w) {
  std::vector<int64_t> out;
  for (const Point& p : w) out.push_back(p.t);
  return out;
}

TEST(LookbackCursorTest, LatestSampleWithinLookback) {
  std::vector<storage::Sample> s = {{10, 1}, {20, 2}, {30, kStale}, {40, 4}};
  LookbackCursor c(Iter(&s), 5, Bounds{});
  Point p;
  EXPECT_FALSE(c.At(9, &p));
  ASSERT_TRUE(c.At(12, &p));
  EXPECT_EQ(p.t, 10);
  EXPECT_TRUE(c.At(15, &p));   // exactly lookback old
  EXPECT_FALSE(c.At(16, &p));  // older
  ASSERT_TRUE(c.At(20, &p));
  EXPECT_EQ(p.v, 2);
  EXPECT_FALSE(c.At(30, &p));  // a stale marker hides the series at once
  EXPECT_FALSE(c.At(39, &p));
  ASSERT_TRUE(c.At(1000 - 1000 + 41, &p));
  EXPECT_EQ(p.v, 4);
}

TEST(LookbackCursorTest, IgnoresSamplesOutsideBounds) {
  std::vector<storage::Sample> s = {{10, 1}, {20, 2}, {30, 3}};
  LookbackCursor c(Iter(&s), 100, Bounds{15, 25});
  Point p;
  EXPECT_FALSE(c.At(12, &p));  // 10 is before the bounds
  ASSERT_TRUE(c.At(35, &p));
  EXPECT_EQ(p.t, 20);  // 30 is after them
}

TEST(WindowCursorTest, SlidesAndCountsDecreases) {
  std::vector<storage::Sample> s = {{0, 5}, {10, 3}, {20, kStale}, {30, 4}, {40, 1}, {50, 2}};
  WindowCursor c(Iter(&s), Bounds{});
  int64_t dropped, added;
  EXPECT_THAT(Times(c.Window(0, 20, &dropped, &added)), ElementsAre(0, 10));
  EXPECT_EQ(added, 2);
  EXPECT_EQ(c.decreases(), 1);  // 5 -> 3
  EXPECT_THAT(Times(c.Window(10, 40, &dropped, &added)), ElementsAre(10, 30, 40));
  EXPECT_EQ(dropped, 1);
  EXPECT_EQ(added, 2);
  EXPECT_EQ(c.decreases(), 1);  // 4 -> 1
  EXPECT_THAT(Times(c.Window(45, 50, &dropped, &added)), ElementsAre(50));
  EXPECT_EQ(c.decreases(), 0);
  EXPECT_TRUE(c.Window(100, 200, &dropped, &added).empty());
  EXPECT_EQ(dropped, 1);
}

TEST(WindowCursorTest, BoundsAndSeekingPastGaps) {
  std::vector<storage::Sample> s;
  for (int64_t t = 0; t < 1000; t += 10) s.push_back({t, static_cast<double>(t)});
  WindowCursor c(Iter(&s), Bounds{100, 500});
  int64_t dropped, added;
  EXPECT_THAT(Times(c.Window(80, 120, &dropped, &added)), ElementsAre(100, 110, 120));
  EXPECT_THAT(Times(c.Window(480, 530, &dropped, &added)), ElementsAre(480, 490, 500));
  EXPECT_EQ(dropped, 3);
}

TEST(MergeSameLabelsTest, MergesDisjointAndRejectsOverlaps) {
  labels::Labels a{{"a", "1"}}, b{{"b", "1"}};
  Matrix m = {Series{a, {{1, 1}, {3, 3}}}, Series{b, {}}, Series{a, {{2, 2}}}};
  absl::StatusOr<Matrix> r = MergeSameLabels(std::move(m));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].points.size(), 3u);
  EXPECT_EQ((*r)[0].points[1].t, 2);

  m = {Series{a, {{1, 1}}}, Series{a, {{1, 2}}}};
  r = MergeSameLabels(std::move(m));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset");
}

TEST(SignatureTest, OnAndIgnoring) {
  labels::Labels l{{"__name__", "m"}, {"a", "1"}, {"b", "2"}, {"c", "3"}};
  std::string on, ignoring, expected;
  SignatureOf(l, {"a", "c"}, true, &on);
  labels::Labels::EncodeSorted(std::vector<labels::Label>{{"a", "1"}, {"c", "3"}}, &expected);
  EXPECT_EQ(on, expected);
  SignatureOf(l, {"a"}, false, &ignoring);  // never the name
  labels::Labels::EncodeSorted(std::vector<labels::Label>{{"b", "2"}, {"c", "3"}}, &expected);
  EXPECT_EQ(ignoring, expected);
}

TEST(MemoryStorageTest, AppendRulesAndClipping) {
  MemoryStorage s;
  labels::Labels l{{"__name__", "m"}};
  ASSERT_TRUE(s.Append(l, 10, 1).ok());
  EXPECT_TRUE(s.Append(l, 10, 1).ok());  // exact duplicate
  EXPECT_EQ(s.Append(l, 10, 2).message(), "duplicate sample for timestamp");
  EXPECT_EQ(s.Append(l, 5, 2).message(), "out of order sample");
  ASSERT_TRUE(s.Append(l, 20, 2).ok());
  ASSERT_TRUE(s.Append(l, 30, 3).ok());
  auto q = s.Querier(15, 100);
  auto set =
      q->Select(false, storage::SelectHints{0, 25}, {labels::Matcher::Equal("__name__", "m")});
  absl::StatusOr<std::vector<std::pair<labels::Labels, std::vector<storage::Sample>>>> all =
      storage::ExpandSeriesSet(*set);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_THAT((*all)[0].second, ElementsAre(storage::Sample{20, 2}));
  auto names = q->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("__name__"));
}

}  // namespace
}  // namespace strata::promql::internal
