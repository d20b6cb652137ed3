#include "tools/tsdb_list.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/tools_test_util.h"
#include "util/testing.h"

namespace strata::tools {
namespace {

using testing::Columns;
using testing::ReadFileOrDie;
using testing::RefDir;

void ExpectListEquals(const std::string& dir, const std::string& expected_file) {
  auto got = ListBlocks(DefaultFs(), dir, /*human_readable=*/false);
  ASSERT_TRUE(got.ok()) << got.status();
  const std::string want = ReadFileOrDie(expected_file);
  EXPECT_EQ(Columns(*got), Columns(want));
  EXPECT_EQ(*got, want);  // tabwriter alignment too
}

TEST(ListTest, ReferenceBlocksEqualPromtool) {
  for (const char* name : {"prom-block-small", "prom-block-xor-edge"}) {
    SCOPED_TRACE(name);
    ExpectListEquals(RefDir(name), RefDir(name) + "/expected-list.txt");
  }
}

TEST(ListTest, ReferenceDataDirEqualsPromtool) {
  strata::testing::TempDir tmp;
  const std::string data = testing::ExtractRefDatadir(tmp);
  ExpectListEquals(data, RefDir("prom-datadir-wal-ooo/expected-list.txt"));
}

TEST(ListTest, HumanReadableMatchesPromtool) {
  // Captured from `promtool tsdb list -r` (2.42.0) on copies of the reference blocks.
  auto got = ListBlocks(DefaultFs(), RefDir("prom-block-xor-edge"), /*human_readable=*/true);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got,
            "BLOCK ULID                  MIN TIME                       MAX TIME                "
            "       DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE\n"
            "01M8A3FW1F8V1NX77EC79AFBPM  2023-11-14 22:13:20 +0000 UTC  2023-11-14 22:47:39 +000"
            "0 UTC  34m19.975s   328          5            3            1KiB595B\n");
  got = ListBlocks(DefaultFs(), RefDir("prom-block-small"), /*human_readable=*/true);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ::testing::EndsWith(
                        "2023-11-14 22:13:51 +0000 UTC  31.001s      9            3            3"
                        "            1021B\n"));
}

TEST(ListTest, EmptyDataDirPrintsTheHeader) {
  strata::testing::TempDir tmp;
  auto got = ListBlocks(DefaultFs(), tmp.path(), false);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got,
            "BLOCK ULID   MIN TIME     MAX TIME     DURATION     NUM SAMPLES  NUM CHUNKS   "
            "NUM SERIES   SIZE\n");
}

TEST(FormatTableTest, PadsLikeGoTabwriter) {
  EXPECT_EQ(FormatTable({{"a", "bb", "c"}, {"0123456789abcd", "x", "yyyy"}}),
            "a" + std::string(15, ' ') + "bb" + std::string(11, ' ') + "c\n" + "0123456789abcd  x" +
                std::string(12, ' ') + "yyyy\n");
}

}  // namespace
}  // namespace strata::tools
