#include "metrics/registry.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RegistryTest, ExpositionOfEveryKind) {
  Registry r;
  Counter* requests = r.NewCounter("strata_requests_total", "Requests.").value();
  Gauge* tenants = r.NewGauge("strata_tenants", "Open tenants.").value();
  Histogram* lat = r.NewHistogram("strata_latency_seconds", "Latency.", {0.25, 1}).value();
  GaugeFamily* series = r.NewGaugeFamily("strata_series", "Series.", {"user"}).value();
  ASSERT_TRUE(r.NewGaugeFunc("strata_func", "Computed.", [] { return 2.5; }).ok());
  ASSERT_TRUE(r.NewCounterFunc("strata_func_total", "Computed too.", [] { return 7.0; }).ok());
  requests->Add(1234567);
  tenants->Set(-0.0);
  lat->Observe(0.1);
  lat->Observe(0.7);
  lat->Observe(std::numeric_limits<double>::infinity());
  series->WithLabels({"b"}).Set(std::nan(""));
  series->WithLabels({"a"}).Set(1e-7);
  EXPECT_EQ(r.TextExposition(),
            "# HELP strata_func Computed.\n"
            "# TYPE strata_func gauge\n"
            "strata_func 2.5\n"
            "# HELP strata_func_total Computed too.\n"
            "# TYPE strata_func_total counter\n"
            "strata_func_total 7\n"
            "# HELP strata_latency_seconds Latency.\n"
            "# TYPE strata_latency_seconds histogram\n"
            "strata_latency_seconds_bucket{le=\"0.25\"} 1\n"
            "strata_latency_seconds_bucket{le=\"1\"} 2\n"
            "strata_latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "strata_latency_seconds_sum +Inf\n"
            "strata_latency_seconds_count 3\n"
            "# HELP strata_requests_total Requests.\n"
            "# TYPE strata_requests_total counter\n"
            "strata_requests_total 1.234567e+06\n"
            "# HELP strata_series Series.\n"
            "# TYPE strata_series gauge\n"
            "strata_series{user=\"a\"} 1e-07\n"
            "strata_series{user=\"b\"} NaN\n"
            "# HELP strata_tenants Open tenants.\n"
            "# TYPE strata_tenants gauge\n"
            "strata_tenants 0\n");
}

TEST(RegistryTest, DuplicateNamesAreAlreadyExists) {
  Registry r;
  ASSERT_TRUE(r.NewCounter("a_total", "A.").ok());
  absl::Status s = r.NewGauge("a_total", "Again.").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr("a_total"));
  EXPECT_EQ(r.NewGaugeFunc("a_total", "F.", [] { return 1.0; }).code(),
            absl::StatusCode::kAlreadyExists);
  // A histogram's line names clash both ways.
  ASSERT_TRUE(r.NewHistogram("h", "H.", {1}).ok());
  EXPECT_EQ(r.NewGauge("h_count", "C.").status().code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(r.NewGauge("g_sum", "S.").ok());
  EXPECT_EQ(r.NewHistogram("g", "G.", {1}).status().code(), absl::StatusCode::kAlreadyExists);
  // Two families of one collector may not clash either; nothing is registered then.
  EXPECT_EQ(
      r.NewCollector({{"c1", "C.", MetricType::kGauge, {}}, {"c1", "C.", MetricType::kGauge, {}}},
                     [](CollectSink&) {})
          .code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(r.Unregister("c1").code(), absl::StatusCode::kNotFound);
}

TEST(RegistryTest, InvalidNamesAreInvalidArgument) {
  Registry r;
  auto code = [](const absl::Status& s) { return s.code(); };
  EXPECT_EQ(code(r.NewCounter("", "X.").status()), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewCounter("1abc", "X.").status()), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewGauge("a-b", "X.").status()), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewGaugeFamily("g", "X.", {"bad-label"}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewGaugeFamily("g", "X.", {"a:b"}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewGaugeFamily("g", "X.", {"__reserved"}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewGaugeFamily("g", "X.", {"user", "user"}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewHistogramFamily("h", "X.", {"le"}, {1}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewHistogram("h", "X.", {2, 1}).status()), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewHistogram("h", "X.", {1, 1}).status()), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewHistogram("h", "X.", {std::nan("")}).status()),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewCollector(
                {{"ok", "X.", MetricType::kGauge, {}}, {"not ok", "X.", MetricType::kGauge, {}}},
                [](CollectSink&) {})),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(r.NewCollector({}, [](CollectSink&) {})), absl::StatusCode::kInvalidArgument);
  // "le" is fine outside histograms; the failed registrations took no names.
  EXPECT_TRUE(r.NewGaugeFamily("g", "X.", {"le"}).ok());
  EXPECT_TRUE(r.NewGauge("ok", "X.").ok());
  EXPECT_TRUE(r.NewHistogram("h", "X.", {1, 2, std::numeric_limits<double>::infinity()}).ok());
  EXPECT_THAT(
      r.TextExposition(),
      HasSubstr("h_bucket{le=\"1\"} 0\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum"));
}

