#include "tools/go_format.h"

#include "gtest/gtest.h"

namespace strata::tools {
namespace {

TEST(GoFormatTest, Duration) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(1), "1ms");
  EXPECT_EQ(FormatGoDuration(999), "999ms");
  EXPECT_EQ(FormatGoDuration(1000), "1s");
  EXPECT_EQ(FormatGoDuration(31001), "31.001s");
  EXPECT_EQ(FormatGoDuration(1500), "1.5s");
  EXPECT_EQ(FormatGoDuration(1020), "1.02s");
  EXPECT_EQ(FormatGoDuration(60000), "1m0s");
  EXPECT_EQ(FormatGoDuration(2059975), "34m19.975s");
  EXPECT_EQ(FormatGoDuration(7200000), "2h0m0s");
  EXPECT_EQ(FormatGoDuration(3600000 + 1), "1h0m0.001s");
  EXPECT_EQ(FormatGoDuration(100 * 3600000LL), "100h0m0s");
  EXPECT_EQ(FormatGoDuration(-1500), "-1.5s");
  EXPECT_EQ(FormatGoDuration(-5), "-5ms");
}

TEST(GoFormatTest, Base2Bytes) {
  EXPECT_EQ(FormatBase2Bytes(0), "0B");
  EXPECT_EQ(FormatBase2Bytes(1021), "1021B");
  EXPECT_EQ(FormatBase2Bytes(1024), "1KiB");
  EXPECT_EQ(FormatBase2Bytes(1619), "1KiB595B");
  EXPECT_EQ(FormatBase2Bytes((1 << 20) + 3), "1MiB3B");
  EXPECT_EQ(FormatBase2Bytes((5ull << 30) + (2 << 20)), "5GiB2MiB");
  EXPECT_EQ(FormatBase2Bytes(3ull << 60), "3EiB");
}

TEST(GoFormatTest, UtcSeconds) {
  EXPECT_EQ(FormatUtcSeconds(1700000000000), "2023-11-14 22:13:20 +0000 UTC");
  EXPECT_EQ(FormatUtcSeconds(1700000031001), "2023-11-14 22:13:51 +0000 UTC");
  EXPECT_EQ(FormatUtcSeconds(0), "1970-01-01 00:00:00 +0000 UTC");
}

}  // namespace
}  // namespace strata::tools
