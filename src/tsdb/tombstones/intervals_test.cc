#include "tsdb/tombstones/intervals.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::tsdb::tombstones {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct AddCase {
  std::string name;
  std::vector<Interval> existing;  // added one by one to an empty list first
  Interval add;
  std::vector<Interval> want;
};

TEST(IntervalsTest, AddMergesOverlappingAndAdjacent) {
  const std::vector<AddCase> cases = {
      {"into empty", {}, {1, 2}, {{1, 2}}},
      {"adjacent after", {{1, 2}}, {3, 4}, {{1, 4}}},
      {"adjacent before", {{4, 5}}, {1, 3}, {{1, 5}}},
      {"gap after", {{1, 2}}, {4, 5}, {{1, 2}, {4, 5}}},
      {"gap before", {{4, 5}}, {1, 2}, {{1, 2}, {4, 5}}},
      {"contained", {{1, 10}}, {3, 5}, {{1, 10}}},
      {"covers all", {{10, 20}, {30, 40}}, {0, 100}, {{0, 100}}},
      {"bridges three", {{1, 2}, {4, 5}, {7, 8}}, {3, 6}, {{1, 8}}},
      {"fills single gap", {{1, 2}, {4, 6}}, {3, 3}, {{1, 6}}},
      {"middle, no touch", {{1, 2}, {10, 20}}, {5, 6}, {{1, 2}, {5, 6}, {10, 20}}},
      {"extends last", {{1, 2}, {10, 20}}, {15, 30}, {{1, 2}, {10, 30}}},
      {"extends first left", {{1, 2}, {10, 20}}, {-5, 1}, {{-5, 2}, {10, 20}}},
      {"same", {{3, 7}}, {3, 7}, {{3, 7}}},
      {"single points merge", {{5, 5}}, {6, 6}, {{5, 6}}},
      {"negative times", {{-10, -5}}, {-4, -1}, {{-10, -1}}},
      {"empty interval ignored", {{1, 2}}, {9, 8}, {{1, 2}}},
      {"extremes join", {{0, kMax}}, {kMin, -1}, {{kMin, kMax}}},
      {"max stays apart", {{kMin, 5}}, {7, kMax}, {{kMin, 5}, {7, kMax}}},
      {"max touches", {{kMax, kMax}}, {kMax - 1, kMax - 1}, {{kMax - 1, kMax}}},
      {"unsorted existing", {{20, 30}, {1, 2}, {10, 12}}, {13, 19}, {{1, 2}, {10, 30}}},
  };
  for (const AddCase& c : cases) {
    SCOPED_TRACE(c.name);
    Intervals list;
    for (const Interval& itv : c.existing) list.Add(itv);
    list.Add(c.add);
    EXPECT_THAT(std::vector<Interval>(list.begin(), list.end()),
                ::testing::ElementsAreArray(c.want));
  }
}

// Random additions over a small range agree with a bitmap of covered timestamps, and the list
// stays canonical (sorted, disjoint, not adjacent).
TEST(IntervalsTest, RandomAddsMatchBitmap) {
  std::mt19937 rng(42);
  for (int round = 0; round < 300; round++) {
    SCOPED_TRACE(round);
    constexpr int kRange = 64;
    std::vector<bool> covered(kRange, false);
    Intervals list;
    const int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; i++) {
      int64_t a = rng() % kRange, b = rng() % kRange;
      if (a > b) std::swap(a, b);
      if (rng() % 4 == 0) b = a + rng() % 3;  // many short ones to exercise adjacency
      b = std::min<int64_t>(b, kRange - 1);
      list.Add({a, b});
      for (int64_t t = a; t <= b; t++) covered[t] = true;
    }
    for (int64_t t = 0; t < kRange; t++) ASSERT_EQ(list.Contains(t), covered[t]) << "t=" << t;
    ASSERT_FALSE(list.Contains(-1));
    ASSERT_FALSE(list.Contains(kRange));
    for (size_t i = 0; i < list.size(); i++) {
      ASSERT_LE(list[i].mint, list[i].maxt);
      if (i > 0) {
        ASSERT_GT(list[i].mint, list[i - 1].maxt + 1) << list;
      }
    }
  }
}

TEST(IntervalsTest, InitializerListAdds) {
  Intervals list{{10, 12}, {1, 3}, {4, 5}};
  EXPECT_EQ(list, (Intervals{{1, 5}, {10, 12}}));
  EXPECT_EQ(list.size(), 2u);
}

TEST(IntervalsTest, ContainsIsClosed) {
  Intervals list{{1, 3}, {10, 10}};
  EXPECT_FALSE(list.Contains(0));
  EXPECT_TRUE(list.Contains(1));
  EXPECT_TRUE(list.Contains(3));
  EXPECT_FALSE(list.Contains(4));
  EXPECT_FALSE(list.Contains(9));
  EXPECT_TRUE(list.Contains(10));
  EXPECT_FALSE(list.Contains(11));
  EXPECT_FALSE(Intervals().Contains(0));
  EXPECT_TRUE((Intervals{{kMin, kMax}}).Contains(kMax));
  EXPECT_TRUE((Intervals{{kMin, kMax}}).Contains(kMin));

  Interval itv{5, 7};
  EXPECT_FALSE(itv.Contains(4));
  EXPECT_TRUE(itv.Contains(5));
  EXPECT_TRUE(itv.Contains(7));
  EXPECT_FALSE(itv.Contains(8));
}

TEST(IntervalsTest, IsSubrange) {
  Intervals ranges{{1, 5}, {10, 20}};
  EXPECT_TRUE((Interval{1, 5}).IsSubrange(ranges));
  EXPECT_TRUE((Interval{2, 3}).IsSubrange(ranges));
  EXPECT_TRUE((Interval{20, 20}).IsSubrange(ranges));
  EXPECT_FALSE((Interval{4, 6}).IsSubrange(ranges));
  EXPECT_FALSE((Interval{5, 10}).IsSubrange(ranges));  // spans a gap
  EXPECT_FALSE((Interval{0, 1}).IsSubrange(ranges));
  EXPECT_FALSE((Interval{1, 2}).IsSubrange(Intervals()));
}

}  // namespace
}  // namespace strata::tsdb::tombstones
