// Failure injection at each step of head and OOO compaction, and of a block merging a window's
// in-order and OOO samples (docs/STYLE.md §8): the call returns the error, nothing is lost or
// stored twice, the WBL keeps its samples while OOO compaction has not finished, leftovers are
// removed at the next Open, and the next call succeeds once the fault is gone.
#include <functional>
#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/db.h"
#include "tsdb/db_test_util.h"
#include "util/testing.h"

namespace strata::tsdb {
namespace {

using ::testing::IsEmpty;
using namespace tsdb::testing;  // NOLINT: kHour, Model, helpers

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class DBFaultTest : public ::testing::Test {
 protected:
  DBFaultTest() : faulty_(DefaultFs()), hook_(&faulty_) {
    opts_.head.ooo_time_window_ms = 2 * kHour;
    opts_.head.ooo_cap_max = 4;
    opts_.head.wal_segment_bytes = 32 * 1024;
  }

  std::unique_ptr<DB> Open() {
    auto db = DB::Open(&hook_, dir_.path(), opts_, &clock_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // 20 series every 30s over [0, 5h] (several WAL segments), then OOO samples of 4 series in
  // [3h30m, 4h30m) and of an OOO-only series.
  void Populate(DB& db) {
    for (int64_t t = 0; t <= 5 * kHour; t += 30000) {
      std::vector<std::tuple<labels::Labels, int64_t, double>> batch;
      for (int i = 0; i < 20; i++) batch.emplace_back(TestSeries(i), t, double(t) + i);
      AppendAndCommit(db, &model_, batch);
    }
    AppendAndCommit(db, &model_, {{TestSeries(0, "late"), 5 * kHour, 0}});
    for (int64_t t = 3 * kHour + 30 * kMinute; t < 4 * kHour + 30 * kMinute; t += kMinute) {
      std::vector<std::tuple<labels::Labels, int64_t, double>> batch;
      for (int i = 0; i < 4; i++) batch.emplace_back(TestSeries(i), t + 15000, -double(t));
      batch.emplace_back(TestSeries(0, "late"), t, 1);
      AppendAndCommit(db, &model_, batch);
      ooo_samples_ += batch.size();
    }
  }

  void ExpectNoLeftovers() {
    EXPECT_THAT(ListMatching(DefaultFs(), dir_.path(), ".tmp"), IsEmpty());
  }

  strata::testing::TempDir dir_;
  FaultInjectionFs faulty_;
  HookFs hook_;
  FakeClock clock_{1000 * kHour};
  DBOptions opts_;
  Model model_;
  uint64_t ooo_samples_ = 0;
};

// kInOrder: ForceCompactHead. kOOO: CompactOOOHead after ForceCompactHead. kMerged: ForceCompact
// after CompactHead(0, 2h), so that the first block it writes merges in-order and OOO samples.
enum class Phase { kInOrder, kOOO, kMerged };

struct FaultCase {
  const char* name;
  Phase phase;
  // Installs the fault (both file systems are given: FaultInjectionFs for file-level calls,
  // HookFs for exact paths). `dir` is the data directory.
  std::function<void(FaultInjectionFs&, HookFs&, const std::string& dir)> inject;
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

absl::Status Injected() { return absl::InternalError("injected fault"); }

bool IsWrittenMeta(const std::string& p) {
  return EndsWith(p, "/meta.json") && p.find(".tmp-for-creation") == std::string::npos;
}

const FaultCase kCases[] = {
    {"RenameBlockDir", Phase::kInOrder,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kRename, ".tmp-for-creation", Injected());
     }},
    {"WriteIndex", Phase::kInOrder,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kAppend, ".tmp-for-creation/index", Injected());
     }},
    {"WriteMeta", Phase::kInOrder,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kCreate, "meta.json", Injected());
     }},
    {"WriteChunkFile", Phase::kInOrder,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kAppend, ".tmp-for-creation/chunks/", Injected());
     }},
    {"SyncBlockFile", Phase::kInOrder,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kSync, ".tmp-for-creation/", Injected());
     }},
    // Regression (this and OpenWrittenBlock): the block reached its final name, the call failed
    // and the head kept the data; the orphan block was loaded at the next Open and its data
    // stored twice after the retry.
    {"SyncDataDirAfterRename", Phase::kInOrder,
     [](FaultInjectionFs&, HookFs& h, const std::string& dir) {
       h.SetHook(FailNth(FsOp::kSyncDir, [dir](const std::string& p) { return p == dir; }, 1));
     }},
    {"OpenWrittenBlock", Phase::kInOrder,
     [](FaultInjectionFs&, HookFs& h, const std::string&) {
       h.SetHook(FailNth(FsOp::kRead, IsWrittenMeta, 1));
     }},
    {"CheckpointWal", Phase::kInOrder,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kCreate, "/wal/checkpoint.", Injected());
     }},
    {"OOORenameBlockDir", Phase::kOOO,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kRename, ".tmp-for-creation", Injected());
     }},
    {"OOOWriteIndex", Phase::kOOO,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kAppend, ".tmp-for-creation/index", Injected());
     }},
    {"OOOWriteChunkFile", Phase::kOOO,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kAppend, ".tmp-for-creation/chunks/", Injected());
     }},
    {"OOOWriteMeta", Phase::kOOO,
     [](FaultInjectionFs& f, HookFs&, const std::string&) {
       f.InjectError(FsOp::kCreate, "meta.json", Injected());
     }},
    {"OOOSecondBlockRename", Phase::kOOO,
     [](FaultInjectionFs&, HookFs& h, const std::string&) {
       h.SetHook(FailNth(
           FsOp::kRename,
           [](const std::string& p) { return EndsWith(p, ".tmp-for-creation"); }, 2));
     }},
    {"OOOSyncDataDirAfterRename", Phase::kOOO,
     [](FaultInjectionFs&, HookFs& h, const std::string& dir) {
       h.SetHook(FailNth(FsOp::kSyncDir, [dir](const std::string& p) { return p == dir; }, 1));
     }},
    {"OOOOpenWrittenBlock", Phase::kOOO,
     [](FaultInjectionFs&, HookFs& h, const std::string&) {
       h.SetHook(FailNth(FsOp::kRead, IsWrittenMeta, 1));
     }},
};

