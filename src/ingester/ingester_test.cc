#include "ingester/ingester.h"

#include <filesystem>
#include <iostream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/list_series.h"
#include "tsdb/record/record.h"
#include "tsdb/wal/reader.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata::ingester {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;

// Owns label storage for PushSeries views.
struct TestSeries {
  labels::Labels lset;
  std::vector<labels::Label> view;
  std::vector<prompb::Sample> samples;
  TestSeries(labels::Labels l, std::vector<prompb::Sample> s)
      : lset(std::move(l)), view(lset.begin(), lset.end()), samples(std::move(s)) {}
  PushSeries AsPush() const { return PushSeries{view, samples}; }
};

int CountWblSamples(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  auto r = tsdb::wal::Reader::Open(DefaultFs(), tsdb::wal::SegmentRange{dir});
  int n = 0;
  while ((*r)->Next()) {
    auto t = tsdb::record::Type((*r)->record());
    if (t.ok() && *t == tsdb::record::RecordType::kSamples) n++;
  }
  return n;
}

class IngesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_.tsdb_dir = dir_.Join("tsdb");
    cfg_.bucket_dir = dir_.Join("bucket");
    cfg_.head_compaction_idle_timeout_ms = 10 * kMinute;
    cfg_.close_idle_tsdb_timeout_ms = 20 * kMinute;
    cfg_.active_series_idle_timeout_ms = 5 * kMinute;
    limits::Limits with_ooo;
    with_ooo.out_of_order_time_window_ms = kHour;
    overrides_ = limits::Overrides(limits::Limits{}, {{"ooo-tenant", with_ooo}});
  }

  std::unique_ptr<Ingester> Open(Fs* fs = DefaultFs()) {
    auto ing = Ingester::Open(fs, cfg_, &clock_, &overrides_);
    EXPECT_TRUE(ing.ok()) << ing.status();
    return ing.ok() ? *std::move(ing) : nullptr;
  }

  PushResult Push(Ingester& ing, const std::string& tenant, const std::vector<TestSeries>& series) {
    std::vector<PushSeries> push;
    for (const auto& s : series) push.push_back(s.AsPush());
    return ing.Push(tenant, push);
  }

  // Every sample of the tenant, from blocks and head.
  std::map<std::string, std::vector<storage::Sample>> ReadAll(Ingester& ing, const std::string& t) {
    auto q = ing.Querier(t, INT64_MIN, INT64_MAX);
    auto set = q->Select(true, {}, {});
    auto got = storage::ExpandSeriesSet(*set);
    EXPECT_TRUE(got.ok()) << got.status();
    std::map<std::string, std::vector<storage::Sample>> out;
    for (auto& [l, s] : *got) out[l.ToString()] = s;
    return out;
  }

  strata::testing::TempDir dir_;
  FakeClock clock_{100 * kHour};
  IngesterConfig cfg_;
  limits::Overrides overrides_;
};

