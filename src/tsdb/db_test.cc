// DB-level compaction rules (prometheus-tsdb-formats.md §7.7, §7.8, §9): when the periodic
// Compact writes a block and which range it gets, CompactHead, ForceCompactHead, CompactOOOHead,
// OOO samples merged into the block of their window, retention, WAL checkpointing, reopening
// after compaction and the min valid time at start-up.
#include "tsdb/db.h"

#include <malloc.h>

#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/db_test_util.h"
#include "tsdb/promtool_test_util.h"
#include "tsdb/wal/checkpoint.h"
#include "util/testing.h"

namespace strata::tsdb {
namespace {

using storage::AppendResult;
using storage::Sample;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace tsdb::testing;  // NOLINT: kHour, Model, helpers

class DBTest : public ::testing::Test {
 protected:
  std::unique_ptr<DB> Open(const DBOptions& o) {
    auto db = DB::Open(fs_, dir_.path(), o, &clock_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // One commit per timestamp in [from, to] (step), one sample for each of `n` series.
  void AppendRange(DB& db, int n, int64_t from, int64_t to, int64_t step) {
    for (int64_t t = from; t <= to; t += step) {
      std::vector<std::tuple<labels::Labels, int64_t, double>> batch;
      for (int i = 0; i < n; i++) batch.emplace_back(TestSeries(i), t, Value(i, t));
      AppendAndCommit(db, &model_, batch);
    }
  }
  static double Value(int i, int64_t t) { return double(t / 1000) + i * 0.5; }

  // Min and max time of each block, in block order.
  static std::vector<std::pair<int64_t, int64_t>> Ranges(DB& db) {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const auto& b : db.Blocks()) out.emplace_back(b->meta().min_time, b->meta().max_time);
    return out;
  }

  // Everything the block in `dir` holds, read from disk apart from the DB.
  SeriesSamples ReadBlock(const std::string& dir) {
    auto b = block::Block::Open(fs_, dir);
    EXPECT_TRUE(b.ok()) << b.status();
    if (!b.ok()) return {};
    auto q = (*b)->Querier(INT64_MIN, INT64_MAX);
    return ReadAll(*q);
  }
  static uint64_t Total(const SeriesSamples& s) {
    uint64_t n = 0;
    for (const auto& [name, samples] : s) n += samples.size();
    return n;
  }

  strata::testing::TempDir dir_;
  Fs* fs_ = DefaultFs();
  FakeClock clock_{1000 * kHour};
  Model model_;
};

TEST_F(DBTest, PeriodicCompactWritesABlockOnlyPastOneAndAHalfRanges) {
  DBOptions o;
  o.head.wal_segment_bytes = 32 * 1024;  // one page: many segments
  auto db = Open(o);
  AppendRange(*db, 100, 0, 3 * kHour, kMinute);
  // Max - min = 3h = 1.5 R exactly: not compactable (§9.3 needs more).
  ASSERT_TRUE(db->Compact().ok());
  EXPECT_THAT(db->Blocks(), IsEmpty());

  AppendRange(*db, 100, 3 * kHour + kMinute, 3 * kHour + kMinute, kMinute);
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_EQ(db->Blocks().size(), 1u);
  const block::BlockMeta& m = db->Blocks()[0]->meta();
  EXPECT_EQ(m.min_time, 0);
  EXPECT_EQ(m.max_time, kRange);
  EXPECT_EQ(m.compaction.level, 1);
  EXPECT_THAT(m.compaction.sources, ElementsAre(m.ulid));
  EXPECT_FALSE(m.compaction.FromOutOfOrder());
  EXPECT_EQ(m.stats.num_series, 100u);
  EXPECT_EQ(m.stats.num_samples, 100u * 120);
  EXPECT_EQ(m.stats.num_chunks, 100u);
  // The head keeps the rest: [2h, 3h1m].
  EXPECT_EQ(db->head()->MinTime(), kRange);
  EXPECT_EQ(db->head()->min_valid_time(), kRange);
  EXPECT_EQ(db->Stats().head.num_series, 100u);

  // The WAL's oldest two thirds became a checkpoint that keeps only samples >= 2h (§9.6).
  const std::string wal_dir = dir_.Join("wal");
  auto cp = wal::LastCheckpoint(fs_, wal_dir);
  ASSERT_TRUE(cp.ok()) << cp.status();
  auto segs = wal::ListSegments(fs_, wal_dir);
  ASSERT_TRUE(segs.ok());
  ASSERT_FALSE(segs->empty());
  EXPECT_EQ(segs->front().index, cp->index + 1) << "checkpointed segments must be deleted";
  {
    auto r = wal::Reader::Open(fs_, wal::SegmentRange{cp->path});
    ASSERT_TRUE(r.ok());
    record::Decoder dec;
    std::vector<record::RefSample> samples;
    uint64_t kept = 0;
    while ((*r)->Next()) {
      if (*record::Type((*r)->record()) != record::RecordType::kSamples) continue;
      ASSERT_TRUE(dec.Samples((*r)->record(), &samples).ok());
      for (const auto& s : samples) EXPECT_GE(s.t, kRange);
      kept += samples.size();
    }
    EXPECT_GT(kept, 0u);
  }
  ExpectExactlyOnce(*db, model_);

  // Reopen: blocks + checkpoint + WAL give the same data once, and the floor is the block's end.
  db.reset();
  db = Open(o);
  ExpectExactlyOnce(*db, model_);
  EXPECT_EQ(db->head()->min_valid_time(), kRange);
  auto app = db->Appender();
  EXPECT_EQ(AppendOne(*app, TestSeries(0), kRange - 1, 1), AppendResult::kOutOfBounds);
  EXPECT_EQ(AppendOne(*app, TestSeries(0), 3 * kHour + 2 * kMinute, 1), AppendResult::kAppended);
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(DBTest, CompactLoopsUntilTheHeadIsNoLongerCompactable) {
  auto db = Open({});
  AppendRange(*db, 3, 0, 7 * kHour, 5 * kMinute);
  ASSERT_TRUE(db->Compact().ok());
  // 7h - 0 > 3h: [0,2h); 7h - 2h > 3h: [2h,4h); 7h - 4h = 3h: stop.
  EXPECT_THAT(Ranges(*db), ElementsAre(std::pair{0, kRange}, std::pair{kRange, 2 * kRange}));
  EXPECT_EQ(db->head()->MinTime(), 4 * kHour);
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, CompactHeadPersistsTheGivenRange) {
  auto db = Open({});
  AppendRange(*db, 10, 0, 3 * kHour, kMinute);
  ASSERT_TRUE(db->CompactHead(0, kRange).ok());
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{0, kRange}));
  EXPECT_EQ(db->Blocks()[0]->meta().stats.num_samples, 10u * 120);
  EXPECT_EQ(db->head()->MinTime(), kRange);
  ExpectExactlyOnce(*db, model_);
  // Truncation drops everything below the range's end: a range starting after the head's
  // oldest sample would drop that sample without writing it anywhere (regression: it did).
  EXPECT_TRUE(absl::IsInvalidArgument(db->CompactHead(10 * kHour, 12 * kHour)));
  EXPECT_EQ(db->Blocks().size(), 1u);
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, ForceCompactHeadWritesOneBlockPerWindow) {
  auto db = Open({});
  AppendRange(*db, 5, kHour, 5 * kHour + 30 * kMinute, kMinute);
  ASSERT_TRUE(db->ForceCompactHead().ok());
  // §7.8 step 1: aligned windows, the first starting at the head's min time, the last ending
  // right after its max time.
  const int64_t last = 5 * kHour + 30 * kMinute;
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{kHour, kRange}, std::pair{kRange, 2 * kRange},
                                       std::pair{2 * kRange, last + 1}));
  const std::vector<uint64_t> per_series = {60, 120, 91};
  for (size_t i = 0; i < 3; i++) {
    const block::BlockStats& st = db->Blocks()[i]->meta().stats;
    EXPECT_EQ(st.num_series, 5u) << i;
    EXPECT_EQ(st.num_samples, 5 * per_series[i]) << i;
    EXPECT_EQ(st.num_chunks, 5u) << i;
  }
  DBStats st = db->Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_chunks, 0u);
  EXPECT_EQ(db->head()->min_valid_time(), last + 1);
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open({});
  ExpectExactlyOnce(*db, model_);
  EXPECT_EQ(db->Stats().head.num_series, 0u);
}

