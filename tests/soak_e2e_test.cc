// Slow: a soak. The real server under sustained remote write from several tenants for
// $STRATA_SOAK_SECONDS (default 40; the long form in docs/reliability.md ran 1,800), with churn
// (series replaced all the time), out-of-order samples, and tenants going idle — compacted,
// shipped and closed — and coming back, cycle after cycle. Checked:
//   - every push is answered 200 (nothing refused, nothing failed);
//   - memory stays bounded: the RSS peak of the second half is not far above that of the first;
//   - once every tenant is idle, the idle path closes them all and the RSS returns to near the
//     baseline taken before the first push;
//   - every acknowledged sample of each tenant's probe series (in order and late) is in the
//     blocks shipped to the bucket exactly once (read with the real promtool).
// Prints the figures (pushes, samples, series created, RSS per cycle) for docs/reliability.md.
#include <atomic>
#include <filesystem>
#include <iostream>
#include <set>
#include <unordered_set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_util.h"
#include "tsdb/promtool_test_util.h"
#include "util/testing.h"

namespace strata::e2e {
namespace {

constexpr int kTenants = 6;
constexpr int kSeries = 1000;        // per tenant and push
constexpr int kChurnRounds = 40;     // every series is replaced by a new one every 40 rounds
constexpr int kLateEvery = 5;        // every 5th round also sends late samples...
constexpr int kLateSeries = 100;     // ...for this many series...
constexpr int64_t kLateMs = 10 * 60 * 1000;  // ...this late (within the 30 min OOO window)
constexpr int64_t kRoundMs = 250;
constexpr double kMiB = 1024.0 * 1024.0;
// What may stay resident after every tenant closed (see many_tenants_e2e_test.cc for what glibc
// keeps around freed memory).
constexpr double kMaxResidueBytes = 32 * kMiB;

int64_t EnvSeconds(const char* name, int64_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr && std::atoll(v) > 0 ? std::atoll(v) : dflt;
}

std::string Tenant(int i) { return "soak-" + std::to_string(i); }

// A tenant's pushes: one request per round at the current time, plus a late one now and then.
// Keeps the probe series' acknowledged timestamps.
class TenantLoad {
 public:
  explicit TenantLoad(int index) : name_(Tenant(index)) {}

  // One round at `now_ms`; false (with a test failure) unless every push was answered 200.
  // In-order timestamps are even and late ones odd, so a late sample never lands on the
  // timestamp of an earlier in-order one (that would be a duplicate, not a late sample).
  bool Round(const StrataServer& server, int64_t round, int64_t now_ms) {
    last_ms_ = std::max(last_ms_ + 2, now_ms & ~int64_t{1});
    if (!Send(server, Request(round, last_ms_, kSeries))) return false;
    if (round % kLateEvery != 0) return true;
    return Send(server, Request(round, last_ms_ - kLateMs + 1, kLateSeries));
  }

  const std::string& name() const { return name_; }
  uint64_t samples() const { return samples_; }
  uint64_t pushes() const { return pushes_; }
  // Every acknowledged timestamp of the probe series.
  const std::set<int64_t>& probe() const { return probe_; }
  size_t series() const { return series_.size(); }

 private:
  // Series 0..n-1 and the probe, one sample each at `t`.
  prompb::WriteRequest Request(int64_t round, int64_t t, int n) {
    prompb::WriteRequest req;
    for (int s = 0; s < n; s++) {
      prompb::TimeSeries ts;
      // The generation moves on for 1/kChurnRounds of the series each round: a steady churn.
      const int64_t gen = (round + s) / kChurnRounds;
      series_.insert(gen * kSeries + s);
      ts.labels = {{"__name__", "soak_metric"}, {"gen", std::to_string(gen)},
                   {"s", std::to_string(s)}};
      ts.samples.push_back({static_cast<double>(round), t});
      req.timeseries.push_back(std::move(ts));
    }
    prompb::TimeSeries probe;
    probe.labels = {{"__name__", "soak_probe"}};
    probe.samples.push_back({static_cast<double>(round), t});
    req.timeseries.push_back(std::move(probe));
    return req;
  }
  bool Send(const StrataServer& server, const prompb::WriteRequest& req) {
    HttpResult r = server.Push(req, name_);
    pushes_++;
    if (r.status != 200) {
      ADD_FAILURE() << name_ << ": push answered " << r.status << " " << r.body;
      return false;
    }
    samples_ += req.timeseries.size();
    probe_.insert(req.timeseries.back().samples[0].timestamp_ms);
    return true;
  }

  const std::string name_;
  int64_t last_ms_ = 0;
  uint64_t samples_ = 0, pushes_ = 0;
  std::set<int64_t> probe_;
  std::unordered_set<int64_t> series_;  // (generation, s) pairs sent, as gen * kSeries + s
};

class SlowSoakE2ETest : public ::testing::Test {
 protected:
  double Rss() const { return server_.Metric("process_resident_memory_bytes").value_or(-1); }