class DBFaultCaseTest : public DBFaultTest, public ::testing::WithParamInterface<FaultCase> {};

absl::Status RunPhase(DB& db, Phase phase) {
  switch (phase) {
    case Phase::kInOrder:
      return db.ForceCompactHead();
    case Phase::kOOO:
      return db.CompactOOOHead();
    case Phase::kMerged:
      return db.ForceCompact();
  }
  return absl::OkStatus();
}

TEST_P(DBFaultCaseTest, FailsLosesNothingAndTheRetrySucceeds) {
  const FaultCase& c = GetParam();
  auto db = Open();
  Populate(*db);
  if (c.phase == Phase::kOOO) {
    ASSERT_TRUE(db->ForceCompactHead().ok());
  }
  if (c.phase == Phase::kMerged) {
    ASSERT_TRUE(db->CompactHead(0, kRange).ok());
  }
  const uint64_t wbl_before = LoggedSamples(DefaultFs(), dir_.Join("wbl"));
  ASSERT_EQ(wbl_before, ooo_samples_);

  c.inject(faulty_, hook_, dir_.path());
  absl::Status s = RunPhase(*db, c.phase);
  EXPECT_FALSE(s.ok()) << "the fault was not hit";
  faulty_.ClearFaults();
  hook_.ClearHook();
  // For kMerged too: the merged block that failed is removed, and the OOO head is truncated only
  // after every block is in (the WAL checkpoint comes after it).
  ExpectExactlyOnce(*db, model_);
  ExpectNoLeftovers();
  const bool ooo_step_done =
      c.phase == Phase::kMerged && std::string_view(c.name) == "CheckpointWal";
  if (c.phase != Phase::kInOrder && !ooo_step_done) {
    // Nothing is truncated until the OOO blocks are in: the WBL still has every sample.
    EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), ooo_samples_);
    EXPECT_GT(db->Stats().head.num_ooo_series, 0u);
  }
  {
    // A restart right after the failure finds the same data, once.
    strata::testing::TempDir copy;
    strata::testing::CopyTree(dir_.path(), copy.path());
    auto reopened = DB::Open(DefaultFs(), copy.path(), opts_, &clock_);
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    ExpectExactlyOnce(**reopened, model_);
  }

  ASSERT_TRUE(db->ForceCompact().ok());
  DBStats st = db->Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_ooo_series, 0u);
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), 0u);
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open();
  ExpectExactlyOnce(*db, model_);
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  ExpectNoLeftovers();
}