TEST_F(DBTest, CompactOOOHeadWritesOneBlockPerWindowItCovers) {
  DBOptions o;
  o.head.ooo_time_window_ms = 8 * kHour;
  auto db = Open(o);
  const labels::Labels x = TestSeries(1, "x"), in = TestSeries(2, "in");
  AppendAndCommit(*db, &model_, {{x, 10 * kHour, 1}, {in, 10 * kHour, 2}});
  // OOO data in the windows [2h,4h), [6h,8h) and [8h,10h); none in [4h,6h).
  AppendAndCommit(*db, &model_, {{x, 3 * kHour, 3}, {x, 3 * kHour + 30 * kMinute, 4},
                                 {x, 7 * kHour, 5}, {x, 10 * kHour - kMinute, 6}});
  ASSERT_GT(LoggedSamples(fs_, dir_.Join("wbl")), 0u);
  ASSERT_TRUE(db->CompactOOOHead().ok());
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{kRange, 2 * kRange}, std::pair{3 * kRange, 4 * kRange},
                                       std::pair{4 * kRange, 5 * kRange}));
  const std::vector<uint64_t> samples = {2, 1, 1};
  for (size_t i = 0; i < 3; i++) {
    const block::BlockMeta& m = db->Blocks()[i]->meta();
    EXPECT_TRUE(m.compaction.FromOutOfOrder()) << i;
    EXPECT_EQ(m.compaction.level, 1) << i;
    EXPECT_THAT(m.compaction.sources, ElementsAre(m.ulid));
    EXPECT_EQ(m.stats.num_series, 1u) << i;
    EXPECT_EQ(m.stats.num_samples, samples[i]) << i;
  }
  DBStats st = db->Stats();
  EXPECT_EQ(st.head.num_ooo_series, 0u);
  EXPECT_EQ(st.head.num_ooo_chunks, 0u);
  EXPECT_EQ(st.head.num_series, 2u);  // the in-order samples at 10h stay
  EXPECT_EQ(LoggedSamples(fs_, dir_.Join("wbl")), 0u);
  ExpectExactlyOnce(*db, model_);
}