// The seed, at the ingester level: a tenant with an OOO window pushes in-order and late samples,
// then stops. One compaction tick after the idle timeout empties both heads.
TEST_F(IngesterTest, SeedIdleTenantGivesEverythingBack) {
  auto ing = Open();
  const int64_t now = clock_.NowMs();
  TestSeries in_order({{"__name__", "up"}, {"job", "a"}}, {});
  for (int64_t t = now - 30 * kMinute; t <= now; t += kMinute) in_order.samples.push_back({1, t});
  TestSeries late({{"__name__", "late"}, {"job", "b"}}, {{2, now}});
  ASSERT_TRUE(Push(*ing, "ooo-tenant", {in_order, late}).status.ok());
  TestSeries late_samples({{"__name__", "late"}, {"job", "b"}}, {});
  for (int64_t t = now - 40 * kMinute; t < now; t += kMinute) late_samples.samples.push_back({3, t});
  PushResult r = Push(*ing, "ooo-tenant", {late_samples});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.appended, 40u);
  auto before = ReadAll(*ing, "ooo-tenant");
  auto t = ing->GetTenantForTesting("ooo-tenant");
  ASSERT_GT(t->db().head()->Stats().num_ooo_chunks, 0u);

  // Not idle yet: a regular tick keeps the data in memory.
  clock_.AdvanceMs(5 * kMinute);
  ing->CompactionTick();
  EXPECT_EQ(t->db().head()->Stats().num_series, 2u);

  // Idle (timeout 10m + up to 25% jitter): the next tick force-compacts in-order AND OOO.
  clock_.AdvanceMs(10 * kMinute);
  ing->CompactionTick();
  ing->ActiveSeriesTick();
  tsdb::DBStats st = t->db().Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_ooo_chunks, 0u);
  EXPECT_EQ(st.head.num_chunks, 0u);
  EXPECT_EQ(t->active_series(), 0u);
  EXPECT_EQ(CountWblSamples(t->dir() + "/wbl"), 0);
  EXPECT_EQ(ing->counters().compactions_failed.load(), 0u);
  EXPECT_EQ(ReadAll(*ing, "ooo-tenant"), before);

  // Close idle: ship, then the tenant and its local data go away.
  ing->ShipTick();
  clock_.AdvanceMs(10 * kMinute);
  ing->CloseIdleTick();
  EXPECT_EQ(ing->NumTenants(), 0u);
  EXPECT_FALSE(std::filesystem::exists(t->dir()));
  EXPECT_FALSE(std::filesystem::is_empty(cfg_.bucket_dir + "/ooo-tenant"));
  t.reset();

  // A new push brings the tenant back.
  TestSeries again({{"__name__", "up"}, {"job", "a"}}, {{5, clock_.NowMs()}});
  ASSERT_TRUE(Push(*ing, "ooo-tenant", {again}).status.ok());
  EXPECT_EQ(ing->NumTenants(), 1u);
}

TEST_F(IngesterTest, FailedOOOCompactionIsCountedLosesNothingAndRetries) {
  FaultInjectionFs faulty(DefaultFs());
  auto ing = Open(&faulty);
  const int64_t now = clock_.NowMs();
  TestSeries s({{"__name__", "m"}}, {{1, now}});
  ASSERT_TRUE(Push(*ing, "ooo-tenant", {s}).status.ok());
  TestSeries late({{"__name__", "m"}}, {{2, now - 20 * kMinute}, {3, now - 10 * kMinute}});
  ASSERT_TRUE(Push(*ing, "ooo-tenant", {late}).status.ok());
  auto before = ReadAll(*ing, "ooo-tenant");

  auto t = ing->GetTenantForTesting("ooo-tenant");
  // Persist the in-order part first, so the injected fault hits the OOO block.
  ASSERT_TRUE(t->db().ForceCompactHead().ok());
  ASSERT_GT(t->db().head()->Stats().num_ooo_chunks, 0u);
  const int wbl_before = CountWblSamples(t->dir() + "/wbl");
  ASSERT_GT(wbl_before, 0);

  clock_.AdvanceMs(20 * kMinute);
  faulty.InjectError(FsOp::kRename, ".tmp-for-creation", absl::InternalError("injected"), 1);
  ing->CompactionTick();
  EXPECT_EQ(ing->counters().compactions_failed.load(), 1u);
  EXPECT_EQ(faulty.faults_injected(), 1);
  EXPECT_EQ(ReadAll(*ing, "ooo-tenant"), before);
  EXPECT_EQ(CountWblSamples(t->dir() + "/wbl"), wbl_before) << "the WBL must stay intact";
  EXPECT_GT(t->db().head()->Stats().num_ooo_chunks, 0u);

  faulty.ClearFaults();
  ing->CompactionTick();
  EXPECT_EQ(ing->counters().compactions_failed.load(), 1u);
  EXPECT_EQ(t->db().head()->Stats().num_ooo_chunks, 0u);
  EXPECT_EQ(CountWblSamples(t->dir() + "/wbl"), 0);
  EXPECT_EQ(t->db().head()->Stats().num_series, 0u);
  EXPECT_EQ(ReadAll(*ing, "ooo-tenant"), before);
}