  strata::testing::TempDir dir_;
  StrataServer server_{dir_.path()};
};

TEST_F(SlowSoakE2ETest, SustainedChurnOutOfOrderAndIdleCyclesStayBoundedAndLoseNothing) {
  const int64_t duration_ms = EnvSeconds("STRATA_SOAK_SECONDS", 40) * 1000;
  // A cycle: each tenant is active for two thirds of it and idle for one; the idle timeouts are
  // a sixth of a cycle, so an idle tenant is compacted and closed before it comes back.
  const int64_t cycle_ms = EnvSeconds("STRATA_SOAK_CYCLE_SECONDS", 12) * 1000;
  const std::string idle = std::to_string(cycle_ms / 6 / 1000) + "s";
  ASSERT_TRUE(server_.Start({
      "-auth.enabled=true",
      "-ingester.out-of-order-time-window=30m",
      "-distributor.ingestion-rate-limit=10000000",
      "-distributor.ingestion-burst-size=10000000",
      "-blocks-storage.tsdb.head-compaction-idle-timeout=" + idle,
      "-blocks-storage.tsdb.close-idle-tsdb-timeout=" + idle,
      "-ingester.active-series-metrics-idle-timeout=" + idle,
  })) << server_.Log();
  const double baseline = Rss();
  ASSERT_GT(baseline, 0);

  std::vector<TenantLoad> tenants;
  for (int i = 0; i < kTenants; i++) tenants.emplace_back(i);
  const int64_t start = NowMs();
  std::vector<double> cycle_peak;  // RSS peak per cycle
  int64_t round = 0;
  for (int64_t now = start; now - start < duration_ms; now = NowMs(), round++) {
    const int64_t cycle = (now - start) / cycle_ms;
    // Tenant i rests in the third of the cycle numbered i % 3: two at a time.
    const int64_t third = (now - start) % cycle_ms * 3 / cycle_ms;
    for (int i = 0; i < kTenants; i++) {
      if (third == i % 3) continue;
      ASSERT_TRUE(tenants[i].Round(server_, round, now)) << server_.Log().substr(0, 4000);
    }
    if (static_cast<size_t>(cycle) >= cycle_peak.size()) cycle_peak.push_back(0);
    cycle_peak[cycle] = std::max(cycle_peak[cycle], Rss());
    const int64_t spent = NowMs() - now;
    if (spent < kRoundMs) std::this_thread::sleep_for(std::chrono::milliseconds(kRoundMs - spent));
  }

  // Everyone goes idle: all tenants are compacted, shipped and closed, and memory comes back.
  ASSERT_TRUE(WaitFor([&] { return server_.Metric("cortex_ingester_memory_users") == 0; },
                      std::chrono::milliseconds(3 * cycle_ms + 60000)))
      << server_.Get("/metrics").body.substr(0, 2000);
  double after = Rss();
  const bool returned = WaitFor([&] { return (after = Rss()) < baseline + kMaxResidueBytes; },
                                std::chrono::seconds(30));

  uint64_t pushes = 0, samples = 0, series = 0;
  for (const TenantLoad& t : tenants) {
    pushes += t.pushes();
    samples += t.samples();
    series += t.series() + 1;  // and the probe
  }
  std::cout << "soak: " << duration_ms / 1000 << " s, " << round << " rounds, " << pushes
            << " pushes, " << samples << " samples, " << series
            << " distinct series (all tenants), idle closes "
            << server_.Metric("cortex_ingester_idle_tsdb_checks_total{result=\"idle_closed\"}")
                   .value_or(0)
            << "\nsoak: RSS baseline " << baseline / kMiB << " MiB, after all idle "
            << after / kMiB << " MiB, peak per cycle (MiB):";
  for (double p : cycle_peak) std::cout << " " << static_cast<int>(p / kMiB);
  std::cout << "\n";
  EXPECT_TRUE(returned) << "baseline " << baseline / kMiB << " MiB, after " << after / kMiB;

  // Bounded: the second half of the run peaks near the first half (no steady growth).
  ASSERT_GE(cycle_peak.size(), 2u);
  const size_t half = cycle_peak.size() / 2;
  const double first = *std::max_element(cycle_peak.begin(), cycle_peak.begin() + half);
  const double second = *std::max_element(cycle_peak.begin() + half, cycle_peak.end());
  EXPECT_LT(second, first * 1.25 + 32 * kMiB)
      << "first half peak " << first / kMiB << " MiB, second " << second / kMiB;

  // Every acknowledged probe sample is in the bucket, once.
  if (!tsdb::testing::HavePromtool()) GTEST_SKIP() << "promtool is not installed";
  for (const TenantLoad& t : tenants) {
    const std::string scratch = dir_.Join("dump-" + t.name());
    std::filesystem::create_directories(scratch + "/wal");
    const std::string blocks = server_.bucket_dir() + "/" + t.name();
    for (const auto& e : std::filesystem::directory_iterator(blocks)) {
      if (e.is_directory() && e.path().filename().string().size() == 26) {
        std::filesystem::copy(e.path(), scratch + "/" + e.path().filename().string(),
                              std::filesystem::copy_options::recursive);
      }
    }
    std::string dump;
    ASSERT_EQ(tsdb::testing::RunCommand(
                  "/usr/bin/promtool tsdb dump --match='{__name__=\"soak_probe\"}' " + scratch,
                  &dump),
              0)
        << dump.substr(0, 2000);
    std::multiset<int64_t> got;
    std::istringstream in(dump);
    for (std::string line; std::getline(in, line);) {
      got.insert(std::atoll(line.c_str() + line.rfind(' ') + 1));
    }
    const std::set<int64_t>& want = t.probe();
    EXPECT_EQ(got.size(), want.size()) << t.name() << ": samples in the bucket vs acknowledged";
    EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin(), want.end())) << t.name();
    std::filesystem::remove_all(scratch);
  }
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace strata::e2e
