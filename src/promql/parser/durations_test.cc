#include "promql/parser/durations.h"

#include "gtest/gtest.h"

namespace strata::promql::parser {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;

TEST(DurationsTest, Parse) {
  EXPECT_EQ(*ParseDuration("5m"), 5 * kMinute);
  EXPECT_EQ(*ParseDuration("1h30m"), 90 * kMinute);
  EXPECT_EQ(*ParseDuration("1y2w3d4h5m6s7ms"),
            365 * kDay + 14 * kDay + 3 * kDay + 4 * 60 * kMinute + 5 * kMinute + 6007);
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("0s"), 0);
  // Go's time.Duration holds about 292 years.
  EXPECT_EQ(*ParseDuration("292y"), 292 * 365 * kDay);
  EXPECT_EQ(ParseDuration("293y").status().message(), "duration out of range");
  EXPECT_EQ(ParseDuration("99999999999999999999s").status().message(), "duration out of range");
  EXPECT_EQ(ParseDuration("5x").status().message(), R"(not a valid duration string: "5x")");
  EXPECT_EQ(ParseDuration("1m1h").status().message(), R"(not a valid duration string: "1m1h")");
  EXPECT_EQ(ParseDuration("1.5m").status().message(), R"(not a valid duration string: "1.5m")");
  EXPECT_EQ(ParseDuration("").status().message(), R"(not a valid duration string: "")");
}

TEST(DurationsTest, Format) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(1), "1ms");
  EXPECT_EQ(FormatDuration(1500), "1s500ms");
  EXPECT_EQ(FormatDuration(90 * kMinute), "1h30m");
  EXPECT_EQ(FormatDuration(14 * kDay), "2w");
  EXPECT_EQ(FormatDuration(90 * kDay), "90d");  // not 12w6d: weeks only when exact
  EXPECT_EQ(FormatDuration(365 * kDay), "1y");
  EXPECT_EQ(FormatDuration(370 * kDay), "370d");  // not 1y5d
  EXPECT_EQ(FormatDuration(730 * kDay + kMinute), "730d1m");
  EXPECT_EQ(FormatDuration(kDay + 3723004), "1d1h2m3s4ms");
}

}  // namespace
}  // namespace strata::promql::parser
