#include "storage/merge.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/list_series.h"

namespace strata::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

std::unique_ptr<SeriesSet> Set(
    std::vector<std::pair<labels::Labels, std::vector<Sample>>> series) {
  std::vector<std::unique_ptr<Series>> out;
  for (auto& [l, s] : series) out.push_back(std::make_unique<ListSeries>(l, s));
  return std::make_unique<ListSeriesSet>(std::move(out));
}

TEST(MergeTest, MergesSortedSetsAndDeduplicatesTimestamps) {
  labels::Labels a{{"__name__", "a"}}, b{{"__name__", "b"}}, c{{"__name__", "c"}};
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(Set({{a, {{1, 1}, {3, 3}}}, {c, {{1, 10}}}}));
  sets.push_back(Set({{a, {{2, 2}, {3, 99}, {4, 4}}}, {b, {{5, 5}}}}));
  sets.push_back(Set({}));
  auto merged = MergeSeriesSets(std::move(sets));
  auto got = ExpandSeriesSet(*merged);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre(
                        // t=3 is in both inputs: the first input's value wins.
                        Pair(a, ElementsAre(Sample{1, 1}, Sample{2, 2}, Sample{3, 3}, Sample{4, 4})),
                        Pair(b, ElementsAre(Sample{5, 5})), Pair(c, ElementsAre(Sample{1, 10}))));
}

TEST(MergeTest, SeekOnMergedIterator) {
  std::vector<Sample> x{{1, 1}, {5, 5}, {9, 9}}, y{{2, 2}, {5, 50}, {7, 7}};
  std::vector<std::unique_ptr<SeriesIterator>> its;
  its.push_back(std::make_unique<ListSeriesIterator>(&x));
  its.push_back(std::make_unique<ListSeriesIterator>(&y));
  auto it = MergeIterators(std::move(its));
  ASSERT_TRUE(it->Seek(3));
  EXPECT_EQ(it->At(), (Sample{5, 5}));
  ASSERT_TRUE(it->Seek(4));  // already there: does not move
  EXPECT_EQ(it->At(), (Sample{5, 5}));
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At(), (Sample{7, 7}));
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At(), (Sample{9, 9}));
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(it->Seek(100));
}

TEST(MergeTest, ErrorOfAnInputEndsTheMerge) {
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(Set({{labels::Labels{{"a", "1"}}, {{1, 1}}}}));
  sets.push_back(ErrorSeriesSet(absl::DataLossError("bad chunk")));
  auto merged = MergeSeriesSets(std::move(sets));
  while (merged->Next()) {
  }
  EXPECT_TRUE(absl::IsDataLoss(merged->status()));
}

}  // namespace
}  // namespace strata::storage
