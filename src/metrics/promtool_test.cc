// Parses our pages with the real `promtool check metrics` (Prometheus's own text parser and
// linter). Skipped where promtool is not installed.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "metrics/process_collector.h"
#include "metrics/registry.h"
#include "util/fs.h"
#include "util/testing.h"

namespace strata::metrics {
namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

struct Result {
  int exit_code = -1;
  std::string output;
};

// Runs `promtool check metrics` with `page` on stdin.
Result CheckMetrics(const std::string& page) {
  testing::TempDir dir;
  std::string path = dir.Join("page.txt");
  EXPECT_TRUE(WriteFileAtomically(DefaultFs(), path, page).ok());
  std::string cmd = std::string(kPromtool) + " check metrics < " + path + " 2>&1";
  Result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

class PromtoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << kPromtool << " not installed";
  }
};

TEST_F(PromtoolTest, AcceptsAPageWithEveryKind) {
  Registry r;
  CounterFamily* discarded =
      r.NewCounterFamily("cortex_discarded_samples_total", "Samples discarded.", {"user", "reason"})
          .value();
  discarded->WithLabels({"user-1", "sample-out-of-order"}).Add(12);
  discarded->WithLabels({"weird \"tenant\"\\\n", "x"}).Add(0.5);
  GaugeFamily* series =
      r.NewGaugeFamily("cortex_ingester_memory_series", "Series in memory.", {}).value();
  series->WithLabels({}).Set(1234567);
  HistogramFamily* lat =
      r.NewHistogramFamily("cortex_request_duration_seconds", "Request time.\nSecond line \\.",
                           {"route"}, DefBuckets())
          .value();
  lat->WithLabels({"push"}).Observe(0.003);
  lat->WithLabels({"push"}).Observe(7);
  lat->WithLabels({"query"}).Observe(std::numeric_limits<double>::infinity());
  ASSERT_TRUE(r.NewGaugeFunc("strata_nan_value", "A NaN.", [] { return std::nan(""); }).ok());
  ASSERT_TRUE(r.NewCollector({{"cortex_ingester_active_series",
                               "Active series per user.",
                               MetricType::kGauge,
                               {"user"}}},
                             [](CollectSink& s) {
                               s.Add(0, {"b"}, 2);
                               s.Add(0, {"a"}, -1e-300);
                             })
                  .ok());
  ASSERT_TRUE(RegisterProcessCollector(&r).ok());
  std::string page = r.TextExposition();
  Result res = CheckMetrics(page);
  EXPECT_EQ(res.exit_code, 0) << res.output << "\n--- page:\n" << page;
}

// The check can fail: promtool rejects a page that breaks the format.
TEST_F(PromtoolTest, RejectsABrokenPage) {
  Result res = CheckMetrics("# TYPE x counter\nx{a=\"unterminated} 1\n");
  EXPECT_NE(res.exit_code, 0) << res.output;
  res = CheckMetrics("# TYPE x_total counter\nx_total 1\n# TYPE x_total counter\nx_total 2\n");
  EXPECT_NE(res.exit_code, 0) << res.output;
}

}  // namespace
}  // namespace strata::metrics