// Regression: the first OOO window was computed with truncating division, so for OOO data
// before 1970 it started at 0 and the samples below it were dropped with the OOO head.
TEST_F(DBTest, CompactOOOHeadKeepsSamplesBeforeTheEpoch) {
  DBOptions o;
  o.head.ooo_time_window_ms = kHour;
  auto db = Open(o);
  const labels::Labels x = TestSeries(0);
  AppendAndCommit(*db, &model_, {{x, 10 * kMinute, 1}});
  AppendAndCommit(*db, &model_, {{x, -10 * kMinute, 2}, {x, -40 * kMinute, 3}, {x, 5 * kMinute, 4}});
  ASSERT_TRUE(db->CompactOOOHead().ok());
  EXPECT_THAT(Ranges(*db), ElementsAre(std::pair{-kRange, int64_t{0}}, std::pair{int64_t{0}, kRange}));
  EXPECT_EQ(db->Stats().head.num_ooo_series, 0u);
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, RetentionDeletesBlocksOlderThanTheNewestMinusRetention) {
  DBOptions o;
  o.retention_ms = 4 * kHour;
  auto db = Open(o);
  AppendRange(*db, 3, 0, 10 * kHour, 10 * kMinute);
  ASSERT_TRUE(db->ForceCompactHead().ok());
  ASSERT_EQ(db->Blocks().size(), 6u);  // the last holds only 10h: [10h, 10h+1)
  const std::string doomed = db->Blocks()[0]->dir();
  ASSERT_TRUE(db->ApplyRetention().ok());
  // Newest max 10h+1: blocks ending at or before 6h+1 go.
  EXPECT_THAT(Ranges(*db), ElementsAre(std::pair{3 * kRange, 4 * kRange},
                                       std::pair{4 * kRange, 5 * kRange},
                                       std::pair{5 * kRange, 10 * kHour + 1}));
  EXPECT_FALSE(fs_->Exists(doomed));
  EXPECT_THAT(ListMatching(fs_, dir_.path(), ".tmp-for-deletion"), IsEmpty());
  auto q = db->Querier(INT64_MIN, INT64_MAX);
  SeriesSamples got = ReadAll(*q);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& [name, samples] : got) {
    ASSERT_EQ(samples.size(), 25u) << name;  // 6h .. 10h every 10 minutes
    EXPECT_EQ(samples.front().t, 6 * kHour);
  }
  q.reset();
  db.reset();
  db = Open(o);
  EXPECT_EQ(db->Blocks().size(), 3u);
}

