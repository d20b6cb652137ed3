#include "distributor/distributor.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prompb/compression.h"
#include "prompb/encode.h"

namespace strata::distributor {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kMinute = 60 * 1000;

// Accepts every sample.
class AcceptingIngester final : public ingester::IngesterService {
 public:
  ingester::PushResult Push(const std::string&, std::span<const ingester::PushSeries> series) override {
    ingester::PushResult r;
    for (const auto& s : series) r.appended += s.samples.size();
    return r;
  }
  std::unique_ptr<storage::Querier> Querier(const std::string&, int64_t, int64_t) override {
    return nullptr;
  }
};

std::string Body(int64_t ts) {
  prompb::WriteRequest req;
  prompb::TimeSeries s;
  s.labels = {{"__name__", "up"}};
  s.samples = {{1, ts}};
  req.timeseries.push_back(s);
  std::string raw, body;
  prompb::EncodeWriteRequest(req, &raw);
  prompb::CompressSnappy(raw, &body);
  return body;
}

TEST(DistributorTest, ForgetsTenantsThatStoppedPushing) {
  FakeClock clock(1000 * kMinute);
  AcceptingIngester ing;
  limits::Overrides overrides;
  metrics::Registry registry;
  Distributor d(DistributorConfig{}, &ing, &overrides, &clock, &registry);

  ASSERT_TRUE(d.PushCompressed("quiet", Body(clock.NowMs())).ok());
  clock.AdvanceMs(10 * kMinute);
  ASSERT_TRUE(d.PushCompressed("busy", Body(clock.NowMs())).ok());
  EXPECT_THAT(registry.TextExposition(), HasSubstr(R"(user="quiet")"));

  clock.AdvanceMs(6 * kMinute);  // quiet: 16 minutes without a push; busy: 6
  EXPECT_EQ(d.PurgeInactiveTenants(kInactiveTenantTimeoutMs), 1u);
  const std::string page = registry.TextExposition();
  EXPECT_THAT(page, Not(HasSubstr(R"(user="quiet")")));
  EXPECT_THAT(page, HasSubstr(R"(cortex_distributor_received_samples_total{user="busy"} 1)"));

  // A forgotten tenant that comes back starts afresh.
  ASSERT_TRUE(d.PushCompressed("quiet", Body(clock.NowMs())).ok());
  EXPECT_THAT(registry.TextExposition(),
              HasSubstr(R"(cortex_distributor_received_samples_total{user="quiet"} 1)"));
  EXPECT_EQ(d.PurgeInactiveTenants(kInactiveTenantTimeoutMs), 0u);
}

}  // namespace
}  // namespace strata::distributor
