// Appends, queries and compactions at the same time: every committed sample is readable exactly
// once at the end (and after a reopen), and a query never misses a sample acknowledged before it
// started. Also the deterministic cases of an appender that straddles a compaction and of a
// forced compaction under live traffic.
#include <atomic>
#include <iostream>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/db.h"
#include "tsdb/db_test_util.h"
#include "util/testing.h"

namespace strata::tsdb {
namespace {

using storage::AppendResult;
using namespace tsdb::testing;  // NOLINT: kHour, Model, helpers

// Regression test for the race tsdb::Head::SealBelow closes: an appender created while the
// appendable floor was low classifies a sample in-order; the block for that range is written
// before the appender commits. The sample then sat in the head below the block's end, and WAL
// replay (which drops samples below the newest block's end) lost it at the next restart.
TEST(DBConcurrencyTest, AppenderOpenAcrossCompactionKeepsItsSample) {
  strata::testing::TempDir dir;
  FakeClock clock(1000 * kHour);
  auto db = DB::Open(DefaultFs(), dir.path(), {}, &clock);
  ASSERT_TRUE(db.ok());
  Model m;
  const labels::Labels a = TestSeries(0), b = TestSeries(1);
  for (int64_t t = 0; t <= 150 * kMinute; t += kMinute) AppendAndCommit(**db, &m, {{a, t, 1}});
  // Max 2h30m: the floor is 1h30m, so 1h42m is in-order for the new series b.
  auto straddler = (*db)->Appender();
  ASSERT_EQ(AppendOne(*straddler, b, 102 * kMinute, 7), AppendResult::kAppended);
  m.Add(b, 102 * kMinute, 7);
  // Another writer makes the head compactable: [0, 2h) is cut.
  AppendAndCommit(**db, &m, {{a, 3 * kHour + 5 * kMinute, 1}});
  std::thread compactor([&db] { EXPECT_TRUE((*db)->Compact().ok()); });
  // Commit once the compaction has sealed [.., 2h) (or, before the fix, written its block and
  // started truncating): spin, no sleep.
  while ((*db)->head()->min_valid_time() < kRange) std::this_thread::yield();
  ASSERT_TRUE(straddler->Commit().ok());
  compactor.join();
  ASSERT_EQ((*db)->Blocks().size(), 1u);
  EXPECT_EQ((*db)->Blocks()[0]->meta().stats.num_samples, 120u + 1);
  ExpectExactlyOnce(**db, m);
  db->reset();
  db = DB::Open(DefaultFs(), dir.path(), {}, &clock);
  ASSERT_TRUE(db.ok());
  ExpectExactlyOnce(**db, m);
}

// Regression: ForceCompactHead looped "while the head has in-order data", cutting up to the
// head's max time each round; with samples still arriving it chased them, writing a tiny block
// per round and holding the compaction lock until the traffic stopped. Here a sample arrives
// after every block rename (from the Fs hook, so the test is deterministic). Bounding the loop
// needs the head's MinTime to start at the last truncation (Head::CollectGarbage), or the open
// chunk straddling it keeps MinTime below the bound forever.
TEST(DBConcurrencyTest, ForceCompactUnderLiveTrafficPersistsWhatWasThere) {
  strata::testing::TempDir dir;
  FakeClock clock(1000 * kHour);
  HookFs hook(DefaultFs());
  auto opened = DB::Open(&hook, dir.path(), {}, &clock);
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<DB> db = *std::move(opened);
  Model m;
  const labels::Labels a = TestSeries(0);
  for (int64_t t = 0; t <= 3 * kHour; t += kMinute) AppendAndCommit(*db, &m, {{a, t, 1}});
  int64_t next = 3 * kHour + kMinute;
  int arrivals = 0;
  const std::string root = dir.path();
  hook.SetHook([&](FsOp op, const std::string& p) {
    if (op == FsOp::kSyncDir && p == root && arrivals < 50) {
      arrivals++;
      AppendAndCommit(*db, &m, {{a, next, 2}});
      next += kMinute;
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(db->ForceCompactHead().ok());
  hook.ClearHook();
  // [0,2h) and [2h,3h+1): what the head held when the call started.
  EXPECT_EQ(db->Blocks().size(), 2u);
  EXPECT_EQ(arrivals, 2);
  ExpectExactlyOnce(*db, m);
  // The head starts where the last block ends (its open chunk still holds [2h, 3h] too).
  EXPECT_EQ(db->head()->MinTime(), 3 * kHour + 1);
}

// Acknowledged timestamps of one series, readable while its single writer appends.
struct AckedSeries {
  explicit AckedSeries(size_t cap) : ts(cap) {}
  std::vector<int64_t> ts;   // fixed size: never reallocated
  std::atomic<size_t> n{0};  // entries [0, n) are published
  void Publish(int64_t t) {
    ts[n.load(std::memory_order_relaxed)] = t;
    n.fetch_add(1, std::memory_order_release);  // pairs with the reader's acquire load
  }
};

constexpr int kWriters = 3, kSeriesPerWriter = 8, kSteps = 4000;
constexpr int64_t kStep = 30000;

double ValueOf(int id, int64_t t) { return double(t) * 0.001 + id; }

// Regression (the query check): a querier created after a block was written but before the
// head was truncated read the head after its chunks were dropped and missed the block's data.
TEST(DBConcurrencyTest, AppendQueryAndCompactTogether) {
  strata::testing::TempDir dir;
  FakeClock clock(1000 * kHour);
  DBOptions opts;
  opts.head.ooo_time_window_ms = 30 * kMinute;
  opts.head.ooo_cap_max = 8;
  opts.head.wal_segment_bytes = 256 * 1024;
  auto opened = DB::Open(DefaultFs(), dir.path(), opts, &clock);
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<DB> db = *std::move(opened);

  const int n = kWriters * kSeriesPerWriter;
  std::vector<labels::Labels> series;
  std::vector<std::unique_ptr<AckedSeries>> acked;
  for (int i = 0; i < n; i++) {
    series.push_back(TestSeries(i));
    acked.push_back(std::make_unique<AckedSeries>(2 * kSteps));
  }
  std::atomic<int> writers_left{kWriters};
  std::atomic<uint64_t> rejected{0}, queries{0}, compactions{0};
  absl::Mutex err_mu;
  std::vector<std::string> errors;
  auto fail = [&](std::string e) {
    absl::MutexLock l(&err_mu);
    if (errors.size() < 10) errors.push_back(std::move(e));
  };

  auto writer = [&](int w) {
    std::vector<labels::Label> view;
    for (int k = 0; k < kSteps; k++) {
      auto app = db->Appender();
      std::vector<std::pair<int, int64_t>> pending;
      for (int j = 0; j < kSeriesPerWriter; j++) {
        const int id = w * kSeriesPerWriter + j;
        // Every 10th step one sample 5 minutes back (OOO; before 1970 at first) besides the
        // newest one.
        std::vector<int64_t> ts = {k * kStep};
        if (k % 10 == 5 && j == k % kSeriesPerWriter) ts.push_back(k * kStep - 5 * kMinute + 1);
        for (int64_t t : ts) {
          view.assign(series[id].begin(), series[id].end());
          AppendResult r = app->Append(view, t, ValueOf(id, t));
          if (r == AppendResult::kAppended) {
            pending.emplace_back(id, t);
          } else {
            rejected++;
          }
        }
      }
      absl::Status s = app->Commit();
      if (!s.ok()) fail(StrCat("commit: ", s.ToString()));
      for (const auto& [id, t] : pending) acked[id]->Publish(t);
    }
    writers_left--;
  };

  auto reader = [&] {
    while (writers_left.load() > 0) {
      std::vector<size_t> before(n);
      for (int i = 0; i < n; i++) before[i] = acked[i]->n.load(std::memory_order_acquire);
      SeriesSamples got;
      {
        auto q = db->Querier(INT64_MIN, INT64_MAX);
        got = ReadAll(*q);
      }
      queries++;
      for (int i = 0; i < n; i++) {
        const auto& samples = got[series[i].ToString()];
        absl::flat_hash_set<int64_t> seen;
        for (size_t k = 0; k < samples.size(); k++) {
          if (k > 0 && samples[k].t <= samples[k - 1].t) fail("not strictly increasing");
          if (samples[k].v != ValueOf(i, samples[k].t)) fail("wrong value");
          seen.insert(samples[k].t);
        }
        for (size_t k = 0; k < before[i]; k++) {
          if (!seen.contains(acked[i]->ts[k])) {
            fail(StrCat("query missed acknowledged sample ", series[i].ToString(), "@",
                        acked[i]->ts[k]));
            break;
          }
        }
      }
    }
  };

  auto compactor = [&] {
    for (int round = 0; writers_left.load() > 0; round++) {
      absl::Status s = round % 4 == 3 ? db->ForceCompact() : db->Compact();
      if (!s.ok()) fail(StrCat("compact: ", s.ToString()));
      compactions++;
    }
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; w++) threads.emplace_back(writer, w);
  threads.emplace_back(reader);
  threads.emplace_back(compactor);
  for (auto& t : threads) t.join();
  std::cout << "queries " << queries << ", compactions " << compactions << ", rejected "
            << rejected << ", blocks " << db->Blocks().size() << "\n";
  for (const auto& e : errors) ADD_FAILURE() << e;

  Model model;
  for (int i = 0; i < n; i++) {
    for (size_t k = 0; k < acked[i]->n.load(); k++) {
      model.Add(series[i], acked[i]->ts[k], ValueOf(i, acked[i]->ts[k]));
    }
  }
  ExpectExactlyOnce(*db, model);
  ASSERT_TRUE(db->ForceCompact().ok());
  ExpectExactlyOnce(*db, model);
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  db.reset();
  opened = DB::Open(DefaultFs(), dir.path(), opts, &clock);
  ASSERT_TRUE(opened.ok());
  ExpectExactlyOnce(**opened, model);
}

}  // namespace
}  // namespace strata::tsdb
