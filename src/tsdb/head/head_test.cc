#include "tsdb/head/head.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/tsdb_test_util.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata::tsdb::head {
namespace {

using storage::AppendResult;
using storage::Sample;
using ::testing::ElementsAre;
using tsdb::testing::AppendOne;
using tsdb::testing::ReadAll;

constexpr int64_t kHour = 3600 * 1000;

class HeadTest : public ::testing::Test {
 protected:
  std::unique_ptr<Head> OpenHead(HeadOptions opts = {}, int64_t min_valid = INT64_MIN) {
    auto h = Head::Open(fs_, dir_.path(), opts, min_valid);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *std::move(h) : nullptr;
  }

  strata::testing::TempDir dir_;
  Fs* fs_ = DefaultFs();
  labels::Labels a_{{"__name__", "a"}, {"job", "x"}};
  labels::Labels b_{{"__name__", "b"}, {"job", "x"}};
};

TEST_F(HeadTest, AppendCommitQuery) {
  auto h = OpenHead();
  auto app = h->Appender();
  for (int i = 0; i < 300; i++) {
    ASSERT_EQ(AppendOne(*app, a_, i * 1000, i), AppendResult::kAppended);
  }
  ASSERT_EQ(AppendOne(*app, b_, 5, 1.5), AppendResult::kAppended);
  ASSERT_TRUE(app->Commit().ok());

  auto q = h->Querier(0, 299000);
  auto all = ReadAll(*q);
  ASSERT_EQ(all.size(), 2u);
  const auto& sa = all[a_.ToString()];
  ASSERT_EQ(sa.size(), 300u);
  for (int i = 0; i < 300; i++) EXPECT_EQ(sa[i], (Sample{i * 1000, double(i)}));
  EXPECT_THAT(all[b_.ToString()], ElementsAre(Sample{5, 1.5}));

  HeadStats st = h->Stats();
  EXPECT_EQ(st.num_series, 2u);
  EXPECT_EQ(st.min_time, 0);
  EXPECT_EQ(st.max_time, 299000);
  EXPECT_GE(st.num_chunks, 3u);  // 300 samples: at least 3 chunks of <=120 (cut at 120 estimate)
}

TEST_F(HeadTest, QueryClipsToRange) {
  auto h = OpenHead();
  auto app = h->Appender();
  for (int i = 0; i < 10; i++) AppendOne(*app, a_, i * 10, i);
  ASSERT_TRUE(app->Commit().ok());
  auto q = h->Querier(25, 55);
  EXPECT_THAT(ReadAll(*q)[a_.ToString()],
              ElementsAre(Sample{30, 3}, Sample{40, 4}, Sample{50, 5}));
}

TEST_F(HeadTest, OutcomesAsPrometheusNamesThem) {
  auto h = OpenHead();
  {
    auto app = h->Appender();
    AppendOne(*app, a_, 10 * kHour, 1);
    ASSERT_TRUE(app->Commit().ok());
  }
  auto app = h->Appender();
  EXPECT_EQ(AppendOne(*app, a_, 10 * kHour, 1), AppendResult::kDuplicateIgnored);
  EXPECT_EQ(AppendOne(*app, a_, 10 * kHour, 2), AppendResult::kDuplicateSample);
  EXPECT_EQ(AppendOne(*app, a_, 10 * kHour - 1, 2), AppendResult::kOutOfOrder);
  // Below max time - R/2 = 9h: out of bounds.
  EXPECT_EQ(AppendOne(*app, a_, 8 * kHour, 2), AppendResult::kOutOfBounds);
  EXPECT_EQ(AppendOne(*app, b_, 8 * kHour, 2), AppendResult::kOutOfBounds);
  EXPECT_EQ(AppendOne(*app, a_, 10 * kHour + 1, 3), AppendResult::kAppended);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(storage::AppendResultMessage(AppendResult::kOutOfBounds), "out of bounds");
  auto q = h->Querier(0, 11 * kHour);
  EXPECT_THAT(ReadAll(*q)[a_.ToString()],
              ElementsAre(Sample{10 * kHour, 1}, Sample{10 * kHour + 1, 3}));
}

TEST_F(HeadTest, OutOfOrderWithinWindowMergesSorted) {
  HeadOptions opts;
  opts.ooo_time_window_ms = kHour;
  auto h = OpenHead(opts);
  {
    auto app = h->Appender();
    for (int i = 10; i < 20; i++) AppendOne(*app, a_, i * 60000, i);
    ASSERT_TRUE(app->Commit().ok());
  }
  auto app = h->Appender();
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(AppendOne(*app, a_, i * 60000 + 30000, 100 + i), AppendResult::kAppended) << i;
  }
  // More than the window behind the newest sample: too old.
  EXPECT_EQ(AppendOne(*app, a_, 19 * 60000 - kHour - 1, 1), AppendResult::kTooOld);
  ASSERT_TRUE(app->Commit().ok());
  auto q = h->Querier(0, kHour);
  auto samples = ReadAll(*q)[a_.ToString()];
  ASSERT_EQ(samples.size(), 20u);
  for (size_t i = 1; i < samples.size(); i++) EXPECT_LT(samples[i - 1].t, samples[i].t);
  EXPECT_EQ(h->Stats().num_ooo_series, 1u);
}

