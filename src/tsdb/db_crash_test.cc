// Crashes and damage (docs/STYLE.md §8, leveldb fault_injection_test/corruption_test): a killed
// process (the data directory copied while the DB is open), a power cut (FaultInjectionFs drops
// what was not fsynced), a crash at each durable step of compaction, a torn WBL tail, a
// corrupt chunks_head file and a corrupt WAL segment. The DB must open, count what it repaired,
// and hold everything that was committed (synced, for a power cut) before the damage.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/db.h"
#include "tsdb/db_test_util.h"
#include "tsdb/wal/checkpoint.h"
#include "util/testing.h"

namespace strata::tsdb {
namespace {

using namespace tsdb::testing;  // NOLINT: kHour, Model, helpers

class DBCrashTest : public ::testing::Test {
 protected:
  DBCrashTest() {
    opts_.head.ooo_time_window_ms = kHour;
    opts_.head.ooo_cap_max = 4;
    opts_.head.wal_segment_bytes = 32 * 1024;
  }

  std::unique_ptr<DB> Open(Fs* fs, const std::string& dir) {
    auto db = DB::Open(fs, dir, opts_, &clock_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  // `n` series every `step` in [from, to], one commit per timestamp.
  void InOrder(DB& db, Model* m, int n, int64_t from, int64_t to, int64_t step) {
    for (int64_t t = from; t <= to; t += step) {
      std::vector<std::tuple<labels::Labels, int64_t, double>> batch;
      for (int i = 0; i < n; i++) batch.emplace_back(TestSeries(i), t, double(t) * 0.001 + i);
      AppendAndCommit(db, m, batch);
    }
  }
  // OOO samples of series 0..n-1, 7s past each minute in [from, to).
  void OOO(DB& db, Model* m, int n, int64_t from, int64_t to) {
    for (int64_t t = from; t < to; t += kMinute) {
      std::vector<std::tuple<labels::Labels, int64_t, double>> batch;
      for (int i = 0; i < n; i++) batch.emplace_back(TestSeries(i), t + 7000, -double(t));
      AppendAndCommit(db, m, batch);
    }
  }

  // Opens a copy of the live directory, as a process killed now would leave it.
  void ExpectCopyHolds(const Model& m, const char* stage) {
    SCOPED_TRACE(stage);
    strata::testing::TempDir copy;
    strata::testing::CopyTree(dir_.path(), copy.path());
    auto db = Open(DefaultFs(), copy.path());
    ASSERT_NE(db, nullptr);
    ExpectExactlyOnce(*db, m);
  }

  strata::testing::TempDir dir_;
  FakeClock clock_{1000 * kHour};
  DBOptions opts_;
};

TEST_F(DBCrashTest, KilledProcessKeepsEverythingCommitted) {
  Model m;
  auto db = Open(DefaultFs(), dir_.path());
  InOrder(*db, &m, 10, 0, 3 * kHour, 15000);  // m-mapped in-order chunks, several segments
  OOO(*db, &m, 3, 2 * kHour + 30 * kMinute, 3 * kHour);
  ExpectCopyHolds(m, "before compaction");
  InOrder(*db, &m, 10, 3 * kHour + 15000, 4 * kHour, 15000);
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_FALSE(db->Blocks().empty());
  ExpectCopyHolds(m, "after compaction");
  OOO(*db, &m, 3, 3 * kHour + 30 * kMinute, 4 * kHour);
  ASSERT_TRUE(db->ForceCompact().ok());
  ExpectCopyHolds(m, "after forced compaction");
  InOrder(*db, &m, 10, 4 * kHour + 15000, 4 * kHour + 10 * kMinute, 15000);
  ExpectCopyHolds(m, "after more appends");
}

// Replay large enough to start the worker threads (ReplayShards) yields what a single-threaded
// replay does: every sample, the same chunks, OOO m-map markers applied in order per series.
TEST_F(DBCrashTest, ReplayOnWorkerThreadsEqualsSingleThreaded) {
  Model m;
  {
    auto db = Open(DefaultFs(), dir_.path());
    // 144k samples: those in m-mapped chunks are dropped before the shards, the rest and the
    // OOO samples start the workers.
    InOrder(*db, &m, 600, 0, kHour, 15000);
    OOO(*db, &m, 600, 10 * kMinute, 50 * kMinute);  // 24k OOO samples, a marker per 4
  }
  head::HeadStats stats[2];
  uint64_t replayed[2];
  for (size_t threads : {1, 4}) {
    SCOPED_TRACE(threads);
    opts_.head.replay_concurrency = threads;
    strata::testing::TempDir copy;
    strata::testing::CopyTree(dir_.path(), copy.path());
    auto db = Open(DefaultFs(), copy.path());
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->head()->replay_stats().ooo_samples, 24000u);
    auto q = db->Querier(INT64_MIN, INT64_MAX);
    EXPECT_EQ(ReadAll(*q), m.Sorted());
    stats[threads == 1 ? 0 : 1] = db->head()->Stats();
    replayed[threads == 1 ? 0 : 1] = db->head()->replay_stats().samples;
  }
  EXPECT_EQ(replayed[0], replayed[1]);
  EXPECT_EQ(stats[0].num_chunks, stats[1].num_chunks);
  EXPECT_EQ(stats[0].num_ooo_chunks, stats[1].num_ooo_chunks);
  EXPECT_EQ(stats[0].memory_bytes, stats[1].memory_bytes);
}

// A block damaged on disk is set aside at open (renamed <ULID>.corrupted, counted), and the DB
// serves everything else instead of refusing to open.
TEST_F(DBCrashTest, DamagedBlockIsSetAsideAndTheRestIsServed) {
  Model m;
  std::string damaged;
  {
    auto db = Open(DefaultFs(), dir_.path());
    InOrder(*db, &m, 3, 0, 3 * kHour, kMinute);
    ASSERT_TRUE(db->ForceCompact().ok());
    ASSERT_EQ(db->Blocks().size(), 2u);
    damaged = db->Blocks()[0]->dir();
  }
  // Truncate the first block's index: its TOC is gone.
  ASSERT_TRUE(DefaultFs()->Truncate(damaged + "/index", 10).ok());
  auto db = Open(DefaultFs(), dir_.path());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->corrupted_blocks(), 1u);
  ASSERT_EQ(db->Blocks().size(), 1u);
  EXPECT_TRUE(std::filesystem::is_directory(damaged + ".corrupted"));
  EXPECT_FALSE(std::filesystem::exists(damaged));
  // What the other block holds is served: the second window's samples.
  EXPECT_EQ(CountSamples(*db->Querier(2 * kHour, 3 * kHour)), 3u * 61);
  // A second open finds nothing new to set aside.
  db.reset();
  db = Open(DefaultFs(), dir_.path());
  EXPECT_EQ(db->corrupted_blocks(), 0u);
}

// A chunk whose checksum fails while a query reads it: the query fails with DataLoss naming the
// block; the next compaction sets the block aside (renamed, counted, not served) and the tenant's
// other data keeps being served.
TEST_F(DBCrashTest, BlockFoundDamagedByAReadIsSetAsideAtTheNextCompaction) {
  Model m;
  auto db = Open(DefaultFs(), dir_.path());
  InOrder(*db, &m, 3, 0, 3 * kHour, kMinute);
  ASSERT_TRUE(db->ForceCompact().ok());
  ASSERT_EQ(db->Blocks().size(), 2u);
  const std::string damaged = db->Blocks()[0]->dir();
  // Flip a byte inside the first chunk's data (the segment header is 8 bytes, then the chunk's
  // length, encoding and data); the file is mapped, so the open block sees it.
  const std::string segment = damaged + "/chunks/000001";
  std::string bytes = *DefaultFs()->ReadFile(segment);
  bytes[20] ^= 0x40;
  {
    std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put(bytes[20]);
  }
  auto q = db->Querier(INT64_MIN, INT64_MAX);
  auto got = storage::ExpandSeriesSet(*q->Select(true, {}, {}));
  ASSERT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  EXPECT_THAT(std::string(got.status().message()), ::testing::HasSubstr(damaged));
  q.reset();
  EXPECT_EQ(db->corrupted_blocks(), 0u) << "set aside by compaction, not by the read";

  ASSERT_TRUE(db->Compact().ok());
  EXPECT_EQ(db->corrupted_blocks(), 1u);
  ASSERT_EQ(db->Blocks().size(), 1u);
  EXPECT_TRUE(std::filesystem::is_directory(damaged + ".corrupted"));
  EXPECT_FALSE(std::filesystem::exists(damaged));
  EXPECT_EQ(CountSamples(*db->Querier(2 * kHour, 3 * kHour)), 3u * 61);
  EXPECT_TRUE(db->SetAsideDamagedBlocks().ok());
  EXPECT_EQ(db->corrupted_blocks(), 1u);
}

// A crash at each durable step of a forced compaction: the data directory is copied whenever
// compaction fsyncs the data directory (after each block rename).
TEST_F(DBCrashTest, CrashAtEachCompactionStepKeepsEverything) {
  Model m;
  FaultInjectionFs faulty(DefaultFs());
  HookFs hook(&faulty);
  auto db = Open(&hook, dir_.path());
  InOrder(*db, &m, 10, 0, 5 * kHour, kMinute);
  OOO(*db, &m, 3, 4 * kHour + 10 * kMinute, 5 * kHour);
  std::vector<std::unique_ptr<strata::testing::TempDir>> crashes;
  const std::string dir = dir_.path();
  hook.SetHook([&crashes, dir](FsOp op, const std::string& p) {
    if (op == FsOp::kSyncDir && p == dir) {
      crashes.push_back(std::make_unique<strata::testing::TempDir>());
      strata::testing::CopyTree(dir, crashes.back()->path());
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(db->ForceCompact().ok());
  hook.ClearHook();
  // Three blocks, [0,2h), [2h,4h) and [4h,5h+1), the last with the OOO samples of its window.
  ASSERT_EQ(crashes.size(), 3u);
  const uint64_t ooo_samples = 3 * 50;
  for (size_t i = 0; i < crashes.size(); i++) {
    SCOPED_TRACE(i);
    auto reopened = Open(DefaultFs(), crashes[i]->path());
    ASSERT_NE(reopened, nullptr);
    {
      auto q = reopened->Querier(INT64_MIN, INT64_MAX);
      EXPECT_EQ(Diff(ReadAll(*q), m.Sorted()), "");
    }
    // In-order data is never stored twice: WAL samples below a block's end are dropped. The OOO
    // samples merged into the last block are also still in the WBL (it is truncated after the
    // block is in), so a crash right after that block holds them twice; the query shows them once.
    EXPECT_EQ(StoredSamples(*reopened), m.total() + (i == 2 ? ooo_samples : 0));
    // (A querier held across ForceCompact would deadlock it: compaction waits for readers.)
    ASSERT_TRUE(reopened->ForceCompact().ok());
    auto q = reopened->Querier(INT64_MIN, INT64_MAX);
    EXPECT_EQ(Diff(ReadAll(*q), m.Sorted()), "");
  }
}

// A power cut: everything synced survives; what was only handed to the OS may be lost, but
// nothing else appears.
TEST_F(DBCrashTest, PowerCutKeepsWhatWasSynced) {
  Model synced, unsynced;
  FaultInjectionFs faulty(DefaultFs());
  auto db = Open(&faulty, dir_.path());
  InOrder(*db, &synced, 10, 0, 3 * kHour, 15000);
  OOO(*db, &synced, 3, 2 * kHour + 30 * kMinute, 3 * kHour);
  InOrder(*db, &synced, 10, 3 * kHour + 15000, 3 * kHour + 30 * kMinute, 15000);
  ASSERT_TRUE(db->Compact().ok());
  ASSERT_TRUE(db->head()->Sync().ok());
  InOrder(*db, &unsynced, 10, 3 * kHour + 30 * kMinute + 15000, 3 * kHour + 40 * kMinute, 15000);
  ASSERT_TRUE(faulty.DropUnsyncedData().ok());
  // The machine is gone: nothing more is written. (The DB is leaked on purpose; destroying it
  // would close and pad the files it wrote.)
  (void)db.release();

  auto reopened = Open(DefaultFs(), dir_.path());
  ASSERT_NE(reopened, nullptr);
  auto q = reopened->Querier(INT64_MIN, INT64_MAX);
  SeriesSamples got = ReadAll(*q);
  const SeriesSamples want = synced.Sorted(), maybe = unsynced.Sorted();
  for (const auto& [name, samples] : want) {
    const std::vector<storage::Sample>& g = got[name];
    ASSERT_GE(g.size(), samples.size()) << name;
    EXPECT_TRUE(std::equal(samples.begin(), samples.end(), g.begin())) << name;
    // The rest is a prefix of the unsynced samples.
    const auto& extra = maybe.at(name);
    ASSERT_LE(g.size() - samples.size(), extra.size()) << name;
    EXPECT_TRUE(std::equal(g.begin() + samples.size(), g.end(), extra.begin())) << name;
  }
  EXPECT_EQ(got.size(), want.size());
}

TEST_F(DBCrashTest, TornWblTailKeepsEverythingBefore) {
  Model m;
  {
    auto db = Open(DefaultFs(), dir_.path());
    InOrder(*db, &m, 3, 0, kHour, kMinute);
    OOO(*db, &m, 3, 30 * kMinute, 50 * kMinute);
  }
  // The last OOO commit is half written, as a crash during its write leaves it.
  auto segs = wal::ListSegments(DefaultFs(), dir_.Join("wbl"));
  ASSERT_TRUE(segs.ok());
  std::string last;
  for (const auto& s : *segs) {
    if (*DefaultFs()->FileSize(s.path) > 0) last = s.path;
  }
  ASSERT_FALSE(last.empty());
  const std::string data = *DefaultFs()->ReadFile(last);
  ASSERT_TRUE(DefaultFs()->Truncate(last, data.find_last_not_of('\0') + 1 - 5).ok());
  auto db = Open(DefaultFs(), dir_.path());
  // Every series lost exactly its last OOO sample (49m07s), nothing else.
  SeriesSamples expect = m.Sorted();
  for (auto& [name, samples] : expect) {
    std::erase_if(samples, [](const storage::Sample& s) { return s.t == 49 * kMinute + 7000; });
  }
  {
    auto q = db->Querier(INT64_MIN, INT64_MAX);
    EXPECT_EQ(Diff(ReadAll(*q), expect), "");
  }
  // The WBL goes on after the cut.
  AppendAndCommit(*db, nullptr, {{TestSeries(0), 49 * kMinute + 7000, 1}});
  db.reset();
  db = Open(DefaultFs(), dir_.path());
  EXPECT_EQ(db->head()->replay_stats().corruptions_repaired, 0u);
}

// Flips a byte half-way into the data of the first chunks_head file.
void CorruptFirstHeadChunkFile(const std::string& dir) {
  auto files = DefaultFs()->ListDir(JoinPath(dir, "chunks_head"));
  ASSERT_TRUE(files.ok());
  ASSERT_FALSE(files->empty());
  const std::string path = JoinPath(dir, "chunks_head", files->front());
  std::string data = *DefaultFs()->ReadFile(path);
  const size_t end = data.find_last_not_of('\0') + 1;
  ASSERT_GT(end, 1000u) << "too little in " << path;
  data[8 + (end - 8) / 2] ^= 0x40;
  ASSERT_TRUE(WriteFileAtomically(DefaultFs(), path, data).ok());
}

// Regression: the chunks read from the damaged file before the damage were kept, pointing into
// a file that the repair deletes; every query of those series then failed, and the WAL samples
// they covered were skipped.
TEST_F(DBCrashTest, CorruptHeadChunkFileIsRepairedFromTheWal) {
  Model m;
  {
    auto db = Open(DefaultFs(), dir_.path());
    InOrder(*db, &m, 10, 0, 90 * kMinute, 5000);  // ~1000 samples per series: m-mapped chunks
    OOO(*db, &m, 5, 30 * kMinute, 80 * kMinute);  // cap 4: m-mapped OOO chunks too
    ASSERT_GT(db->Stats().head.num_chunks, 10u);
  }
  CorruptFirstHeadChunkFile(dir_.path());
  auto db = Open(DefaultFs(), dir_.path());
  EXPECT_EQ(db->head()->replay_stats().corruptions_repaired, 1u);
  ExpectExactlyOnce(*db, m);
  ASSERT_TRUE(db->ForceCompact().ok());
  ExpectExactlyOnce(*db, m);
}

// The same after compaction: the WAL was checkpointed, yet it still holds everything the head
// holds (the checkpoint keeps samples at or after the truncation time).
TEST_F(DBCrashTest, CorruptHeadChunkFileAfterCompactionIsRepairedFromTheWal) {
  Model m;
  {
    auto db = Open(DefaultFs(), dir_.path());
    InOrder(*db, &m, 10, 0, 3 * kHour + 20 * kMinute, 5000);
    ASSERT_TRUE(db->Compact().ok());
    ASSERT_EQ(db->Blocks().size(), 1u);
    ASSERT_TRUE(wal::LastCheckpoint(DefaultFs(), dir_.Join("wal")).ok());
    OOO(*db, &m, 5, 2 * kHour + 30 * kMinute, 3 * kHour);
    InOrder(*db, &m, 10, 3 * kHour + 20 * kMinute + 5000, 3 * kHour + 40 * kMinute, 5000);
  }
  CorruptFirstHeadChunkFile(dir_.path());
  auto db = Open(DefaultFs(), dir_.path());
  EXPECT_EQ(db->head()->replay_stats().corruptions_repaired, 1u);
  ExpectExactlyOnce(*db, m);
}

// A corrupt record in a middle WAL segment: the WAL is cut there, everything before it is
// replayed, and what was logged after it is lost (Prometheus does the same) unless it is in an
// m-mapped chunk (here nothing is: one chunk per series per window, still open).
TEST_F(DBCrashTest, CorruptWalSegmentKeepsEverythingBefore) {
  Model m;
  {
    auto db = Open(DefaultFs(), dir_.path());
    InOrder(*db, &m, 100, 0, 110 * kMinute, kMinute);
  }
  const std::string wal_dir = dir_.Join("wal");
  auto segs = wal::ListSegments(DefaultFs(), wal_dir);
  ASSERT_TRUE(segs.ok());
  ASSERT_GE(segs->size(), 4u);
  const int bad = (*segs)[2].index;
  // What segments before `bad` hold is what must come back.
  Model before;
  uint64_t lost = 0;
  {
    auto r = wal::Reader::Open(DefaultFs(), wal::SegmentRange{wal_dir});
    ASSERT_TRUE(r.ok());
    record::Decoder dec;
    std::vector<record::RefSample> samples;
    std::vector<record::RefSeries> series;
    std::map<uint64_t, labels::Labels> by_ref;
    while ((*r)->Next()) {
      auto type = record::Type((*r)->record());
      if (*type == record::RecordType::kSeries) {
        ASSERT_TRUE(dec.Series((*r)->record(), &series).ok());
        for (const auto& s : series) by_ref[s.ref] = s.labels;
      } else if (*type == record::RecordType::kSamples) {
        ASSERT_TRUE(dec.Samples((*r)->record(), &samples).ok());
        for (const auto& s : samples) {
          if ((*r)->position().segment < bad) {
            before.Add(by_ref.at(s.ref), s.t, s.v);
          } else {
            lost++;
          }
        }
      }
    }
  }
  ASSERT_GT(lost, 0u);
  {
    const std::string path = (*segs)[2].path;
    std::string data = *DefaultFs()->ReadFile(path);
    data[100] ^= 0x01;
    ASSERT_TRUE(WriteFileAtomically(DefaultFs(), path, data).ok());
  }
  auto db = Open(DefaultFs(), dir_.path());
  EXPECT_EQ(db->head()->replay_stats().corruptions_repaired, 1u);
  ExpectExactlyOnce(*db, before);
  std::cout << "corrupt WAL segment " << bad << " of " << segs->size() << ": kept "
            << before.total() << " samples, lost " << lost << "\n";
  // Appends go on, and the next open is clean.
  AppendAndCommit(*db, &before, {{TestSeries(0), 3 * kHour, 1}});
  db.reset();
  db = Open(DefaultFs(), dir_.path());
  EXPECT_EQ(db->head()->replay_stats().corruptions_repaired, 0u);
  ExpectExactlyOnce(*db, before);
}

}  // namespace
}  // namespace strata::tsdb