// A full disk: the commit that cannot be logged (its record torn by a short write) is refused
// with 503 and changes nothing. The tenant then leaves the map and is reopened after a backoff,
// replaying its log (which cuts the torn tail); while the disk stays full each reopen fails the
// same way with a longer backoff, and once space returns pushes are accepted again, with nothing
// acknowledged lost — without restarting the ingester.
TEST_F(IngesterTest, DiskFullRefusesWithRetryAndRecoversWhenSpaceReturns) {
  FaultInjectionFs faulty(DefaultFs());
  auto ing = Open(&faulty);
  const int64_t now = clock_.NowMs();
  ASSERT_TRUE(Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{1, now}})}).status.ok());
  const auto acked = ReadAll(*ing, "t");

  faulty.SetSpaceLimit(10);
  PushResult full = Push(*ing, "t", {TestSeries({{"__name__", "b"}}, {{2, now + 1}})});
  EXPECT_TRUE(absl::IsUnavailable(full.status)) << full.status;
  EXPECT_EQ(full.appended, 0u);
  EXPECT_EQ(ing->counters().wal_writes_failed.load(), 1u);
  EXPECT_EQ(ing->counters().reopens_after_write_error.load(), 1u);

  // Until the backoff passes: 503 for pushes, and queries are unavailable (not empty).
  PushResult waiting = Push(*ing, "t", {TestSeries({{"__name__", "c"}}, {{3, now + 2}})});
  EXPECT_TRUE(absl::IsUnavailable(waiting.status)) << waiting.status;
  EXPECT_THAT(waiting.status.message(), ::testing::HasSubstr("reopened after a write error"));
  EXPECT_EQ(ing->Querier("t", INT64_MIN, INT64_MAX), nullptr);

  // A reopen while the disk is still full fails (cutting the torn record pads the segment to a
  // page), and the next one waits longer.
  clock_.AdvanceMs(1000);
  PushResult reopen = Push(*ing, "t", {TestSeries({{"__name__", "c"}}, {{3, now + 2}})});
  EXPECT_TRUE(absl::IsUnavailable(reopen.status)) << reopen.status;
  clock_.AdvanceMs(1000);
  EXPECT_TRUE(absl::IsUnavailable(Push(*ing, "t", {}).status)) << "the second backoff is 2 s";

  // Space returns; once the backoff passed, the compaction tick reopens the tenant by itself.
  faulty.ClearFaults();
  clock_.AdvanceMs(1000);
  ing->CompactionTick();
  EXPECT_NE(ing->GetTenantForTesting("t"), nullptr);
  EXPECT_EQ(ReadAll(*ing, "t"), acked);
  PushResult back = Push(*ing, "t", {TestSeries({{"__name__", "d"}}, {{4, now + 3}})});
  ASSERT_TRUE(back.status.ok()) << back.status;
  auto want = acked;
  want["{__name__=\"d\"}"] = {{now + 3, 4}};
  EXPECT_EQ(ReadAll(*ing, "t"), want);
  ing.reset();
  EXPECT_EQ(ReadAll(*Open(), "t"), want) << "and it is all in the log";
}

