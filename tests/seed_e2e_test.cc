// The seed, end to end with the real binary: a tenant with an OOO window pushes in-order and late
// samples over HTTP, then stops. After the idle timeout its memory series, active series and
// memory bytes fall to zero, its WBL holds no samples, its blocks (read by the real promtool) hold
// every sample pushed, and with close-idle on the tenant disappears; a new push brings it back.
// Then the same with the first OOO compaction failing (failpoint ooo_compaction): the failure is
// counted, nothing is lost, and the next tick succeeds.
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/e2e_util.h"
#include "tsdb/promtool_test_util.h"
#include "util/testing.h"

namespace strata::e2e {
namespace {

constexpr int64_t kMinute = 60 * 1000;

class SeedE2ETest : public ::testing::Test {
 protected:
  void StartStrata(std::vector<std::string> extra = {}, std::vector<std::string> env = {}) {
    port_ = FreePort();
    std::vector<std::string> args = {
        "-server.http-listen-port=" + std::to_string(port_),
        "-server.http-listen-address=127.0.0.1",
        "-blocks-storage.tsdb.dir=" + dir_.Join("tsdb"),
        "-blocks-storage.filesystem.dir=" + dir_.Join("bucket"),
        "-blocks-storage.tsdb.head-compaction-interval=1s",
        "-blocks-storage.tsdb.head-compaction-idle-timeout=1s",
        "-blocks-storage.tsdb.ship-interval=1s",
        "-ingester.active-series-metrics-update-period=1s",
        "-ingester.active-series-metrics-idle-timeout=1s",
    };
    args.insert(args.end(), extra.begin(), extra.end());
    strata_ = std::make_unique<Process>(StrataBinary(), args, dir_.Join("strata.log"), env);
    ASSERT_TRUE(WaitFor([&] { return HttpCall(port_, "GET", "/ready").status == 200; }))
        << Log();
  }
  std::string Log() {
    std::ifstream in(dir_.Join("strata.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::optional<double> Metric(const std::string& series) {
    return MetricValue(HttpCall(port_, "GET", "/metrics").body, series);
  }

  void RunSeed(bool fail_first_ooo_compaction);

  strata::testing::TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> strata_;
};

void SeedE2ETest::RunSeed(bool fail_first_ooo_compaction) {
  std::vector<std::string> env;
  if (fail_first_ooo_compaction) env.push_back("STRATA_FAILPOINTS=ooo_compaction=1");
  StartStrata({"-ingester.out-of-order-time-window=1h",
               "-blocks-storage.tsdb.close-idle-tsdb-timeout=2s"},
              env);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  prompb::WriteRequest in_order, late;
  std::vector<std::pair<std::string, std::vector<storage::Sample>>> want;
  {
    prompb::TimeSeries ts;
    ts.labels = {{"__name__", "up"}, {"job", "a"}};
    std::vector<storage::Sample> s;
    for (int64_t t = now - 20 * kMinute; t <= now; t += kMinute) {
      ts.samples.push_back({1.5, t});
      s.push_back({t, 1.5});
    }
    in_order.timeseries.push_back(ts);
    prompb::TimeSeries lt;
    lt.labels = {{"__name__", "late_metric"}, {"job", "b"}};
    lt.samples.push_back({7, now});
    in_order.timeseries.push_back(lt);
    std::vector<storage::Sample> ls{{now - 30 * kMinute, -1}, {now - 25 * kMinute, -2}, {now, 7}};
    prompb::TimeSeries lt2;
    lt2.labels = lt.labels;
    lt2.samples = {{-1, now - 30 * kMinute}, {-2, now - 25 * kMinute}};
    late.timeseries.push_back(lt2);
    want = {{R"({__name__="late_metric", job="b"})", ls}, {R"({__name__="up", job="a"})", s}};
  }
  ASSERT_EQ(HttpCall(port_, "POST", "/api/v1/push", EncodePush(in_order), PushHeaders()).status, 200);
  ASSERT_EQ(HttpCall(port_, "POST", "/api/v1/push", EncodePush(late), PushHeaders()).status, 200);
  EXPECT_EQ(Metric("strata_ingester_ooo_head_series{user=\"fake\"}"), 1);

  // Idle timeout 1s (+25% jitter), compaction every 1s: memory series drop to 0.
  ASSERT_TRUE(WaitFor([&] { return Metric("cortex_ingester_memory_series") == 0; })) << Log();
  // The failed OOO compaction was counted, and a later tick did it.
  EXPECT_EQ(Metric("cortex_ingester_tsdb_compactions_failed_total"), fail_first_ooo_compaction ? 1 : 0);
  ASSERT_TRUE(WaitFor([&] { return Metric("cortex_ingester_active_series{user=\"fake\"}") == 0 ||
                                   Metric("cortex_ingester_memory_users") == 0; }));
  // Close-idle (2s, after shipping): the tenant goes away with its local data.
  // The tenant leaves the map before its directory is removed: wait for both.
  ASSERT_TRUE(WaitFor([&] {
    return Metric("cortex_ingester_memory_users") == 0 &&
           !std::filesystem::exists(dir_.Join("tsdb/fake"));
  })) << Log();

  // Every sample is in the shipped blocks, as the real promtool reads them.
  if (tsdb::testing::HavePromtool()) {
    int rc = 0;
    std::string dump =
        tsdb::testing::PromtoolDumpBlocks(dir_.Join("bucket/fake"), dir_.Join("promtool"), &rc);
    ASSERT_EQ(rc, 0) << dump;
    EXPECT_EQ(dump, tsdb::testing::ExpectedDump(want));
  }

  // A new push brings the tenant back.
  ASSERT_EQ(HttpCall(port_, "POST", "/api/v1/push", EncodePush(in_order), PushHeaders()).status,
            200);
  EXPECT_EQ(Metric("cortex_ingester_memory_users"), 1);
  EXPECT_EQ(strata_->Stop(SIGTERM), 0);
}

TEST_F(SeedE2ETest, IdleTenantWithOOODataGivesMemoryBackAndCloses) { RunSeed(false); }

TEST_F(SeedE2ETest, FailedOOOCompactionIsCountedLosesNothingAndTheNextTickSucceeds) {
  RunSeed(true);
}

}  // namespace
}  // namespace strata::e2e