TEST_F(DBTest, ReopenAfterCompactionGivesTheSameDataOnce) {
  DBOptions o;
  o.head.ooo_time_window_ms = kHour;
  o.head.ooo_cap_max = 4;
  auto db = Open(o);
  AppendRange(*db, 20, 0, 5 * kHour, kMinute);
  for (int64_t t = 4 * kHour + 10 * kMinute; t < 4 * kHour + 50 * kMinute; t += kMinute) {
    std::vector<std::tuple<labels::Labels, int64_t, double>> batch;
    for (int i = 0; i < 5; i++) batch.emplace_back(TestSeries(i), t + 30000, -Value(i, t));
    AppendAndCommit(*db, &model_, batch);
  }
  ASSERT_TRUE(db->Compact().ok());
  // One in-order block [0,2h), then (because one was written) the OOO block [4h,6h).
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{0, kRange}, std::pair{2 * kRange, 3 * kRange}));
  EXPECT_TRUE(db->Blocks()[1]->meta().compaction.FromOutOfOrder());
  EXPECT_EQ(db->Stats().head.num_ooo_series, 0u);
  ExpectExactlyOnce(*db, model_);
  const DBStats before = db->Stats();

  // Regression: OOO chunks m-mapped for (and compacted by) OOO compaction stay in chunks_head/
  // while other chunks in the file are live; replay adopted them again, so they came back into
  // the head and the next OOO compaction stored them a second time.
  for (int round = 0; round < 2; round++) {
    SCOPED_TRACE(round);
    db.reset();
    db = Open(o);
    ExpectExactlyOnce(*db, model_);
    DBStats after = db->Stats();
    EXPECT_EQ(after.head.num_series, before.head.num_series);
    EXPECT_EQ(after.head.num_ooo_series, 0u) << "compacted OOO chunks came back";
    EXPECT_EQ(after.head.num_ooo_chunks, 0u);
    EXPECT_EQ(after.num_blocks, 2u);
  }
}

