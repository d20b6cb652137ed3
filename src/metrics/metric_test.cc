#include "metrics/metric.h"

#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::metrics {
namespace {

using ::testing::ElementsAre;

TEST(CounterTest, AddsIntegersAndFractions) {
  Counter c;
  EXPECT_EQ(c.value(), 0);
  c.Inc();
  c.Add(2);
  c.Add(uint64_t{10});
  c.Add(0.25);
  c.Add(3.0);  // whole double: goes to the integer part
  EXPECT_EQ(c.value(), 16.25);
}

TEST(CounterTest, IgnoresDecreasesAndNaN) {
  Counter c;
  c.Add(5);
  c.Add(-1);
  c.Add(-0.5);
  c.Add(std::nan(""));
  EXPECT_EQ(c.value(), 5);
}

TEST(GaugeTest, SetAddSub) {
  Gauge g;
  g.Set(10);
  g.Add(2.5);
  g.Sub(0.5);
  g.Inc();
  g.Dec();
  g.Dec();
  EXPECT_EQ(g.value(), 11);
  g.Set(-3);
  EXPECT_EQ(g.value(), -3);
}

TEST(HistogramTest, BucketsAreUpperInclusive) {
  const std::vector<double> bounds = {1, 2, 5};
  Histogram h(bounds);
  for (double v : {0.5, 1.0, 1.5, 2.0, 5.0, 5.5, -3.0}) h.Observe(v);
  HistogramSnapshot s = h.Snapshot();
  EXPECT_THAT(s.upper_bounds, ElementsAre(1, 2, 5));
  EXPECT_THAT(s.cumulative_counts, ElementsAre(3, 5, 6));  // -3, .5, 1 | 1.5, 2 | 5
  EXPECT_EQ(s.count, 7u);
  EXPECT_EQ(s.sum, 12.5);
}

TEST(HistogramTest, NaNGoesToInfBucketOnly) {
  const std::vector<double> bounds = {1};
  Histogram h(bounds);
  h.Observe(std::nan(""));
  HistogramSnapshot s = h.Snapshot();
  EXPECT_THAT(s.cumulative_counts, ElementsAre(0));
  EXPECT_EQ(s.count, 1u);
  EXPECT_TRUE(std::isnan(s.sum));
}

TEST(HistogramTest, ManyBucketsUseBinarySearch) {
  const std::vector<double> bounds = LinearBuckets(1, 1, 100);  // 1..100
  Histogram h(bounds);
  for (int v = 0; v <= 101; v++) h.Observe(v);
  HistogramSnapshot s = h.Snapshot();
  for (size_t i = 0; i < bounds.size(); i++) {
    ASSERT_EQ(s.cumulative_counts[i], i + 2) << "le=" << bounds[i];  // 0..(i+1)
  }
  EXPECT_EQ(s.count, 102u);
}

TEST(HistogramTest, NoBucketsOnlyInf) {
  Histogram h(std::span<const double>{});
  h.Observe(3);
  HistogramSnapshot s = h.Snapshot();
  EXPECT_TRUE(s.cumulative_counts.empty());
  EXPECT_EQ(s.count, 1u);
  EXPECT_EQ(s.sum, 3);
}

TEST(BucketsTest, Helpers) {
  EXPECT_THAT(DefBuckets(), ElementsAre(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10));
  EXPECT_THAT(LinearBuckets(0.1, 0.1, 3), ElementsAre(0.1, 0.2, 0.1 + 0.1 + 0.1));
  EXPECT_THAT(ExponentialBuckets(1, 2, 4), ElementsAre(1, 2, 4, 8));
}

// Several threads update the same metrics; every update must be counted.
TEST(ConcurrencyTest, ConcurrentUpdatesSumExactly) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  Counter c;
  Gauge g;
  const std::vector<double> bounds = {0.5};
  Histogram h(bounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; i++) {
        c.Inc();
        c.Add(0.5);
        g.Add(1);
        h.Observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 1.5 * kThreads * kPerThread);  // all exactly representable
  EXPECT_EQ(g.value(), kThreads * kPerThread);
  HistogramSnapshot s = h.Snapshot();
  EXPECT_EQ(s.count, uint64_t{kThreads} * kPerThread);
  EXPECT_THAT(s.cumulative_counts, ElementsAre(uint64_t{kThreads} * kPerThread / 2));
  EXPECT_EQ(s.sum, 0.625 * kThreads * kPerThread);
}

}  // namespace
}  // namespace strata::metrics