// Regression: a tenant that recovered from a write error and later went idle and was closed
// stayed on the recovery list, so every compaction tick reopened it (an empty TSDB, closed again
// when idle) and a query for it created it again.
TEST_F(IngesterTest, ATenantClosedAfterRecoveringStaysClosed) {
  FaultInjectionFs faulty(DefaultFs());
  auto ing = Open(&faulty);
  const int64_t now = clock_.NowMs();
  faulty.SetSpaceLimit(10);
  EXPECT_TRUE(absl::IsUnavailable(Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{1, now}})}).status));
  faulty.ClearFaults();
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{2, now + 1000}})}).status.ok());

  // Idle: compacted, shipped, closed and its local data deleted.
  clock_.AdvanceMs(30 * kMinute);
  ing->CompactionTick();
  ing->ShipTick();
  ing->CloseIdleTick();
  ASSERT_EQ(ing->NumTenants(), 0u);
  const std::string dir = cfg_.tsdb_dir + "/t";
  ASSERT_FALSE(std::filesystem::exists(dir));

  ing->CompactionTick();
  EXPECT_EQ(ing->NumTenants(), 0u);
  EXPECT_TRUE(ReadAll(*ing, "t").empty());
  EXPECT_EQ(ing->NumTenants(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

// Pushes from several threads while the disk fills up and frees again, with queries and ticks
// running: every push is either acknowledged or refused with 503, and after recovery every
// acknowledged sample is there exactly once.
TEST_F(IngesterTest, ConcurrentPushesThroughADiskFullSpellLoseNothingAcknowledged) {
  FaultInjectionFs faulty(DefaultFs());
  auto ing = Open(&faulty);
  const int64_t start = clock_.NowMs();
  constexpr int kThreads = 4;
  std::vector<std::vector<int64_t>> acked(kThreads);
  std::atomic<int> pushes{0}, refused{0};
  std::atomic<bool> done{false};
  {
    std::vector<std::jthread> pushers;
    for (int w = 0; w < kThreads; w++) {
      pushers.emplace_back([&, w] {
        const labels::Labels lset{{"__name__", "m"}, {"w", std::to_string(w)}};
        for (int i = 0; !done; i++) {
          PushResult r = Push(*ing, "t", {TestSeries(lset, {{double(i), start + i}})});
          if (r.status.ok()) {
            acked[w].push_back(start + i);
          } else {
            EXPECT_TRUE(absl::IsUnavailable(r.status)) << r.status;
            refused++;
          }
          pushes++;
        }
      });
    }
    // Full, free, full, free...: each phase lasts 300 pushes, with ticks and queries meanwhile.
    for (int phase = 0; phase < 6; phase++) {
      faulty.SetSpaceLimit(phase % 2 == 0 ? 3000 : INT64_MAX / 2);
      for (const int until = pushes + 300; pushes < until;) {
        clock_.AdvanceMs(500);
        ing->CompactionTick();
        (void)ing->Querier("t", INT64_MIN, INT64_MAX);
      }
    }
    faulty.ClearFaults();
    done = true;
  }
  clock_.AdvanceMs(kHour);
  ing->CompactionTick();
  const auto got = ReadAll(*ing, "t");
  for (int w = 0; w < kThreads; w++) {
    const std::string series = "{__name__=\"m\", w=\"" + std::to_string(w) + "\"}";
    std::vector<int64_t> times;
    if (auto it = got.find(series); it != got.end()) {
      for (const auto& smp : it->second) times.push_back(smp.t);
    }
    // Refused pushes may or may not have reached the log (the client retries them), but every
    // acknowledged one is there.
    for (int64_t t : acked[w]) EXPECT_TRUE(std::binary_search(times.begin(), times.end(), t)) << t;
    EXPECT_TRUE(std::adjacent_find(times.begin(), times.end()) == times.end()) << "a duplicate";
  }
  EXPECT_GT(refused, 0) << "the disk was never full";
  EXPECT_GT(ing->counters().reopens_after_write_error.load(), 0u);
}

// Active series (Cortex): series that received an accepted sample within the idle timeout (5 min
// here), counted on the update tick; in memory is not the same as active.
TEST_F(IngesterTest, ActiveSeriesAreThoseWithAnAcceptedSampleWithinTheIdleTimeout) {
  auto ing = Open();
  const int64_t t0 = clock_.NowMs();
  const TestSeries a({{"__name__", "a"}}, {{1, t0}}), b({{"__name__", "b"}}, {{1, t0}}),
      c({{"__name__", "c"}}, {{1, t0}});
  ASSERT_TRUE(Push(*ing, "t", {a, b, c}).status.ok());
  auto t = ing->GetTenantForTesting("t");
  EXPECT_EQ(t->active_series(), 0u) << "counted on the tick";
  ing->ActiveSeriesTick();
  EXPECT_EQ(t->active_series(), 3u);

  clock_.AdvanceMs(3 * kMinute);
  ASSERT_TRUE(Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{2, t0 + 3 * kMinute}})}).status.ok());
  // A rejected sample (out of order) does not make its series active.
  EXPECT_FALSE(Push(*ing, "t", {TestSeries({{"__name__", "b"}}, {{2, t0 - kMinute}})}).status.ok());
  clock_.AdvanceMs(3 * kMinute);
  ing->ActiveSeriesTick();
  EXPECT_EQ(t->active_series(), 1u);
  EXPECT_EQ(t->db().head()->Stats().num_series, 3u);
  clock_.AdvanceMs(3 * kMinute);
  ing->ActiveSeriesTick();
  EXPECT_EQ(t->active_series(), 0u);
}