TEST(RegistryTest, CollectorWritesSeveralSortedFamilies) {
  Registry r;
  std::vector<std::pair<std::string, double>> users = {{"user-2", 20}, {"user-1", 10}};
  int calls = 0;
  ASSERT_TRUE(
      r.NewCollector(
           {{"zz_memory_series", "Series per user.", MetricType::kGauge, {"user"}},
            {"aa_lat_seconds", "Merged.", MetricType::kHistogram, {"user", "op"}},
            {"mm_never", "Nothing.", MetricType::kCounter, {}}},
           [&](CollectSink& sink) {
             calls++;
             for (const auto& [u, v] : users) sink.Add(0, {u}, v);
             sink.Add(0, {"user-1"}, 99);          // duplicate: the first wins
             sink.Add(0, {"user-1", "extra"}, 1);  // wrong arity: dropped
             sink.Add(1, {"user-1", "push"}, 1);   // a gauge value for a histogram
             sink.Add(7, {}, 1);                   // no such family
             sink.AddHistogram(
                 1, {"user-1", "push"},
                 {.upper_bounds = {1}, .cumulative_counts = {2}, .count = 3, .sum = 4.5});
             sink.AddHistogram(
                 1, {"user-2", "push"},  // malformed: not cumulative
                 {.upper_bounds = {1, 2}, .cumulative_counts = {2, 1}, .count = 3, .sum = 1});
           })
          .ok());
  EXPECT_EQ(r.TextExposition(),
            "# HELP aa_lat_seconds Merged.\n"
            "# TYPE aa_lat_seconds histogram\n"
            "aa_lat_seconds_bucket{op=\"push\",user=\"user-1\",le=\"1\"} 2\n"
            "aa_lat_seconds_bucket{op=\"push\",user=\"user-1\",le=\"+Inf\"} 3\n"
            "aa_lat_seconds_sum{op=\"push\",user=\"user-1\"} 4.5\n"
            "aa_lat_seconds_count{op=\"push\",user=\"user-1\"} 3\n"
            "# HELP zz_memory_series Series per user.\n"
            "# TYPE zz_memory_series gauge\n"
            "zz_memory_series{user=\"user-1\"} 10\n"
            "zz_memory_series{user=\"user-2\"} 20\n");
  EXPECT_EQ(calls, 1);
  users.pop_back();
  EXPECT_THAT(r.TextExposition(), Not(HasSubstr("user-1\"} 10")));
  EXPECT_EQ(calls, 2);
}

TEST(RegistryTest, UnregisterFreesEveryNameOfARegistration) {
  Registry r;
  ASSERT_TRUE(r.NewHistogram("h", "H.", {1}).ok());
  ASSERT_TRUE(r.NewCollector(
                   {{"c1", "C.", MetricType::kGauge, {}}, {"c2", "C.", MetricType::kHistogram, {}}},
                   [](CollectSink& s) { s.Add(0, {}, 1); })
                  .ok());
  EXPECT_EQ(r.Unregister("h_bucket").code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(r.Unregister("h").ok());
  EXPECT_TRUE(r.Unregister("c2").ok());  // takes c1 with it
  EXPECT_EQ(r.Unregister("c1").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.TextExposition(), "");
  EXPECT_TRUE(r.NewGauge("h_count", "Now free.").ok());
  EXPECT_TRUE(r.NewGauge("c2_sum", "Now free.").ok());
  EXPECT_TRUE(r.NewGauge("c1", "Now free.").ok());
}

// Scrapes run while other threads update, create and remove series: no crash, well-formed lines,
// and the final counts exact.
TEST(RegistryTest, ScrapesConcurrentWithUpdates) {
  Registry r;
  CounterFamily* f = r.NewCounterFamily("x_total", "X.", {"user"}).value();
  HistogramFamily* h = r.NewHistogramFamily("y_seconds", "Y.", {"user"}, {1}).value();
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) {
      std::string page = r.TextExposition();
      ASSERT_TRUE(page.empty() || page.back() == '\n');
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; t++) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 20000; i++) {
        f->WithLabels({"stable"}).Inc();
        h->WithLabels({"stable"}).Observe(0.5);
        std::string tmp = "tmp-" + std::to_string(t);
        f->WithLabels({tmp}).Inc();
        if (i % 100 == 0) f->Remove({tmp});
      }
    });
  }
  for (auto& w : writers) w.join();
  done.store(true);
  scraper.join();
  EXPECT_EQ(f->WithLabels({"stable"}).value(), 60000);
  EXPECT_THAT(r.TextExposition(), HasSubstr("y_seconds_count{user=\"stable\"} 60000\n"));
}

}  // namespace
}  // namespace strata::metrics
