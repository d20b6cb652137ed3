#include "tools/tsdb_dump.h"

#include <filesystem>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/selector.h"
#include "tools/tools_test_util.h"
#include "tsdb/block/meta.h"
#include "util/testing.h"

namespace strata::tools {
namespace {

using testing::DumpToString;
using ::testing::HasSubstr;
using testing::ReadFileOrDie;
using testing::RefDir;

constexpr char kSmallUlid[] = "01M8A330PDKH79JT5WWS1GKG2C";

void FlipByte(const std::string& path, std::streamoff offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c ^= 0x5a;
  f.seekp(offset);
  f.write(&c, 1);
}

// The lines of `text` for which keep(line, timestamp) holds.
template <typename Pred>
std::string FilterLines(const std::string& text, Pred keep) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const int64_t t = std::stoll(line.substr(line.rfind(' ') + 1));
    if (keep(line, t)) out += line + "\n";
  }
  return out;
}

class ReferenceBlockTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceBlockTest, DumpOfDataDirEqualsPromtool) {
  absl::Status s;
  const std::string got = DumpToString(RefDir(GetParam()), {}, &s);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(got, ReadFileOrDie(RefDir(GetParam()) + "/expected-dump.txt"));
}

TEST_P(ReferenceBlockTest, DumpOfBlockDirEqualsPromtool) {
  std::string block_dir;
  for (const auto& e : std::filesystem::directory_iterator(RefDir(GetParam()))) {
    if (e.is_directory()) block_dir = e.path().string();
  }
  absl::Status s;
  const std::string got = DumpToString(block_dir, {}, &s);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(got, ReadFileOrDie(RefDir(GetParam()) + "/expected-dump.txt"));
}

INSTANTIATE_TEST_SUITE_P(Tools, ReferenceBlockTest,
                         ::testing::Values("prom-block-small", "prom-block-xor-edge"));

TEST(DumpTest, TimeRangeIsClosedAndMatchersFilter) {
  const std::string all = ReadFileOrDie(RefDir("prom-block-xor-edge") + "/expected-dump.txt");
  DumpOptions opts;
  opts.min_time = 1700000011192;  // exact sample timestamps: both ends included
  opts.max_time = 1700000150000;
  auto ms = ParseSeriesSelector(R"({case=~"xor|buckets"})");
  ASSERT_TRUE(ms.ok()) << ms.status();
  opts.matchers = *ms;
  absl::Status s;
  const std::string got = DumpToString(RefDir("prom-block-xor-edge"), opts, &s);
  ASSERT_TRUE(s.ok()) << s;
  const std::string want = FilterLines(all, [&](const std::string& line, int64_t t) {
    return line.find("edge_many_total") == std::string::npos && t >= opts.min_time &&
           t <= opts.max_time;
  });
  EXPECT_THAT(want, HasSubstr("edge_values"));
  EXPECT_THAT(want, HasSubstr("edge_dod"));
  EXPECT_EQ(got, want);
}

TEST(DumpTest, EmptyRangesPrintNothing) {
  DumpOptions opts;
  opts.min_time = 1700000031001;  // the block's max time is exclusive
  absl::Status s;
  EXPECT_EQ(DumpToString(RefDir("prom-block-small"), opts, &s), "");
  EXPECT_TRUE(s.ok()) << s;
  opts.min_time = 5;
  opts.max_time = 4;
  EXPECT_EQ(DumpToString(RefDir("prom-block-small"), opts, &s), "");
  EXPECT_TRUE(s.ok()) << s;
}

TEST(DumpTest, OverlappingBlocksAreMerged) {
  strata::testing::TempDir tmp;
  const std::string src = RefDir("prom-block-small") + "/" + kSmallUlid;
  strata::testing::CopyTree(src, tmp.Join(kSmallUlid));
  // A second copy of the same block under another ULID: every sample twice, printed once.
  auto meta = tsdb::block::ReadMeta(DefaultFs(), src);
  ASSERT_TRUE(meta.ok()) << meta.status();
  meta->ulid = *tsdb::block::Ulid::Parse("01M8A330PDKH79JT5WWS1GKG2D");
  const std::string copy = tmp.Join(meta->ulid.ToString());
  strata::testing::CopyTree(src, copy);
  ASSERT_TRUE(tsdb::block::WriteMeta(DefaultFs(), copy, *meta).ok());
  absl::Status s;
  const std::string got = DumpToString(tmp.path(), {}, &s);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(got, ReadFileOrDie(RefDir("prom-block-small") + "/expected-dump.txt"));
}

TEST(DumpTest, DirectoriesWithoutValidMetaAreSkipped) {
  strata::testing::TempDir tmp;
  strata::testing::CopyTree(RefDir("prom-block-small") + "/" + kSmallUlid, tmp.Join(kSmallUlid));
  std::filesystem::create_directories(tmp.Join("01M8A330PDKH79JT5WWS1GKG2E"));
  std::ofstream(tmp.Join("01M8A330PDKH79JT5WWS1GKG2E/meta.json")) << "{not json";
  std::filesystem::create_directories(tmp.Join("wal"));
  absl::Status s;
  EXPECT_EQ(DumpToString(tmp.path(), {}, &s),
            ReadFileOrDie(RefDir("prom-block-small") + "/expected-dump.txt"));
  EXPECT_TRUE(s.ok()) << s;
}

TEST(DumpTest, ChunkCorruptionIsDataLossNotTruncation) {
  strata::testing::TempDir tmp;
  strata::testing::CopyTree(RefDir("prom-block-small") + "/" + kSmallUlid, tmp.Join(kSmallUlid));
  FlipByte(tmp.Join(std::string(kSmallUlid) + "/chunks/000001"), 42);  // the chunk at ref 38
  absl::Status s;
  const std::string got = DumpToString(tmp.path(), {}, &s);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("000001"));
  EXPECT_THAT(std::string(s.message()), HasSubstr(R"(code="500")"));
  // The first series (chunk ref 8) was printed before the damaged one.
  const std::string all = ReadFileOrDie(RefDir("prom-block-small") + "/expected-dump.txt");
  EXPECT_EQ(got, FilterLines(all, [](const std::string& line, int64_t) {
              return line.find(R"(code="200")") != std::string::npos;
            }));
}

TEST(DumpTest, IndexCorruptionNamesTheBlock) {
  strata::testing::TempDir tmp;
  strata::testing::CopyTree(RefDir("prom-block-small") + "/" + kSmallUlid, tmp.Join(kSmallUlid));
  FlipByte(tmp.Join(std::string(kSmallUlid) + "/index"), 14);  // inside the symbol table
  absl::Status s;
  EXPECT_EQ(DumpToString(tmp.path(), {}, &s), "");
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::string("corrupted block ") + kSmallUlid));
}

TEST(DumpTest, MissingDirectoryIsNotFound) {
  absl::Status s;
  DumpToString("/nonexistent/strata-dump", {}, &s);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

}  // namespace
}  // namespace strata::tools
