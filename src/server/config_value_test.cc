#include "server/config_value.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::server {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kS = 1000;
constexpr int64_t kM = 60 * kS;
constexpr int64_t kH = 60 * kM;
constexpr int64_t kD = 24 * kH;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(ConfigValueTest, Bool) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) {
    SCOPED_TRACE(t);
    ASSERT_TRUE(ParseBoolValue(t).ok());
    EXPECT_TRUE(*ParseBoolValue(t));
  }
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) {
    SCOPED_TRACE(f);
    ASSERT_TRUE(ParseBoolValue(f).ok());
    EXPECT_FALSE(*ParseBoolValue(f));
  }
  for (const char* bad : {"", "yes", "on", "tRuE", "2", " true"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<bool> r = ParseBoolValue(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Message(ParseBoolValue("yes").status()),
            "invalid value \"yes\": expected a boolean (true or false)");
}

TEST(ConfigValueTest, Int) {
  EXPECT_EQ(*ParseIntValue("0"), 0);
  EXPECT_EQ(*ParseIntValue("9009"), 9009);
  EXPECT_EQ(*ParseIntValue("-5"), -5);
  EXPECT_EQ(*ParseIntValue("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"", "abc", "1.5", "1e6", "12x", " 1", "+1", "9223372036854775808"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseIntValue(bad).ok());
  }
  EXPECT_EQ(Message(ParseIntValue("abc").status()), "invalid value \"abc\": expected an integer");
}

TEST(ConfigValueTest, Float) {
  EXPECT_EQ(*ParseFloatValue("25000"), 25000.0);
  EXPECT_EQ(*ParseFloatValue("0.5"), 0.5);
  EXPECT_EQ(*ParseFloatValue("1e+06"), 1e6);
  EXPECT_EQ(*ParseFloatValue("-2.5"), -2.5);
  EXPECT_EQ(*ParseFloatValue(".5"), 0.5);
  for (const char* bad : {"", "abc", "inf", "+Inf", "nan", "0x10", "1e999", " 1", "1 ", "1,5"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseFloatValue(bad).ok());
  }
  EXPECT_EQ(Message(ParseFloatValue("x").status()), "invalid value \"x\": expected a number");
}

TEST(ConfigValueTest, PrometheusDurations) {
  EXPECT_EQ(*ParseDurationValue("0"), 0);
  EXPECT_EQ(*ParseDurationValue("90s"), 90 * kS);
  EXPECT_EQ(*ParseDurationValue("1h30m"), 90 * kM);
  EXPECT_EQ(*ParseDurationValue("2d"), 2 * kD);
  EXPECT_EQ(*ParseDurationValue("2w"), 14 * kD);
  EXPECT_EQ(*ParseDurationValue("1y"), 365 * kD);
  EXPECT_EQ(*ParseDurationValue("500ms"), 500);
  EXPECT_EQ(*ParseDurationValue("1d2h3m4s5ms"), kD + 2 * kH + 3 * kM + 4 * kS + 5);
}

TEST(ConfigValueTest, GoDurations) {
  EXPECT_EQ(*ParseDurationValue("1h0m0s"), kH);
  EXPECT_EQ(*ParseDurationValue("2h0m0s"), 2 * kH);
  EXPECT_EQ(*ParseDurationValue("1.5h"), 90 * kM);
  EXPECT_EQ(*ParseDurationValue("0.5s"), 500);
  EXPECT_EQ(*ParseDurationValue("2h45m30.25s"), 2 * kH + 45 * kM + 30 * kS + 250);
  EXPECT_EQ(*ParseDurationValue("1500us"), 1);  // truncated to whole ms
  EXPECT_EQ(*ParseDurationValue("2500000ns"), 2);
  EXPECT_EQ(*ParseDurationValue("3\xC2\xB5s"), 0);     // micro sign
  EXPECT_EQ(*ParseDurationValue("4000\xCE\xBCs"), 4);  // Greek mu
  EXPECT_EQ(*ParseDurationValue("-1m"), -kM);
  EXPECT_EQ(*ParseDurationValue("+1m"), kM);
  EXPECT_EQ(*ParseDurationValue("1s1h"), kH + kS);  // Go accepts any order
  EXPECT_EQ(*ParseDurationValue("1.h"), kH);
  EXPECT_EQ(*ParseDurationValue(".5m"), 30 * kS);
  EXPECT_EQ(*ParseGoDurationMs("0"), 0);
  EXPECT_EQ(*ParseGoDurationMs("-0"), 0);
  // The largest Go duration, about 292 years, and one nanosecond more.
  EXPECT_EQ(*ParseGoDurationMs("9223372036854775807ns"), 9223372036854);
  EXPECT_FALSE(ParseGoDurationMs("9223372036854775808ns").ok());
  EXPECT_FALSE(ParseGoDurationMs("3000000h").ok());
}

TEST(ConfigValueTest, BadDurations) {
  for (const char* bad :
       {"", "1", "10", "1x", "h", "1h-1m", "1.5", ".h", "1d1.5h", "- 1h", "1h ", "abc", "1hh"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<int64_t> r = ParseDurationValue(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(Message(ParseDurationValue("1x").status()),
            "invalid value \"1x\": expected a duration such as \"90s\", \"1h30m\", \"2d\" or "
            "\"1h0m0s\"");
}

TEST(ConfigValueTest, DurationLists) {
  EXPECT_THAT(*ParseDurationListValue("2h"), ::testing::ElementsAre(2 * kH));
  EXPECT_THAT(*ParseDurationListValue("2h0m0s,12h,1d"),
              ::testing::ElementsAre(2 * kH, 12 * kH, kD));
  for (const char* bad : {"", ",", "2h,", ",2h", "2h,,12h", "2h,x"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseDurationListValue(bad).ok());
  }
  EXPECT_THAT(Message(ParseDurationListValue("2h,x").status()), HasSubstr("invalid value \"x\""));
}

TEST(ConfigValueTest, FormatRoundTrips) {
  EXPECT_EQ(FormatBoolValue(true), "true");
  EXPECT_EQ(FormatBoolValue(false), "false");
  EXPECT_EQ(FormatFloatValue(25000), "25000");
  EXPECT_EQ(FormatFloatValue(1e6), "1e+06");
  EXPECT_EQ(FormatFloatValue(0.1), "0.1");
  EXPECT_EQ(FormatDurationValue(0), "0s");
  EXPECT_EQ(FormatDurationValue(90 * kM), "1h30m");
  EXPECT_EQ(FormatDurationValue(14 * kD), "2w");
  EXPECT_EQ(FormatDurationValue(-kM), "-1m");
  EXPECT_EQ(FormatDurationListValue({2 * kH, 12 * kH}), "2h,12h");
  for (double v : {0.0, 0.1, 1.0 / 3, 123456789.125, 1e-300, 1.7976931348623157e308}) {
    EXPECT_EQ(*ParseFloatValue(FormatFloatValue(v)), v);
  }
  for (int64_t ms : {int64_t{0}, int64_t{1}, 999 * kS + 1, 3 * kD + 5, -kH, 400 * 365 * kD}) {
    EXPECT_EQ(*ParseDurationValue(FormatDurationValue(ms)), ms);
  }
}

}  // namespace
}  // namespace strata::server