TEST_F(DBTest, ForceCompactedHeadStaysEmptyAfterReopen) {
  DBOptions o;
  o.head.ooo_time_window_ms = kHour;
  o.head.ooo_cap_max = 3;
  auto db = Open(o);
  AppendRange(*db, 4, 3 * kHour, 5 * kHour, kMinute);
  for (int64_t t = 4 * kHour + 30 * kMinute; t < 5 * kHour; t += kMinute) {
    AppendAndCommit(*db, &model_, {{TestSeries(0), t + 1000, 7}, {TestSeries(9, "late"), t, 8}});
  }
  ASSERT_TRUE(db->ForceCompact().ok());
  ASSERT_EQ(db->Stats().head.num_series, 0u);
  const size_t blocks = db->Blocks().size();
  db.reset();
  db = Open(o);
  DBStats st = db->Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_ooo_series, 0u);
  EXPECT_EQ(st.head.num_chunks + st.head.num_ooo_chunks, 0u);
  ExpectExactlyOnce(*db, model_);
  // Nothing left to compact: no block is written twice.
  ASSERT_TRUE(db->ForceCompact().ok());
  EXPECT_EQ(db->Blocks().size(), blocks);
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, MinValidTimeAtOpenIgnoresOutOfOrderBlocks) {
  DBOptions o;
  o.head.ooo_time_window_ms = 2 * kHour;
  auto db = Open(o);
  AppendRange(*db, 3, 0, 3 * kHour + kMinute, kMinute);
  // Series x: newest sample first, then one 50 minutes older: OOO, in the window [2h,4h).
  const labels::Labels x = TestSeries(7, "x");
  AppendAndCommit(*db, &model_, {{x, 3 * kHour, 1}});
  AppendAndCommit(*db, &model_, {{x, 2 * kHour + 10 * kMinute, 2}});
  ASSERT_TRUE(db->Compact().ok());
  // In-order [0,2h) and the OOO block [2h,4h), whose end is past the head's data.
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{0, kRange}, std::pair{kRange, 2 * kRange}));
  ASSERT_TRUE(db->Blocks()[1]->meta().compaction.FromOutOfOrder());
  db.reset();
  db = Open(o);
  // The floor is the in-order block's end (2h), not the OOO block's (4h): the WAL's samples in
  // [2h, 3h1m] are replayed.
  EXPECT_EQ(db->head()->min_valid_time(), kRange);
  EXPECT_EQ(db->head()->MinTime(), kRange);
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, WalSamplesBelowTheNewestInOrderBlockAreDroppedAtOpen) {
  auto db = Open({});
  AppendRange(*db, 2, 0, 3 * kHour + kMinute, kMinute);
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_EQ(db->Blocks().size(), 1u);
  db.reset();
  db = Open({});
  // The WAL still holds samples below 2h (the checkpoint needs 3 segments); replay skips them.
  EXPECT_GT(LoggedSamples(fs_, dir_.Join("wal")), 2u * (3 * 60 + 1 - 120));
  auto q = db->head()->Querier(INT64_MIN, INT64_MAX);
  for (const auto& [name, samples] : ReadAll(*q)) {
    ASSERT_FALSE(samples.empty());
    EXPECT_EQ(samples.front().t, kRange) << name;
  }
  q.reset();
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, OOOSamplesAcceptedWhileEnabledAreCompactedAfterDisabling) {
  auto db = Open({});
  const labels::Labels a = TestSeries(0);
  AppendRange(*db, 1, 0, 2 * kHour, kMinute);
  db->SetOOOTimeWindow(kHour);
  AppendAndCommit(*db, &model_, {{a, 90 * kMinute + 30000, -1}, {a, 100 * kMinute + 30000, -2}});
  db->SetOOOTimeWindow(0);
  {
    auto app = db->Appender();
    EXPECT_EQ(AppendOne(*app, a, 110 * kMinute + 30000, -3), AppendResult::kOutOfOrder);
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_EQ(db->Stats().head.num_ooo_series, 1u);
  AppendRange(*db, 1, 2 * kHour + kMinute, 3 * kHour + kMinute, kMinute);
  ASSERT_TRUE(db->Compact().ok());
  // The OOO head still compacts: its samples go into the block of their window.
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{0, kRange}));
  EXPECT_FALSE(db->Blocks()[0]->meta().compaction.FromOutOfOrder());
  EXPECT_EQ(db->Blocks()[0]->meta().stats.num_samples, 120u + 2);
  EXPECT_EQ(db->Stats().head.num_ooo_series, 0u);
  EXPECT_EQ(LoggedSamples(fs_, dir_.Join("wbl")), 0u);
  ExpectExactlyOnce(*db, model_);
}