// The idle close refuses pushes while it decides; when a push landed just before (the tenant is
// not idle after all) it admits pushes again. Regression: it used to leave the tenant closing,
// so every later push got 503 "TSDB is closing".
TEST_F(IngesterTest, AnAbortedCloseAdmitsPushesAgain) {
  auto ing = Open();
  const int64_t now = clock_.NowMs();
  ASSERT_TRUE(Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{1, now}})}).status.ok());
  auto t = ing->GetTenantForTesting("t");
  ASSERT_TRUE(t->StartClosing());
  PushResult refused = Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{2, now + 1}})});
  EXPECT_TRUE(absl::IsUnavailable(refused.status)) << refused.status;
  t->AbortClosing();
  PushResult again = Push(*ing, "t", {TestSeries({{"__name__", "a"}}, {{3, now + 2}})});
  EXPECT_TRUE(again.status.ok()) << again.status;
}

TEST_F(IngesterTest, ManyTenantsGoIdleWhileOthersKeepIngesting) {
  cfg_.close_idle_tsdb_timeout_ms = 0;
  auto ing = Open();
  const int64_t now = clock_.NowMs();
  for (int i = 0; i < 100; i++) {
    TestSeries s({{"__name__", "m"}, {"i", std::to_string(i)}}, {{1, now - kMinute}, {2, now}});
    ASSERT_TRUE(Push(*ing, "tenant-" + std::to_string(i), {s}).status.ok());
  }
  clock_.AdvanceMs(15 * kMinute);
  // Tenant 0 keeps writing; the others went quiet.
  TestSeries busy({{"__name__", "m"}, {"i", "0"}}, {{3, clock_.NowMs()}});
  ASSERT_TRUE(Push(*ing, "tenant-0", {busy}).status.ok());
  ing->CompactionTick();
  uint64_t in_memory = 0;
  for (const UserStats& u : ing->AllUserStats()) in_memory += u.num_series;
  EXPECT_EQ(in_memory, 1u);
  EXPECT_EQ(ing->GetTenantForTesting("tenant-0")->db().head()->Stats().num_series, 1u);
  EXPECT_EQ(ReadAll(*ing, "tenant-7")["{__name__=\"m\", i=\"7\"}"].size(), 2u);
}

TEST_F(IngesterTest, SeriesLimitsAnswerWithCortexMessages) {
  limits::Limits small;
  small.max_series_per_user = 2;
  small.max_series_per_metric = 1;
  overrides_ = limits::Overrides(limits::Limits{}, {{"small", small}});
  auto ing = Open();
  const int64_t now = clock_.NowMs();
  TestSeries a({{"__name__", "a"}}, {{1, now}});
  TestSeries a2({{"__name__", "a"}, {"x", "1"}}, {{1, now}});
  TestSeries b({{"__name__", "b"}}, {{1, now}});
  TestSeries c({{"__name__", "c"}}, {{1, now}});
  PushResult r = Push(*ing, "small", {a, a2, b, c});
  EXPECT_EQ(r.appended, 2u);
  EXPECT_EQ(r.discarded["per_metric_series_limit"], 1u);
  EXPECT_EQ(r.discarded["per_user_series_limit"], 1u);
  EXPECT_TRUE(absl::IsInvalidArgument(r.status));
  EXPECT_EQ(r.status.message(),
            "user=small: per-metric series limit of 1 exceeded for metric a, please contact "
            "administrator to raise it (local limit: 1 global limit: 0 actual local limit: 1)");
}

TEST_F(IngesterTest, ReplayedSeriesCountAgainstThePerMetricLimit) {
  limits::Limits small;
  small.max_series_per_metric = 2;
  overrides_ = limits::Overrides(limits::Limits{}, {{"small", small}});
  const int64_t now = clock_.NowMs();
  TestSeries a1({{"__name__", "a"}, {"x", "1"}}, {{1, now}});
  TestSeries a2({{"__name__", "a"}, {"x", "2"}}, {{1, now}});
  TestSeries a3({{"__name__", "a"}, {"x", "3"}}, {{1, now}});
  {
    auto ing = Open();
    ASSERT_EQ(Push(*ing, "small", {a1, a2}).appended, 2u);
  }
  auto ing = Open();  // the two series come back from the WAL
  EXPECT_EQ(ing->AllUserStats()[0].largest_metric_series, 2);
  PushResult r = Push(*ing, "small", {a3});
  EXPECT_EQ(r.appended, 0u);
  EXPECT_EQ(r.discarded["per_metric_series_limit"], 1u);
  // Once they are compacted away, the metric has room again.
  ing->Flush({"small"});
  EXPECT_EQ(Push(*ing, "small", {a3}).appended, 1u);
}

