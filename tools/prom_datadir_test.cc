// Reading a real Prometheus 2.42 data directory (prom-datadir-wal-ooo: blocks including OOO and
// vertically compacted ones, a WAL with a checkpoint, a WBL, chunks_head/ with an OOO chunk)
// through tsdb::DB::Open — i.e. our head replay — must give what `promtool tsdb dump` printed.
#include <set>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/tools_test_util.h"
#include "tsdb/db.h"

namespace strata::tools {
namespace {

using testing::ReadFileOrDie;
using testing::RefDir;

constexpr int64_t kMinute = 60 * 1000;
// The max time of the newest block (expected-list.txt): older WAL samples are in blocks.
constexpr int64_t kLastBlockMaxTime = 1795635420000;

class PromDatadirTest : public ::testing::Test {
 protected:
  void SetUp() override { data_ = testing::ExtractRefDatadir(tmp_); }

  // Opens the data directory as the Prometheus that wrote it was configured (prometheus.yml,
  // README.md): 1-minute blocks, a 10-minute OOO window.
  std::unique_ptr<tsdb::DB> OpenDB() {
    tsdb::DBOptions opts;
    opts.block_range_ms = kMinute;
    opts.head.ooo_time_window_ms = 10 * kMinute;
    auto db = tsdb::DB::Open(DefaultFs(), data_, opts, &clock_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  strata::testing::TempDir tmp_;
  std::string data_;
  FakeClock clock_{1795635500000};  // shortly after the data was written
  const std::string want_ = ReadFileOrDie(RefDir("prom-datadir-wal-ooo/expected-dump.txt"));
};

std::string DumpDB(tsdb::DB& db, absl::Status* s) {
  std::string out;
  auto q = db.Querier(INT64_MIN, INT64_MAX);
  *s = DumpQuerier(*q, {}, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

std::multiset<std::string> Lines(const std::string& text) {
  std::multiset<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.insert(line);
  return out;
}

TEST_F(PromDatadirTest, HeadReplayPlusBlocksEqualsPromtoolDump) {
  std::unique_ptr<tsdb::DB> db = OpenDB();
  ASSERT_NE(db, nullptr);
  const tsdb::head::ReplayStats& rs = db->head()->replay_stats();
  EXPECT_EQ(rs.corruptions_repaired, 0u);
  EXPECT_EQ(rs.unknown_series_refs, 0u);
  EXPECT_GT(rs.samples, 0u);
  // README: the WBL holds one mmap-marker record, then one samples record per OOO sample.
  EXPECT_EQ(rs.wbl_records, 16u);
  EXPECT_EQ(rs.ooo_samples, 15u);
  const tsdb::DBStats st = db->Stats();
  EXPECT_EQ(st.num_blocks, 7u);
  EXPECT_EQ(st.head.num_series, 7u);
  EXPECT_EQ(st.head.num_ooo_series, 1u);
  EXPECT_GT(st.head.num_ooo_chunks, 0u);
  EXPECT_GE(st.head.min_time, kLastBlockMaxTime);

  absl::Status s;
  const std::string got = DumpDB(*db, &s);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(got, want_);
}

TEST_F(PromDatadirTest, ReopenGivesTheSameData) {
  // The first open adds its own files (a new WAL segment, WBL); replaying those must not change
  // the data.
  for (int i = 0; i < 2; i++) {
    SCOPED_TRACE(i);
    std::unique_ptr<tsdb::DB> db = OpenDB();
    ASSERT_NE(db, nullptr);
    absl::Status s;
    EXPECT_EQ(DumpDB(*db, &s), want_);
    EXPECT_TRUE(s.ok()) << s;
  }
}

// Without the head, the dump tool shows the blocks only: the expected lines minus the head's,
// which are the in-order samples after the last block and OOO samples of ooo_metric that fall
// inside the blocks' range (merged in by the DB querier above).
TEST_F(PromDatadirTest, BlocksOnlyDumpLacksExactlyTheHeadData) {
  absl::Status s;
  const std::string blocks_only = testing::DumpToString(data_, {}, &s);
  ASSERT_TRUE(s.ok()) << s;
  std::multiset<std::string> missing = Lines(want_);
  for (const std::string& line : Lines(blocks_only)) {
    auto it = missing.find(line);
    ASSERT_NE(it, missing.end()) << "not in promtool's dump: " << line;
    missing.erase(it);
  }
  size_t ooo_in_block_range = 0;
  for (const std::string& line : missing) {
    const int64_t t = std::stoll(line.substr(line.rfind(' ') + 1));
    if (t >= kLastBlockMaxTime) continue;
    EXPECT_THAT(line, ::testing::StartsWith(R"({__name__="ooo_metric")"));
    ooo_in_block_range++;
  }
  EXPECT_GT(ooo_in_block_range, 0u);
}

}  // namespace
}  // namespace strata::tools