TEST_F(DBTest, OOOSamplesSurviveReopenWithTheWindowOff) {
  DBOptions o;
  o.head.ooo_time_window_ms = kHour;
  auto db = Open(o);
  const labels::Labels a = TestSeries(0);
  AppendRange(*db, 1, 0, kHour, kMinute);
  AppendAndCommit(*db, &model_, {{a, 30 * kMinute + 1, 5}});
  db.reset();
  db = Open({});  // window 0: the WBL has data, so it is replayed and OOO compaction stays on
  EXPECT_TRUE(db->head()->ooo_enabled());
  ExpectExactlyOnce(*db, model_);
  ASSERT_TRUE(db->ForceCompact().ok());
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  // One block, [0, 1h+1), with the OOO sample of its window.
  ASSERT_EQ(db->Blocks().size(), 1u);
  EXPECT_EQ(db->Blocks()[0]->meta().stats.num_samples, 61u + 1);
  ExpectExactlyOnce(*db, model_);
}

// The flush of a tenant with late samples (bench scenario C): in-order and OOO samples of one
// window go into one block, not an in-order block and an OOO block with an index each.
TEST_F(DBTest, ForceCompactWritesInOrderAndLateSamplesOfAWindowIntoOneBlock) {
  DBOptions o;
  o.head.ooo_time_window_ms = kHour;
  o.head.ooo_cap_max = 4;  // several m-mapped OOO chunks per series
  auto db = Open(o);
  AppendRange(*db, 3, 4 * kHour + 20 * kMinute, 5 * kHour, kMinute);
  // Late samples back to 4h05m, all in the window [4h, 6h): of series 0 between its in-order
  // samples and below them, and of a series whose only in-order sample is the newest.
  const labels::Labels late = TestSeries(9, "late");
  AppendAndCommit(*db, &model_, {{late, 5 * kHour, 1}});
  for (int64_t t = 4 * kHour + 5 * kMinute; t < 5 * kHour; t += 5 * kMinute) {
    AppendAndCommit(*db, &model_, {{TestSeries(0), t + 30000, -double(t)}, {late, t, 2}});
  }
  ASSERT_GT(db->Stats().head.num_ooo_chunks, 0u);
  ASSERT_GT(LoggedSamples(fs_, dir_.Join("wbl")), 0u);

  ASSERT_TRUE(db->ForceCompact().ok());
  // From the window's start (the late samples reach below the in-order data) to right after the
  // newest sample.
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{4 * kHour, 5 * kHour + 1}));
  const block::BlockMeta& m = db->Blocks()[0]->meta();
  EXPECT_FALSE(m.compaction.FromOutOfOrder()) << "it holds every in-order sample of its range";
  EXPECT_EQ(m.compaction.level, 1);
  EXPECT_THAT(m.compaction.sources, ElementsAre(m.ulid));
  EXPECT_EQ(m.stats.num_series, 4u);
  EXPECT_EQ(m.stats.num_samples, model_.total());
  EXPECT_EQ(Diff(ReadBlock(db->Blocks()[0]->dir()), model_.Sorted()), "");
  DBStats st = db->Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_chunks + st.head.num_ooo_chunks, 0u);
  EXPECT_EQ(LoggedSamples(fs_, dir_.Join("wbl")), 0u);
  ExpectExactlyOnce(*db, model_);

  // A restart replays nothing: the block is in-order for the min valid time (its end), and the
  // WBL holds no sample.
  db.reset();
  db = Open(o);
  EXPECT_EQ(db->head()->replay_stats().samples, 0u);
  EXPECT_EQ(db->head()->replay_stats().ooo_samples, 0u);
  EXPECT_EQ(db->head()->min_valid_time(), 5 * kHour + 1);
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  ExpectExactlyOnce(*db, model_);
  ASSERT_TRUE(db->ForceCompact().ok());
  EXPECT_EQ(db->Blocks().size(), 1u);

  if (!HavePromtool()) GTEST_SKIP() << "promtool not installed";
  strata::testing::TempDir scratch;
  int rc = 0;
  const std::string dump = PromtoolDumpBlocks(dir_.path(), scratch.path(), &rc);
  ASSERT_EQ(rc, 0) << dump;
  const SeriesSamples want = model_.Sorted();
  EXPECT_EQ(dump, ExpectedDump({want.begin(), want.end()}));
}

