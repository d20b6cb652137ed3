#include "metrics/family.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace strata::metrics {
namespace {

std::string Text(const FamilyBase& f) {
  std::string out;
  f.AppendText(&out);
  return out;
}

TEST(LabelOrderTest, SortsNames) {
  LabelOrder o({"user", "reason", "b"});
  EXPECT_EQ(o.sorted(), (std::vector<std::string>{"b", "reason", "user"}));
  EXPECT_EQ(o.declared_index(0), 2u);
  EXPECT_EQ(o.SortedIndexOf("user"), 2);
  EXPECT_EQ(o.SortedIndexOf("nope"), -1);
  std::vector<std::string_view> values = {"u1", "r1", "b1"};
  EXPECT_EQ(o.ToSorted(values), (std::vector<std::string>{"b1", "r1", "u1"}));
}

TEST(FamilyTest, WithLabelsReturnsTheSameChild) {
  CounterFamily f("x_total", "X.", {"user", "reason"});
  Counter& a = f.WithLabels({"u1", "r1"});
  Counter& b = f.WithLabels({"u1", "r2"});
  EXPECT_NE(&a, &b);
  for (int i = 0; i < 100; i++) f.WithLabels({"u" + std::to_string(i), "r"}).Inc();
  EXPECT_EQ(&f.WithLabels({"u1", "r1"}), &a);  // stable across rehashing
  std::string u1 = "u1";
  std::vector<std::string_view> dynamic = {u1, "r1"};
  EXPECT_EQ(&f.WithLabels(dynamic), &a);
  EXPECT_EQ(f.size(), 102u);
}

TEST(FamilyTest, KeysDoNotCollideAcrossValueBoundaries) {
  GaugeFamily f("g", "G.", {"a", "b"});
  f.WithLabels({"ab", ""}).Set(1);
  f.WithLabels({"a", "b"}).Set(2);
  f.WithLabels({"", "ab"}).Set(3);
  EXPECT_EQ(f.size(), 3u);
  EXPECT_EQ(f.WithLabels({"a", "b"}).value(), 2);
}

TEST(FamilyTest, ExpositionSortsLabelsByNameAndSeriesByValues) {
  CounterFamily f("cortex_discarded_samples_total", "Discarded.", {"user", "reason"});
  f.WithLabels({"user-2", "too_old"}).Add(3);
  f.WithLabels({"user-1", "too_old"}).Add(1);
  f.WithLabels({"user-1", "bad\"label\\\n"}).Add(2);
  f.WithLabels({"user-10", "a"}).Add(0.5);
  EXPECT_EQ(Text(f),
            "# HELP cortex_discarded_samples_total Discarded.\n"
            "# TYPE cortex_discarded_samples_total counter\n"
            "cortex_discarded_samples_total{reason=\"a\",user=\"user-10\"} 0.5\n"
            "cortex_discarded_samples_total{reason=\"bad\\\"label\\\\\\n\",user=\"user-1\"} 2\n"
            "cortex_discarded_samples_total{reason=\"too_old\",user=\"user-1\"} 1\n"
            "cortex_discarded_samples_total{reason=\"too_old\",user=\"user-2\"} 3\n");
}

TEST(FamilyTest, EmptyFamilyWritesNothing) {
  GaugeFamily f("g", "G.", {"a"});
  EXPECT_EQ(Text(f), "");
  f.WithLabels({"x"});
  EXPECT_EQ(Text(f), "# HELP g G.\n# TYPE g gauge\ng{a=\"x\"} 0\n");
  EXPECT_TRUE(f.Remove({"x"}));
  EXPECT_EQ(Text(f), "");
}

TEST(FamilyTest, HistogramChildrenShareBuckets) {
  HistogramFamily f("req_seconds", "Latency.", {"op"}, {0.1, 1});
  f.WithLabels({"write"}).Observe(0.05);
  f.WithLabels({"write"}).Observe(3);
  f.WithLabels({"read"}).Observe(0.5);
  EXPECT_EQ(Text(f),
            "# HELP req_seconds Latency.\n"
            "# TYPE req_seconds histogram\n"
            "req_seconds_bucket{op=\"read\",le=\"0.1\"} 0\n"
            "req_seconds_bucket{op=\"read\",le=\"1\"} 1\n"
            "req_seconds_bucket{op=\"read\",le=\"+Inf\"} 1\n"
            "req_seconds_sum{op=\"read\"} 0.5\n"
            "req_seconds_count{op=\"read\"} 1\n"
            "req_seconds_bucket{op=\"write\",le=\"0.1\"} 1\n"
            "req_seconds_bucket{op=\"write\",le=\"1\"} 1\n"
            "req_seconds_bucket{op=\"write\",le=\"+Inf\"} 2\n"
            "req_seconds_sum{op=\"write\"} 3.05\n"
            "req_seconds_count{op=\"write\"} 2\n");
}

TEST(FamilyTest, RemoveDropsOnlyThatChild) {
  CounterFamily f("x_total", "X.", {"user"});
  f.WithLabels({"a"}).Add(5);
  f.WithLabels({"b"}).Add(7);
  EXPECT_TRUE(f.Remove({"a"}));
  EXPECT_FALSE(f.Remove({"a"}));
  EXPECT_FALSE(f.Remove({"a", "extra"}));  // wrong arity: nothing to remove
  EXPECT_EQ(Text(f), "# HELP x_total X.\n# TYPE x_total counter\nx_total{user=\"b\"} 7\n");
  EXPECT_EQ(f.WithLabels({"a"}).value(), 0);  // a new child starts over
}

TEST(FamilyTest, RemovePartialMatchDropsATenantsSeries) {
  CounterFamily f("x_total", "X.", {"user", "reason"});
  f.WithLabels({"u1", "r1"}).Inc();
  f.WithLabels({"u1", "r2"}).Inc();
  f.WithLabels({"u2", "r1"}).Inc();
  EXPECT_EQ(f.RemovePartialMatch({{"user", "u1"}}), 2u);
  EXPECT_EQ(f.RemovePartialMatch({{"nope", "u2"}}), 0u);
  EXPECT_EQ(f.RemovePartialMatch({{"user", "u2"}, {"reason", "r2"}}), 0u);
  EXPECT_EQ(Text(f),
            "# HELP x_total X.\n# TYPE x_total counter\nx_total{reason=\"r1\",user=\"u2\"} 1\n");
  EXPECT_EQ(f.RemovePartialMatch({}), 1u);
  EXPECT_EQ(f.size(), 0u);
}

// Threads create and increment children concurrently (the first WithLabels of a value races
// with others); the sums must be exact and each value must map to one child.
TEST(FamilyTest, ConcurrentWithLabelsAndIncrements) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 20000;
  CounterFamily f("x_total", "X.", {"user"});
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&f, t] {
      for (int i = 0; i < kRounds; i++) f.WithLabels({std::to_string(i % 10)}).Inc();
      if (t == 0) {
        std::string out;
        f.AppendText(&out);  // a scrape in the middle must not disturb the counts
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.size(), 10u);
  for (int v = 0; v < 10; v++) {
    EXPECT_EQ(f.WithLabels({std::to_string(v)}).value(), kThreads * kRounds / 10);
  }
}

}  // namespace
}  // namespace strata::metrics