INSTANTIATE_TEST_SUITE_P(Steps, DBFaultCaseTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// The in-order faults again, hitting a block that also takes OOO samples.
std::vector<FaultCase> MergedCases() {
  std::vector<FaultCase> out;
  for (const FaultCase& c : kCases) {
    if (c.phase != Phase::kInOrder) continue;
    out.push_back(c);
    out.back().phase = Phase::kMerged;
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(MergedSteps, DBFaultCaseTest, ::testing::ValuesIn(MergedCases()),
                         [](const auto& info) { return std::string(info.param.name); });

// The WBL is truncated last, after the blocks and the memory: a failure there loses nothing,
// and the retry truncates it.
TEST_F(DBFaultTest, WblTruncationFailureIsRetried) {
  auto db = Open();
  Populate(*db);
  ASSERT_TRUE(db->ForceCompactHead().ok());
  faulty_.InjectError(FsOp::kRemove, "/wbl/", Injected(), -1);
  EXPECT_FALSE(db->CompactOOOHead().ok());
  faulty_.ClearFaults();
  ExpectExactlyOnce(*db, model_);
  EXPECT_EQ(db->Stats().head.num_ooo_series, 0u);  // in blocks already
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), ooo_samples_);
  {
    // A restart now reads the stale WBL again: nothing is lost and a query sees each sample
    // once, but the OOO samples sit in the head a second time and the next OOO compaction
    // stores them again (as Prometheus would).
    strata::testing::TempDir copy;
    strata::testing::CopyTree(dir_.path(), copy.path());
    auto reopened = DB::Open(DefaultFs(), copy.path(), opts_, &clock_);
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    {
      auto q = (*reopened)->Querier(INT64_MIN, INT64_MAX);
      EXPECT_EQ(Diff(ReadAll(*q), model_.Sorted()), "");
    }
    EXPECT_EQ(StoredSamples(**reopened), model_.total() + ooo_samples_);
  }
  ASSERT_TRUE(db->CompactOOOHead().ok());
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), 0u);
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open();
  ExpectExactlyOnce(*db, model_);
}

// A writer that cannot remove its temporary directory leaves it behind; the next Open removes it.
TEST_F(DBFaultTest, LeftoverTmpDirsAreRemovedAtOpen) {
  auto db = Open();
  Populate(*db);
  faulty_.InjectError(FsOp::kRename, ".tmp-for-creation", Injected());
  // The writer's first RemoveAll clears a stale directory before writing; the second is its
  // clean-up after the failed rename.
  hook_.SetHook(FailNth(
      FsOp::kRemove, [](const std::string& p) { return EndsWith(p, ".tmp-for-creation"); }, 2));
  EXPECT_FALSE(db->ForceCompactHead().ok());
  hook_.ClearHook();
  EXPECT_EQ(ListMatching(DefaultFs(), dir_.path(), ".tmp-for-creation").size(), 1u);
  faulty_.ClearFaults();
  // A crash during a retention delete leaves a renamed block behind too.
  ASSERT_TRUE(DefaultFs()->CreateDirs(dir_.Join("01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp-for-deletion")).ok());
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open();
  ExpectNoLeftovers();
  ExpectExactlyOnce(*db, model_);
  ASSERT_TRUE(db->ForceCompact().ok());
  ExpectExactlyOnce(*db, model_);
}

// A failed write of a head chunk (chunks_head/) is sticky, like a failed WAL write: the head
// refuses commits until it is reopened, and reopening recovers every sample from the WAL/WBL.
TEST_F(DBFaultTest, HeadChunkWriteFailureRecoversOnReopen) {
  auto db = Open();
  Populate(*db);
  faulty_.InjectError(FsOp::kAppend, "/chunks_head/", Injected(), -1);
  faulty_.InjectError(FsOp::kCreate, "/chunks_head/", Injected(), -1);
  EXPECT_FALSE(db->CompactOOOHead().ok());  // m-mapping the OOO head chunks fails
  faulty_.ClearFaults();
  EXPECT_FALSE(db->head()->write_error().ok());
  {
    // Until the reopen, the OOO chunks that never reached disk cannot be read: a query touching
    // them fails loudly rather than return less than was acknowledged.
    auto q = db->Querier(INT64_MIN, INT64_MAX);
    auto set = q->Select(true, {}, {});
    auto got = storage::ExpandSeriesSet(*set);
    ASSERT_FALSE(got.ok());
    std::cout << "query after a failed head chunk write: " << got.status() << "\n";
  }
  {
    auto app = db->Appender();
    AppendOne(*app, TestSeries(0), 6 * kHour, 1);
    EXPECT_FALSE(app->Commit().ok());
  }
  db.reset();
  db = Open();
  ExpectExactlyOnce(*db, model_);
  ASSERT_TRUE(db->ForceCompact().ok());
  ExpectExactlyOnce(*db, model_);
  EXPECT_EQ(db->Stats().head.num_series, 0u);
}

