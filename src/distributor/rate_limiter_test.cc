#include "distributor/rate_limiter.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "util/clock.h"

namespace strata::distributor {
namespace {

limits::Limits RateBurst(double rate, int64_t burst) {
  limits::Limits l;
  l.ingestion_rate = rate;
  l.ingestion_burst_size = burst;
  return l;
}

TEST(RateLimiterTest, BurstThenRefill) {
  FakeClock clock(1'000'000);
  RateLimiter limiter(&clock);
  const limits::Limits l = RateBurst(10, 20);
  EXPECT_TRUE(limiter.AllowN("t", 15, l));  // a new bucket is full: 20 -> 5
  EXPECT_FALSE(limiter.AllowN("t", 6, l));  // refused whole, takes nothing
  EXPECT_TRUE(limiter.AllowN("t", 5, l));   // 5 -> 0
  EXPECT_FALSE(limiter.AllowN("t", 1, l));
  clock.AdvanceMs(100);  // +1 token
  EXPECT_TRUE(limiter.AllowN("t", 1, l));
  EXPECT_FALSE(limiter.AllowN("t", 1, l));
  clock.AdvanceMs(60'000);  // refills to the burst, not beyond
  EXPECT_FALSE(limiter.AllowN("t", 21, l));
  EXPECT_TRUE(limiter.AllowN("t", 20, l));
}

TEST(RateLimiterTest, PartialTokensAccumulate) {
  const limits::Limits l = RateBurst(0.5, 1);  // one token every 2 s
  RateLimiter limiter;
  EXPECT_TRUE(limiter.AllowN("t", 0, 1, l));
  EXPECT_FALSE(limiter.AllowN("t", 1000, 1, l));  // 0.5 token
  EXPECT_FALSE(limiter.AllowN("t", 1500, 1, l));  // 0.75
  EXPECT_TRUE(limiter.AllowN("t", 2000, 1, l));   // exactly 1
  // Fractions carry over between calls: 3 × 700 ms = 1.05 tokens.
  EXPECT_FALSE(limiter.AllowN("t", 2700, 1, l));
  EXPECT_FALSE(limiter.AllowN("t", 3400, 1, l));
  EXPECT_TRUE(limiter.AllowN("t", 4100, 1, l));
}

TEST(RateLimiterTest, ExactlyAtTheLimit) {
  // Cortex's TestDistributor_PushIngestionRateLimiter, local strategy: rate 10, burst 10.
  const limits::Limits l = RateBurst(10, 10);
  RateLimiter limiter;
  const int64_t t = 5'000;
  EXPECT_TRUE(limiter.AllowN("user", t, 4, l));
  EXPECT_TRUE(limiter.AllowN("user", t, 1, l));
  EXPECT_FALSE(limiter.AllowN("user", t, 6, l));
  EXPECT_TRUE(limiter.AllowN("user", t, 5, l));  // exactly the 5 left
  EXPECT_FALSE(limiter.AllowN("user", t, 1, l));
  // A request larger than the burst can never pass.
  EXPECT_FALSE(limiter.AllowN("other", t, 11, l));
  EXPECT_TRUE(limiter.AllowN("other", t, 10, l));
}

TEST(RateLimiterTest, TenantsAreIndependent) {
  const limits::Limits l = RateBurst(1, 2);
  RateLimiter limiter;
  EXPECT_TRUE(limiter.AllowN("a", 0, 2, l));
  EXPECT_FALSE(limiter.AllowN("a", 0, 1, l));
  EXPECT_TRUE(limiter.AllowN("b", 0, 2, l));
  EXPECT_EQ(limiter.num_tenants(), 2u);
}

TEST(RateLimiterTest, SpecialRatesAndCounts) {
  RateLimiter limiter;
  const limits::Limits inf = RateBurst(std::numeric_limits<double>::infinity(), 0);
  EXPECT_TRUE(limiter.AllowN("t", 0, 1'000'000'000, inf));
  EXPECT_EQ(limiter.num_tenants(), 0u);  // nothing to remember

  // Rate 0: the initial burst is all there is.
  const limits::Limits zero = RateBurst(0, 3);
  EXPECT_TRUE(limiter.AllowN("z", 0, 3, zero));
  EXPECT_FALSE(limiter.AllowN("z", 1'000'000'000, 1, zero));

  // n <= 0 is always allowed and takes nothing.
  EXPECT_TRUE(limiter.AllowN("z", 0, 0, zero));
}

TEST(RateLimiterTest, LimitChangesApplyAtOnce) {
  RateLimiter limiter;
  EXPECT_TRUE(limiter.AllowN("t", 0, 10, RateBurst(10, 10)));  // empty at t=0
  // 500 ms at the old rate (10/s) gives 5 tokens, then the new rate applies.
  EXPECT_FALSE(limiter.AllowN("t", 500, 6, RateBurst(100, 100)));
  EXPECT_TRUE(limiter.AllowN("t", 500, 5, RateBurst(100, 100)));
  EXPECT_TRUE(limiter.AllowN("t", 600, 10, RateBurst(100, 100)));  // 100 ms at 100/s
  // A smaller burst caps what is held at once.
  EXPECT_FALSE(limiter.AllowN("t", 60'000, 3, RateBurst(100, 2)));
  EXPECT_TRUE(limiter.AllowN("t", 60'000, 2, RateBurst(100, 2)));
}

TEST(RateLimiterTest, TimeGoingBackwardsAddsNothing) {
  const limits::Limits l = RateBurst(1, 1);
  RateLimiter limiter;
  EXPECT_TRUE(limiter.AllowN("t", 10'000, 1, l));
  EXPECT_FALSE(limiter.AllowN("t", 5'000, 1, l));
  EXPECT_FALSE(limiter.AllowN("t", 10'500, 1, l));  // the clock did not move back to 5 s
  EXPECT_TRUE(limiter.AllowN("t", 11'000, 1, l));
}

TEST(RateLimiterTest, ForgetAndForgetIdle) {
  const limits::Limits l = RateBurst(1, 10);
  RateLimiter limiter;
  EXPECT_TRUE(limiter.AllowN("busy", 0, 10, l));
  EXPECT_TRUE(limiter.AllowN("idle", 0, 1, l));
  EXPECT_TRUE(limiter.AllowN("fresh", 9'000, 1, l));
  // At 5 s: "idle" has 9 + 5 > 10 tokens (full) and was idle 5 s; "busy" has 5 (not full).
  EXPECT_EQ(limiter.ForgetIdle(5'000, 1'000), 1u);
  EXPECT_EQ(limiter.num_tenants(), 2u);
  // At 10 s "busy" is full again; "fresh" is full but was used 1 s ago.
  EXPECT_EQ(limiter.ForgetIdle(10'000, 2'000), 1u);
  EXPECT_EQ(limiter.num_tenants(), 1u);
  // A forgotten tenant starts over with a full bucket: the same answer as a kept full one.
  EXPECT_TRUE(limiter.AllowN("busy", 10'000, 10, l));
  limiter.Forget("busy");
  limiter.Forget("never-seen");
  EXPECT_TRUE(limiter.AllowN("busy", 10'000, 10, l));
}

TEST(RateLimiterTest, ConcurrentTenantsNeverOverspend) {
  // 8 threads draw single tokens from 4 tenants at a frozen time: exactly the burst of each
  // tenant is granted, however the draws interleave.
  const limits::Limits l = RateBurst(1, 1000);
  RateLimiter limiter;
  std::vector<std::thread> threads;
  std::vector<int64_t> granted(8, 0);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      const std::string tenant = "t" + std::to_string(i % 4);
      for (int k = 0; k < 1000; ++k) granted[i] += limiter.AllowN(tenant, 0, 1, l) ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(granted[t] + granted[t + 4], 1000) << "tenant " << t;
}

TEST(RateLimitedMessageTest, GoPercentV) {
  // Go's %v of these float64s: 25000|0.5|1e+06|123456.7|1e+21|1e-05|0.1|100000|999999|1.234567e+06
  EXPECT_EQ(RateLimitedMessage(25000, 25, 5),
            "ingestion rate limit (25000) exceeded while adding 25 samples and 5 metadata");
  EXPECT_EQ(RateLimitedMessage(0.5, 1, 0),
            "ingestion rate limit (0.5) exceeded while adding 1 samples and 0 metadata");
  EXPECT_EQ(RateLimitedMessage(1e6, 0, 1),
            "ingestion rate limit (1e+06) exceeded while adding 0 samples and 1 metadata");
  const struct {
    double v;
    const char* s;
  } floats[] = {{123456.7, "123456.7"}, {1e21, "1e+21"},    {1e-5, "1e-05"},           {0.1, "0.1"},
                {100000, "100000"},     {999999, "999999"}, {1234567, "1.234567e+06"}, {10, "10"}};
  for (const auto& f : floats) {
    EXPECT_EQ(RateLimitedMessage(f.v, 0, 0),
              std::string("ingestion rate limit (") + f.s +
                  ") exceeded while adding 0 samples and 0 metadata");
  }
  const absl::Status s = RateLimitedError(20, 25, 5);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(std::string(s.message()),
            "ingestion rate limit (20) exceeded while adding 25 samples and 5 metadata");
}

}  // namespace
}  // namespace strata::distributor
