#include "util/float_format.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace strata {
namespace {

// The examples of prometheus-tsdb-formats.md §10.3.
TEST(FloatFormatTest, GoPercentGShortest) {
  EXPECT_EQ(FormatGoG(100000), "100000");
  EXPECT_EQ(FormatGoG(1234567), "1.234567e+06");
  EXPECT_EQ(FormatGoG(1e6), "1e+06");
  EXPECT_EQ(FormatGoG(0.0001), "0.0001");
  EXPECT_EQ(FormatGoG(1.234e-05), "1.234e-05");
  EXPECT_EQ(FormatGoG(1.0000000000000002), "1.0000000000000002");
  EXPECT_EQ(FormatGoG(5e-324), "5e-324");
  EXPECT_EQ(FormatGoG(-0.0), "-0");
  EXPECT_EQ(FormatGoG(1033.5), "1033.5");
  EXPECT_EQ(FormatGoG(-3.25), "-3.25");
  EXPECT_EQ(FormatGoG(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatGoG(INFINITY), "+Inf");
  EXPECT_EQ(FormatGoG(-INFINITY), "-Inf");
}

}  // namespace
}  // namespace strata