// The seed scenario (seed_ooo_idle_compaction_regression_test.cc) with the block of the window
// holding the late samples failing once: the block before it is in, the window's in-order and
// OOO data stay in memory and the WBL, and the retry empties both heads.
TEST_F(DBFaultTest, SeedScenarioWithTheMergedBlockFailingOnce) {
  opts_.head.ooo_time_window_ms = kHour;
  opts_.head.ooo_cap_max = 32;
  auto db = Open();
  const labels::Labels inorder{{"__name__", "up"}, {"job", "a"}};
  const labels::Labels late{{"__name__", "late_metric"}, {"job", "b"}};
  for (int64_t t = 3 * kHour; t <= 5 * kHour; t += kMinute) {
    AppendAndCommit(*db, &model_, {{inorder, t, double(t / kMinute)}});
  }
  AppendAndCommit(*db, &model_, {{late, 5 * kHour, 1}});
  for (int64_t t = 4 * kHour + 30 * kMinute; t < 5 * kHour; t += kMinute) {
    AppendAndCommit(*db, &model_, {{late, t, -double(t / kMinute)}});
  }
  // Blocks [3h,4h) and [4h,5h+1), the second with the late samples: fail its rename.
  hook_.SetHook(FailNth(
      FsOp::kRename, [](const std::string& p) { return EndsWith(p, ".tmp-for-creation"); }, 2));
  EXPECT_FALSE(db->ForceCompact().ok());
  hook_.ClearHook();
  ASSERT_EQ(db->Blocks().size(), 1u);
  DBStats st = db->Stats();
  EXPECT_GT(st.head.num_chunks, 0u);
  EXPECT_GT(st.head.num_ooo_chunks, 0u);
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), 30u);
  ExpectExactlyOnce(*db, model_);
  ExpectNoLeftovers();

  ASSERT_TRUE(db->ForceCompact().ok());
  ASSERT_EQ(db->Blocks().size(), 2u);
  EXPECT_FALSE(db->Blocks()[1]->meta().compaction.FromOutOfOrder());
  EXPECT_EQ(db->Blocks()[1]->meta().stats.num_samples, 61u + 1 + 30);
  st = db->Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_chunks + st.head.num_ooo_chunks, 0u);
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), 0u);
  {
    strata::testing::TempDir empty_dir;
    auto empty = DB::Open(DefaultFs(), empty_dir.path(), opts_, &clock_);
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(st.head.memory_bytes, (*empty)->Stats().head.memory_bytes);
  }
  ExpectExactlyOnce(*db, model_);
  db.reset();
  db = Open();
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  ExpectExactlyOnce(*db, model_);
}

// The OOO step failing after a merged block is in: the OOO head is not truncated, so the samples
// merged into that block are stored a second time by the retry. A query sees each once.
TEST_F(DBFaultTest, OOOBlockFailingAfterAMergedBlockStoresItsOOOSamplesTwice) {
  opts_.head.ooo_time_window_ms = 4 * kHour;
  auto db = Open();
  const labels::Labels a = TestSeries(0);
  for (int64_t t = 4 * kHour + 20 * kMinute; t <= 5 * kHour; t += kMinute) {
    AppendAndCommit(*db, &model_, {{a, t, 1}});
  }
  // In [0, 2h): an OOO block. In [4h, 6h): merged.
  AppendAndCommit(*db, &model_, {{a, kHour, 2}, {a, 4 * kHour + 10 * kMinute, 3}});
  // The merged block [4h, 5h+1) renames first, then the OOO block [0, 2h).
  hook_.SetHook(FailNth(
      FsOp::kRename, [](const std::string& p) { return EndsWith(p, ".tmp-for-creation"); }, 2));
  EXPECT_FALSE(db->ForceCompact().ok());
  hook_.ClearHook();
  ASSERT_EQ(db->Blocks().size(), 1u);
  EXPECT_EQ(db->Stats().head.num_chunks, 0u);
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), 2u);
  ExpectNoLeftovers();
  {
    auto q = db->Querier(INT64_MIN, INT64_MAX);
    EXPECT_EQ(Diff(ReadAll(*q), model_.Sorted()), "");
  }
  EXPECT_EQ(StoredSamples(*db), model_.total() + 1);  // 4h10m: in the block and the OOO head

  ASSERT_TRUE(db->ForceCompact().ok());
  EXPECT_EQ(db->Stats().head.num_series, 0u);
  EXPECT_EQ(LoggedSamples(DefaultFs(), dir_.Join("wbl")), 0u);
  // The merged block [4h, 5h+1), and OOO blocks [0, 2h) and [4h, 6h).
  EXPECT_EQ(db->Blocks().size(), 3u);
  {
    auto q = db->Querier(INT64_MIN, INT64_MAX);
    EXPECT_EQ(Diff(ReadAll(*q), model_.Sorted()), "");
  }
  EXPECT_EQ(StoredSamples(*db), model_.total() + 1);
  db.reset();
  db = Open();
  auto q = db->Querier(INT64_MIN, INT64_MAX);
  EXPECT_EQ(Diff(ReadAll(*q), model_.Sorted()), "");
}

}  // namespace
}  // namespace strata::tsdb