TEST_F(IngesterTest, CountsSeriesCreatedAndRemovedAndOldestUnshippedBlock) {
  auto ing = Open();
  const int64_t now = clock_.NowMs();
  TestSeries a({{"__name__", "a"}}, {{1, now}});
  TestSeries b({{"__name__", "b"}}, {{1, now}});
  ASSERT_TRUE(Push(*ing, "t", {a, b}).status.ok());
  ASSERT_TRUE(Push(*ing, "t", {a}).status.ok());  // no new series
  auto stats = ing->AllUserStats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].series_created, 2u);
  EXPECT_EQ(stats[0].series_removed, 0u);
  EXPECT_EQ(stats[0].oldest_unshipped_block_ms, 0);  // no block yet

  ing->CompactionTick(/*force=*/true, {"t"});  // a block, not shipped yet
  stats = ing->AllUserStats();
  EXPECT_EQ(stats[0].series_removed, 2u);
  auto t = ing->GetTenantForTesting("t");
  ASSERT_EQ(t->db().Blocks().size(), 1u);
  EXPECT_EQ(stats[0].oldest_unshipped_block_ms, t->db().Blocks()[0]->meta().ulid.time_ms());
  EXPECT_GT(stats[0].oldest_unshipped_block_ms, 0);

  ing->ShipTick();
  EXPECT_EQ(ing->AllUserStats()[0].oldest_unshipped_block_ms, 0);
}

TEST_F(IngesterTest, RejectedSamplesKeepTheRestAndNameTheFirstError) {
  auto ing = Open();
  const int64_t now = 1700000000000;
  clock_.SetMs(now);
  TestSeries s({{"__name__", "m"}}, {{1, now}});
  ASSERT_TRUE(Push(*ing, "t", {s}).status.ok());
  TestSeries old({{"__name__", "m"}}, {{2, now - 1000}, {3, now + 1000}});
  PushResult r = Push(*ing, "t", {old});
  EXPECT_EQ(r.appended, 1u);
  EXPECT_EQ(r.discarded["sample-out-of-order"], 1u);
  EXPECT_EQ(r.status.message(),
            "user=t: err: out of order sample. timestamp=2023-11-14T22:13:19Z, series={__name__=\"m\"}");
}

TEST_F(IngesterTest, PushesDuringForcedCompactionAreNotLost) {
  auto ing = Open();
  const int64_t start = clock_.NowMs();
  std::atomic<bool> done{false};
  std::atomic<int> pushed{0};
  std::thread writer([&] {
    for (int i = 0; i < 400; i++) {
      TestSeries s({{"__name__", "m"}, {"w", std::to_string(i % 4)}}, {{double(i), start + i}});
      PushResult r = Push(*ing, "t", {s});
      if (r.status.ok()) pushed++;
    }
    done = true;
  });
  while (!done) ing->Flush({"t"});
  writer.join();
  ing->Flush({"t"});
  size_t total = 0;
  for (auto& [l, s] : ReadAll(*ing, "t")) total += s.size();
  EXPECT_EQ(pushed.load(), 400);
  EXPECT_EQ(total, 400u);
}

TEST_F(IngesterTest, ReopenFindsTenantsAndTheirData) {
  {
    auto ing = Open();
    TestSeries s({{"__name__", "m"}}, {{1, clock_.NowMs()}});
    ASSERT_TRUE(Push(*ing, "t1", {s}).status.ok());
    ASSERT_TRUE(Push(*ing, "t2", {s}).status.ok());
  }
  auto ing = Open();
  EXPECT_EQ(ing->NumTenants(), 2u);
  EXPECT_EQ(ReadAll(*ing, "t2")["{__name__=\"m\"}"].size(), 1u);
}

TEST_F(IngesterTest, StartAndStopReturnPromptly) {
  cfg_.head_compaction_interval_ms = 3600 * 1000;  // the loops would sleep for an hour
  auto ing = Open();
  ing->Start();
  ing->Stop();  // must not wait for the interval
  SUCCEED();
}

}  // namespace
}  // namespace strata::ingester
