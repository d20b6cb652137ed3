#include "util/failpoint.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace strata::failpoint {
namespace {

// The table is read once per process, at the first Check: this is the only test that sets it.
TEST(FailpointTest, FailsTheConfiguredNumberOfTimesThenPasses) {
  ::setenv("STRATA_FAILPOINTS", "a=2,b,c=0", 1);
  EXPECT_EQ(Check("a").message(), "failpoint a");
  EXPECT_FALSE(Check("a").ok());
  EXPECT_TRUE(Check("a").ok());
  EXPECT_FALSE(Check("b").ok());  // no count: once
  EXPECT_TRUE(Check("b").ok());
  EXPECT_TRUE(Check("c").ok());
  EXPECT_TRUE(Check("unknown").ok());
}

}  // namespace
}  // namespace strata::failpoint