TEST_F(HeadTest, OOOChunksAreMmappedAtCap) {
  HeadOptions opts;
  opts.ooo_time_window_ms = kHour;
  opts.ooo_cap_max = 4;
  auto h = OpenHead(opts);
  auto app = h->Appender();
  AppendOne(*app, a_, 1000000, 0);
  ASSERT_TRUE(app->Commit().ok());
  app = h->Appender();
  for (int i = 0; i < 10; i++) AppendOne(*app, a_, 1000 * i, i);
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(h->Stats().num_ooo_chunks, 3u);  // 4 + 4 m-mapped, 2 in the head chunk
  auto q = h->Querier(0, 2000000);
  EXPECT_EQ(ReadAll(*q)[a_.ToString()].size(), 11u);
}

TEST_F(HeadTest, ReplayRestoresInOrderAndOOOData) {
  HeadOptions opts;
  opts.ooo_time_window_ms = kHour;
  opts.ooo_cap_max = 3;
  testing::SeriesSamples before;
  {
    auto h = OpenHead(opts);
    auto app = h->Appender();
    for (int i = 100; i < 400; i++) AppendOne(*app, a_, i * 1000, i);
    ASSERT_TRUE(app->Commit().ok());
    app = h->Appender();
    for (int i = 0; i < 50; i++) AppendOne(*app, a_, i * 1000 + 500, -i);
    for (int i = 0; i < 5; i++) AppendOne(*app, b_, i, i);
    ASSERT_TRUE(app->Commit().ok());
    auto q = h->Querier(INT64_MIN, INT64_MAX);
    before = ReadAll(*q);
  }
  auto h = OpenHead(opts);
  EXPECT_EQ(h->replay_stats().corruptions_repaired, 0u);
  auto q = h->Querier(INT64_MIN, INT64_MAX);
  EXPECT_EQ(ReadAll(*q), before);
  EXPECT_EQ(before[a_.ToString()].size(), 350u);
  // Appends continue after the replayed data.
  auto app = h->Appender();
  EXPECT_EQ(AppendOne(*app, a_, 399000, 399), AppendResult::kDuplicateIgnored);
  EXPECT_EQ(AppendOne(*app, a_, 400000, 400), AppendResult::kAppended);
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(HeadTest, TornWalTailKeepsEverythingBefore) {
  {
    auto h = OpenHead();
    for (int batch = 0; batch < 3; batch++) {
      auto app = h->Appender();
      AppendOne(*app, a_, batch, batch);
      ASSERT_TRUE(app->Commit().ok());
    }
  }
  // Cut the last record in half, as a crash in the middle of a write would.
  auto segs = fs_->ListDir(dir_.Join("wal"));
  ASSERT_TRUE(segs.ok());
  std::string last = dir_.Join("wal/" + segs->back());
  // The log pads its last page with zeros on close; find the end of the data.
  std::string data = *fs_->ReadFile(last);
  size_t end = data.find_last_not_of('\0') + 1;
  ASSERT_TRUE(fs_->Truncate(last, end - 5).ok());
  auto h = OpenHead();
  auto q = h->Querier(INT64_MIN, INT64_MAX);
  EXPECT_THAT(ReadAll(*q)[a_.ToString()], ElementsAre(Sample{0, 0}, Sample{1, 1}));
}

TEST_F(HeadTest, TruncateMemoryDropsOldDataAndEmptySeries) {
  auto h = OpenHead();
  auto app = h->Appender();
  for (int i = 0; i < 100; i++) AppendOne(*app, a_, i * 60000, i);  // 0 .. 99 min
  AppendOne(*app, b_, 0, 0);
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_TRUE(h->TruncateMemory(2 * kHour).ok());  // beyond everything
  HeadStats st = h->Stats();
  EXPECT_EQ(st.num_series, 0u);
  EXPECT_EQ(st.num_chunks, 0u);
  EXPECT_FALSE(h->has_in_order_data());
  EXPECT_EQ(h->min_valid_time(), 2 * kHour);
  app = h->Appender();
  EXPECT_EQ(AppendOne(*app, a_, kHour, 1), AppendResult::kOutOfBounds);
  EXPECT_EQ(AppendOne(*app, a_, 2 * kHour, 1), AppendResult::kAppended);
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(HeadTest, FailedWalWriteIsReportedStickyAndChangesNothing) {
  FaultInjectionFs faulty(fs_);
  auto h = Head::Open(&faulty, dir_.path(), {}, INT64_MIN);
  ASSERT_TRUE(h.ok());
  faulty.SetSpaceLimit(10);
  auto app = (*h)->Appender();
  for (int i = 0; i < 1000; i++) AppendOne(*app, a_, i, i);
  absl::Status s = app->Commit();
  EXPECT_FALSE(s.ok());
  // The WAL is written before memory changes: a commit that could not log left nothing behind
  // that a query (or a later block) would show although the client was told it failed.
  auto q = (*h)->Querier(INT64_MIN, INT64_MAX);
  EXPECT_TRUE(ReadAll(*q).empty());
  EXPECT_EQ((*h)->Stats().num_chunks, 0u);
  q.reset();
  faulty.ClearFaults();
  auto app2 = (*h)->Appender();
  AppendOne(*app2, a_, 5000, 1);
  EXPECT_FALSE(app2->Commit().ok());  // the log's state is unknown: refuse until reopened
}

}  // namespace
}  // namespace strata::tsdb::head
