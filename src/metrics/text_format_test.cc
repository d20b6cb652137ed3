#include "metrics/text_format.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace strata::metrics {
namespace {

std::string Float(double v) {
  std::string s;
  AppendFloat(&s, v);
  return s;
}

TEST(TextFormatTest, FloatsAsClientGolangWritesThem) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<double, std::string>> cases = {
      {0, "0"},
      {-0.0, "0"},  // Go's %g says "-0"; writeFloat special-cases zero
      {1, "1"},
      {-1, "-1"},
      {42, "42"},
      {100000, "100000"},
      {999999, "999999"},
      {1e6, "1e+06"},
      {1234567, "1.234567e+06"},
      {123456.7, "123456.7"},
      {1e21, "1e+21"},
      {0.1, "0.1"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {0.005, "0.005"},
      {2.5, "2.5"},
      {0.30000000000000004, "0.30000000000000004"},
      {1.8446744073709552e19, "1.8446744073709552e+19"},
      {std::nan(""), "NaN"},
      {kInf, "+Inf"},
      {-kInf, "-Inf"},
  };
  for (const auto& [v, want] : cases) {
    SCOPED_TRACE(want);
    EXPECT_EQ(Float(v), want);
  }
}

TEST(TextFormatTest, EscapesHelpAndLabelValues) {
  std::string help;
  AppendEscapedHelp(&help, "a\\b\n\"c\"");
  EXPECT_EQ(help, "a\\\\b\\n\"c\"");  // quotes stay in HELP
  std::string value;
  AppendEscapedLabelValue(&value, "a\\b\n\"c\"\t\xc3\xa9");
  EXPECT_EQ(value, "a\\\\b\\n\\\"c\\\"\t\xc3\xa9");  // tab and UTF-8 pass through
}

TEST(TextFormatTest, Names) {
  for (const char* ok : {"a", "_", ":", "a:b_c9", "cortex_ingester_memory_series", "A"}) {
    EXPECT_TRUE(IsValidMetricName(ok)) << ok;
  }
  for (const char* bad : {"", "9a", "a-b", "a b", "a.b", "é"}) {
    EXPECT_FALSE(IsValidMetricName(bad)) << bad;
  }
  for (const char* ok : {"a", "_", "user", "A_9", "__name__"}) {
    EXPECT_TRUE(IsValidLabelName(ok)) << ok;
  }
  for (const char* bad : {"", "9a", "a:b", ":", "a-b"}) {
    EXPECT_FALSE(IsValidLabelName(bad)) << bad;
  }
}

TEST(TextFormatTest, HeaderAndSamples) {
  std::string out;
  AppendHeader(&out, "x_total", "Line one\nand \\ two.", MetricType::kCounter);
  std::vector<std::string> names = {"a", "b"};
  std::vector<std::string> values = {"1", "q\""};
  std::string pairs;
  AppendLabelPairs(&pairs, names, values);
  AppendSample(&out, "x_total", "", pairs, 3);
  AppendSample(&out, "x_total", "", "", 0.5);
  EXPECT_EQ(out,
            "# HELP x_total Line one\\nand \\\\ two.\n"
            "# TYPE x_total counter\n"
            "x_total{a=\"1\",b=\"q\\\"\"} 3\n"
            "x_total 0.5\n");
}

TEST(TextFormatTest, HistogramLines) {
  HistogramSnapshot h{
      .upper_bounds = {0.5, 1e6}, .cumulative_counts = {1, 3}, .count = 4, .sum = 2000001.25};
  std::string out;
  AppendHistogram(&out, "d_seconds", "op=\"r\"", h);
  AppendHistogram(
      &out, "e", "",
      HistogramSnapshot{.upper_bounds = {}, .cumulative_counts = {}, .count = 2, .sum = 7});
  EXPECT_EQ(out,
            "d_seconds_bucket{op=\"r\",le=\"0.5\"} 1\n"
            "d_seconds_bucket{op=\"r\",le=\"1e+06\"} 3\n"
            "d_seconds_bucket{op=\"r\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{op=\"r\"} 2.00000125e+06\n"
            "d_seconds_count{op=\"r\"} 4\n"
            "e_bucket{le=\"+Inf\"} 2\n"
            "e_sum 7\n"
            "e_count 2\n");
}

}  // namespace
}  // namespace strata::metrics
