#include "util/duration.h"

#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(DurationTest, ParsesPrometheusSyntax) {
  EXPECT_EQ(*ParseDurationMs("90s"), 90000);
  EXPECT_EQ(*ParseDurationMs("1h30m"), 5400000);
  EXPECT_EQ(*ParseDurationMs("2d"), 172800000);
  EXPECT_EQ(*ParseDurationMs("1w"), 604800000);
  EXPECT_EQ(*ParseDurationMs("1y"), 31536000000);
  EXPECT_EQ(*ParseDurationMs("500ms"), 500);
  EXPECT_EQ(*ParseDurationMs("1m500ms"), 60500);
  EXPECT_EQ(*ParseDurationMs("1s5ms"), 1005);
  EXPECT_EQ(*ParseDurationMs("0"), 0);
  EXPECT_EQ(*ParseDurationMs("0s"), 0);
}

TEST(DurationTest, RejectsBadInputNamingIt) {
  for (const char* bad : {"", "1", "1x", "h", "1m1h", "1s1s", "-1s", "1.5h", "1h ", "99999999999999999999y"}) {
    auto r = ParseDurationMs(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("not a valid duration string"), std::string::npos);
    }
  }
}

TEST(DurationTest, FormatsLikePrometheus) {
  EXPECT_EQ(FormatDurationMs(5400000), "1h30m");
  EXPECT_EQ(FormatDurationMs(172800000), "2d");
  EXPECT_EQ(FormatDurationMs(500), "500ms");
  EXPECT_EQ(FormatDurationMs(0), "0s");
  EXPECT_EQ(FormatDurationMs(60500), "1m500ms");
  // Years and weeks only when exact (Prometheus model.Duration).
  EXPECT_EQ(FormatDurationMs(370LL * 86400000), "370d");
  EXPECT_EQ(FormatDurationMs(14LL * 86400000), "2w");
  EXPECT_EQ(FormatDurationMs(365LL * 86400000), "1y");
  EXPECT_EQ(FormatDurationMs(-90000), "-1m30s");
}

}  // namespace
}  // namespace strata