// OOO samples of a window that no in-order block of the pass covers still go to an OOO block.
TEST_F(DBTest, ForceCompactWritesLateSamplesOfAnOlderWindowToAnOOOBlock) {
  DBOptions o;
  o.head.ooo_time_window_ms = 4 * kHour;
  auto db = Open(o);
  AppendRange(*db, 2, 4 * kHour + 20 * kMinute, 5 * kHour, kMinute);
  const labels::Labels a = TestSeries(0);
  // Late samples in [0, 2h) (no in-order data) and in [4h, 6h).
  AppendAndCommit(*db, &model_,
                  {{a, 90 * kMinute, 1}, {a, 100 * kMinute, 2}, {a, 110 * kMinute, 3}});
  AppendAndCommit(*db, &model_, {{a, 4 * kHour + 10 * kMinute, 4}});
  ASSERT_TRUE(db->ForceCompact().ok());
  ASSERT_THAT(Ranges(*db), ElementsAre(std::pair{int64_t{0}, kRange},
                                       std::pair{4 * kHour, 5 * kHour + 1}));
  const block::BlockMeta& ooo = db->Blocks()[0]->meta();
  EXPECT_TRUE(ooo.compaction.FromOutOfOrder());
  EXPECT_EQ(ooo.stats.num_samples, 3u);
  EXPECT_EQ(Total(ReadBlock(db->Blocks()[0]->dir())), 3u);
  const block::BlockMeta& merged = db->Blocks()[1]->meta();
  EXPECT_FALSE(merged.compaction.FromOutOfOrder());
  EXPECT_EQ(merged.stats.num_samples, 2u * 41 + 1);
  EXPECT_EQ(Total(ReadBlock(db->Blocks()[1]->dir())), 2u * 41 + 1);
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open(o);
  EXPECT_EQ(db->head()->min_valid_time(), 5 * kHour + 1);  // the OOO block does not count
  ExpectExactlyOnce(*db, model_);
}

// The periodic path: the window Compact persists takes its OOO samples; those of the window the
// head keeps go to an OOO block, as before (§7.8: OOO data is compacted in a pass that persists
// in-order data).
TEST_F(DBTest, CompactMergesTheOOOSamplesOfTheWindowItPersists) {
  DBOptions o;
  o.head.ooo_time_window_ms = 4 * kHour;
  auto db = Open(o);
  AppendRange(*db, 2, 30 * kMinute, 3 * kHour + 31 * kMinute, kMinute);
  const labels::Labels a = TestSeries(0), b = TestSeries(7, "ooo_only");
  AppendAndCommit(*db, &model_, {{b, 3 * kHour + 31 * kMinute, 0}});
  // In [0, 2h): below the in-order data and between it; in [2h, 4h): kept by the head.
  AppendAndCommit(*db, &model_, {{a, 10 * kMinute, 1}, {a, kHour + 30000, 2}, {b, kHour, 3},
                                 {a, 2 * kHour + 30 * kMinute + 30000, 4}});
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_THAT(Ranges(*db),
              ElementsAre(std::pair{int64_t{0}, kRange}, std::pair{kRange, 2 * kRange}));
  const block::BlockMeta& merged = db->Blocks()[0]->meta();
  EXPECT_FALSE(merged.compaction.FromOutOfOrder());
  EXPECT_EQ(merged.stats.num_series, 3u);
  EXPECT_EQ(merged.stats.num_samples, 2u * 90 + 3);
  SeriesSamples got = ReadBlock(db->Blocks()[0]->dir());
  EXPECT_EQ(Total(got), 2u * 90 + 3);
  EXPECT_THAT(got[b.ToString()], ElementsAre(Sample{kHour, 3}));
  EXPECT_TRUE(db->Blocks()[1]->meta().compaction.FromOutOfOrder());
  EXPECT_EQ(db->Blocks()[1]->meta().stats.num_samples, 1u);
  EXPECT_EQ(db->head()->MinTime(), kRange);
  EXPECT_EQ(db->Stats().head.num_ooo_series, 0u);
  EXPECT_EQ(LoggedSamples(fs_, dir_.Join("wbl")), 0u);
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open(o);
  EXPECT_EQ(db->head()->min_valid_time(), kRange);
  EXPECT_EQ(db->head()->replay_stats().ooo_samples, 0u);
  ExpectExactlyOnce(*db, model_);
}

