// The seed regression test of this project (docs/ARCHITECTURE.md §2, cortex-reference.md §1):
// Cortex's idle/forced compaction compacted only the in-order head, so a tenant with out-of-order
// samples that stopped writing kept its OOO chunks, its WBL and a non-zero series count forever.
// After ForceCompact BOTH heads must be empty and every sample must be in blocks.
#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/db.h"
#include "tsdb/promtool_test_util.h"
#include "tsdb/tsdb_test_util.h"
#include "tsdb/wal/reader.h"
#include "tsdb/record/record.h"
#include "util/testing.h"

namespace strata::tsdb {
namespace {

using storage::AppendResult;
using storage::Sample;
constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;

// Counts the samples records in a WAL-format directory.
int CountSampleRecords(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  auto r = wal::Reader::Open(DefaultFs(), wal::SegmentRange{dir});
  EXPECT_TRUE(r.ok());
  int n = 0;
  while ((*r)->Next()) {
    auto t = record::Type((*r)->record());
    if (t.ok() && *t == record::RecordType::kSamples) n++;
  }
  EXPECT_TRUE((*r)->status().ok()) << (*r)->status();
  return n;
}

TEST(SeedRegression, ForceCompactEmptiesInOrderAndOOOHeads) {
  strata::testing::TempDir dir;
  FakeClock clock(10 * kHour);
  DBOptions opts;
  opts.head.ooo_time_window_ms = kHour;
  auto db = DB::Open(DefaultFs(), dir.path(), opts, &clock);
  ASSERT_TRUE(db.ok()) << db.status();

  labels::Labels inorder{{"__name__", "up"}, {"job", "a"}};
  labels::Labels late{{"__name__", "late_metric"}, {"job", "b"}};
  std::vector<Sample> want_inorder, want_late;
  // In-order samples across two 2h windows, then late samples of another series 30 minutes back.
  {
    auto app = (*db)->Appender();
    for (int64_t t = 3 * kHour; t <= 5 * kHour; t += kMinute) {
      ASSERT_EQ(testing::AppendOne(*app, inorder, t, double(t / kMinute)), AppendResult::kAppended);
      want_inorder.push_back({t, double(t / kMinute)});
    }
    ASSERT_EQ(testing::AppendOne(*app, late, 5 * kHour, 1), AppendResult::kAppended);
    want_late.push_back({5 * kHour, 1});
    ASSERT_TRUE(app->Commit().ok());
  }
  {
    auto app = (*db)->Appender();
    for (int64_t t = 4 * kHour + 30 * kMinute; t < 5 * kHour; t += kMinute) {
      ASSERT_EQ(testing::AppendOne(*app, late, t, -double(t / kMinute)), AppendResult::kAppended);
      want_late.push_back({t, -double(t / kMinute)});
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  std::sort(want_late.begin(), want_late.end(), [](auto& a, auto& b) { return a.t < b.t; });
  ASSERT_GT((*db)->Stats().head.num_ooo_chunks, 0u);
  ASSERT_GT(CountSampleRecords(dir.Join("wbl")), 0);

  // The tenant goes idle: force-compact.
  ASSERT_TRUE((*db)->ForceCompact().ok());

  DBStats st = (*db)->Stats();
  EXPECT_EQ(st.head.num_series, 0u);
  EXPECT_EQ(st.head.num_chunks, 0u);
  EXPECT_EQ(st.head.num_ooo_series, 0u);
  EXPECT_EQ(st.head.num_ooo_chunks, 0u);
  // Memory falls back to exactly what an empty head of the same options holds.
  strata::testing::TempDir empty_dir;
  auto empty = DB::Open(DefaultFs(), empty_dir.path(), opts, &clock);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(st.head.memory_bytes, (*empty)->Stats().head.memory_bytes);
  EXPECT_EQ(CountSampleRecords(dir.Join("wbl")), 0) << "the WBL must be truncated";

  // Every sample is readable from blocks alone.
  auto q = (*db)->Querier(INT64_MIN, INT64_MAX);
  auto all = testing::ReadAll(*q);
  EXPECT_EQ(all[inorder.ToString()], want_inorder);
  EXPECT_EQ(all[late.ToString()], want_late);

  // And the real promtool agrees.
  if (!testing::HavePromtool()) GTEST_SKIP() << "promtool not installed";
  int rc = 0;
  std::string dump = testing::PromtoolDumpBlocks(dir.path(), dir.Join("promtool"), &rc);
  ASSERT_EQ(rc, 0) << dump;
  EXPECT_EQ(dump, testing::ExpectedDump({{late.ToString(), want_late},
                                         {inorder.ToString(), want_inorder}}));
}

}  // namespace
}  // namespace strata::tsdb
