// Crash safety of the real server (issue "Reliability"): push with acknowledgements, kill the
// process with SIGKILL at a random moment — mid-append, and, while /ingester/flush runs, mid
// head compaction, WAL checkpoint, OOO compaction or shipping — restart it and check that every
// acknowledged sample is readable exactly once with its value, that nothing never sent appears,
// and that the server accepts writes again.
//
// The default run does a few cycles (CI); STRATA_CRASH_CYCLES=500 is the long form, and
// STRATA_CRASH_SEED replays one sequence of kill moments. docs/reliability.md has the figures.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_util.h"
#include "util/testing.h"

namespace strata::e2e {
namespace {

constexpr int kSeries = 20;
constexpr int64_t kMinuteMs = 60 * 1000;
constexpr char kTenant[] = "crash";

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::atoi(v);
}

// Every (series, timestamp) is pushed once, with a value derived from both: a sample read back
// with another value, or at a timestamp never pushed, is corruption.
double ValueOf(int series, int64_t t) { return series * 1e9 + static_cast<double>(t % 1000000000); }

// Acknowledged samples and samples whose push got no answer (they may or may not be stored).
class Ledger {
 public:
  void Record(const std::vector<std::pair<int, int64_t>>& samples, bool acked) {
    std::lock_guard l(mu_);
    for (const auto& s : samples) (acked ? acked_ : unsure_).insert(s);
  }
  std::set<std::pair<int, int64_t>> acked() const {
    std::lock_guard l(mu_);
    return acked_;
  }
  bool MaybeStored(const std::pair<int, int64_t>& s) const {
    std::lock_guard l(mu_);
    return acked_.contains(s) || unsure_.contains(s);
  }

 private:
  mutable std::mutex mu_;
  std::set<std::pair<int, int64_t>> acked_, unsure_;
};

class CrashE2ETest : public ::testing::Test {
 protected:
  void StartServer() {
    server_ = std::make_unique<StrataServer>(dir_.path());
    // Head compaction every second (StrataServer's default): more moments to be killed in.
    ASSERT_TRUE(server_->Start({"-auth.enabled=true", "-ingester.out-of-order-time-window=1h"}))
        << server_->Log();
  }

  // One request: a sample per series at `t` (in order, even), and every third request also a
  // sample per series 40 minutes back (out of order, odd: never the time of an in-order one).
  void PushOnce(int64_t t, bool with_ooo) {
    prompb::WriteRequest req;
    std::vector<std::pair<int, int64_t>> sent;
    for (int i = 0; i < kSeries; i++) {
      prompb::TimeSeries ts;
      ts.labels = {{"__name__", "crash_m"}, {"i", std::to_string(i)}};
      ts.samples.push_back({ValueOf(i, t), t});
      sent.emplace_back(i, t);
      req.timeseries.push_back(std::move(ts));
    }
    if (with_ooo) {
      for (int i = 0; i < kSeries; i++) {
        const int64_t late = t - 40 * kMinuteMs + 1;
        prompb::TimeSeries ts;
        ts.labels = {{"__name__", "crash_m"}, {"i", std::to_string(i)}};
        ts.samples.push_back({ValueOf(i, late), late});
        sent.emplace_back(i, late);
        req.timeseries.push_back(std::move(ts));
      }
    }
    const int status = server_->Push(req, kTenant).status;
    ledger_.Record(sent, status == 200);
  }

  // Every sample the server returns, by (series, timestamp) → value.
  std::map<std::pair<int, int64_t>, double> ReadBack() {
    const std::string q = "/prometheus/api/v1/query?query=crash_m%5B3h%5D&time=" +
                          std::to_string(NowMs() / 1000 + 60);
    HttpResult r = HttpCall(server_->port(), "GET", q, "", PushHeaders(kTenant));
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::pair<int, int64_t>, double> out;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded()) return out;
    for (const auto& series : j["data"]["result"]) {
      const int i = std::stoi(series["metric"]["i"].get<std::string>());
      for (const auto& v : series["values"]) {
        const auto t = static_cast<int64_t>(std::llround(v[0].get<double>() * 1000));
        const bool fresh = out.emplace(std::make_pair(i, t), std::stod(v[1].get<std::string>())).second;
        EXPECT_TRUE(fresh) << "sample read twice: series " << i << " at " << t;
      }
    }
    return out;
  }

  void CheckEverythingAcknowledgedIsThere(int cycle) {
    SCOPED_TRACE(::testing::Message() << "after kill " << cycle);
    const auto got = ReadBack();
    size_t missing = 0, wrong = 0, invented = 0;
    for (const auto& s : ledger_.acked()) {
      auto it = got.find(s);
      if (it == got.end()) {
        missing++;
      } else if (it->second != ValueOf(s.first, s.second)) {
        wrong++;
      }
    }
    for (const auto& [s, v] : got) invented += ledger_.MaybeStored(s) ? 0 : 1;
    EXPECT_EQ(missing, 0u) << "acknowledged samples lost";
    EXPECT_EQ(wrong, 0u) << "samples with another value";
    EXPECT_EQ(invented, 0u) << "samples never pushed";
    acked_checked_ = ledger_.acked().size();
  }

  strata::testing::TempDir dir_;
  std::unique_ptr<StrataServer> server_;
  Ledger ledger_;
  size_t acked_checked_ = 0;
};

TEST_F(CrashE2ETest, KillAtRandomMomentsLosesNothingAcknowledged) {
  const int cycles = EnvInt("STRATA_CRASH_CYCLES", 6);
  const unsigned seed = static_cast<unsigned>(EnvInt("STRATA_CRASH_SEED", std::random_device{}()));
  std::mt19937 rng(seed);
  RecordProperty("seed", static_cast<int>(seed));
  std::cout << "crash harness: " << cycles << " cycles, STRATA_CRASH_SEED=" << seed << "\n";
  // In-order timestamps follow the wall clock, even and strictly increasing.
  int64_t t = 0;
  int requests = 0;
  for (int cycle = 1; cycle <= cycles; cycle++) {
    StartServer();
    if (::testing::Test::HasFailure()) return;
    if (cycle > 1) CheckEverythingAcknowledgedIsThere(cycle - 1);
    if (::testing::Test::HasFailure()) return;
    // Push from one thread; flush (force compaction + shipping) from another half the time;
    // kill after a random while.
    std::atomic<bool> stop{false};
    std::thread pusher([&] {
      while (!stop) {
        t = std::max(t + 2, NowMs() & ~int64_t{1});
        PushOnce(t, ++requests % 3 == 0);
      }
    });
    std::thread flusher;
    if (rng() % 2 == 0) {
      flusher = std::thread([&] {
        while (!stop) HttpCall(server_->port(), "POST", "/ingester/flush?wait=true", "", {});
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 400));  // the kill moment
    server_->Stop(SIGKILL);
    stop = true;
    pusher.join();
    if (flusher.joinable()) flusher.join();
  }
  StartServer();
  if (::testing::Test::HasFailure()) return;
  CheckEverythingAcknowledgedIsThere(cycles);
  // And it takes writes again.
  t = std::max(t + 2, NowMs() & ~int64_t{1});
  PushOnce(t, false);
  EXPECT_TRUE(ledger_.acked().contains({0, t}));
  std::cout << "crash harness: " << acked_checked_ << " acknowledged samples checked after "
            << cycles << " kills, none lost\n";
  EXPECT_GT(acked_checked_, 0u);
}

}  // namespace
}  // namespace strata::e2e