// Compact does not cut the OOO head in a pass that persists nothing.
TEST_F(DBTest, CompactLeavesTheOOOHeadAloneWhenItPersistsNothing) {
  DBOptions o;
  o.head.ooo_time_window_ms = kHour;
  auto db = Open(o);
  AppendRange(*db, 1, 0, kHour, kMinute);
  AppendAndCommit(*db, &model_, {{TestSeries(0), 30 * kMinute + 30000, 1}});
  ASSERT_GT(db->Stats().head.num_ooo_series, 0u);
  const size_t wbl_segments = ListMatching(fs_, dir_.Join("wbl"), "0").size();
  ASSERT_TRUE(db->Compact().ok());
  EXPECT_THAT(db->Blocks(), IsEmpty());
  EXPECT_GT(db->Stats().head.num_ooo_series, 0u);
  EXPECT_EQ(ListMatching(fs_, dir_.Join("wbl"), "0").size(), wbl_segments) << "the WBL was cut";
  ExpectExactlyOnce(*db, model_);
}

size_t HeapInUse() { return mallinfo2().uordblks; }

// Test 6 of the TSDB issue: what a series and a sample cost in the head, as HeadStats reports it
// and as malloc sees it.
TEST_F(DBTest, MemoryAccountingPerSeriesAndPerSample) {
  constexpr int kSeries = 10000, kSamples = 120;
  auto db = Open({});
  const uint64_t empty = db->Stats().head.memory_bytes;
  const size_t heap0 = HeapInUse();
  std::vector<labels::Labels> ls;
  for (int i = 0; i < kSeries; i++) ls.push_back(TestSeries(i, "memory_test_metric"));
  const size_t heap_labels = HeapInUse();
  for (int k = 0; k < kSamples; k++) {
    auto app = db->Appender();
    for (const auto& l : ls) AppendOne(*app, l, k * 15000, k % 7 == 0 ? k : 3.25 * k);
    ASSERT_TRUE(app->Commit().ok());
    if (k == 0) {
      const uint64_t one = db->Stats().head.memory_bytes;
      std::cout << "after 1 sample/series: " << double(one - empty) / kSeries
                << " B/series (HeadStats)\n";
    }
  }
  DBStats st = db->Stats();
  const size_t heap1 = HeapInUse() - (heap_labels - heap0);
  const double per_series_total = double(st.head.memory_bytes - empty) / kSeries;
  std::cout << "HeadStats: " << per_series_total << " B/series with " << kSamples
            << " samples each; malloc delta " << double(heap1 - heap0) / kSeries
            << " B/series (includes WAL buffers)\n";
  EXPECT_EQ(st.head.num_series, uint64_t(kSeries));
  // Honest to within a third of what malloc saw, and in the range a Prometheus head costs.
  EXPECT_GT(double(st.head.memory_bytes - empty), 0.66 * double(heap1 - heap0));
  EXPECT_LT(per_series_total, 2000);
  ASSERT_TRUE(db->ForceCompact().ok());
  EXPECT_EQ(db->Stats().head.memory_bytes, empty);
}

}  // namespace
}  // namespace strata::tsdb
