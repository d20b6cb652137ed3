#include "tsdb/tombstones/tombstones.h"

#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata::tsdb::tombstones {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::string ReferenceBlockDir() {
  return testing::SharedTestdataDir() + "/prom-block-small/01M8A330PDKH79JT5WWS1GKG2C";
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// Collects the store's contents through Iter.
std::vector<std::pair<uint64_t, Intervals>> Contents(const MemTombstones& stones) {
  std::vector<std::pair<uint64_t, Intervals>> out;
  EXPECT_TRUE(stones
                  .Iter([&](uint64_t ref, const Intervals& list) {
                    out.emplace_back(ref, list);
                    return absl::OkStatus();
                  })
                  .ok());
  return out;
}

TEST(TombstonesTest, EmptyFileIsByteIdenticalToPrometheus) {
  absl::StatusOr<std::string> want = DefaultFs()->ReadFile(ReferenceBlockDir() + "/tombstones");
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_EQ(*want, Bytes({0x01, 0x30, 0xba, 0x30, 0x01, 0x00, 0x00, 0x00, 0x00}));

  testing::TempDir dir;
  MemTombstones empty;
  absl::StatusOr<uint64_t> n = WriteTombstones(DefaultFs(), dir.path(), empty);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 9u);
  absl::StatusOr<std::string> got = DefaultFs()->ReadFile(dir.Join("tombstones"));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, *want);
  EXPECT_FALSE(DefaultFs()->Exists(dir.Join("tombstones.tmp")));
}

TEST(TombstonesTest, ReadsReferenceFileAsEmpty) {
  auto stones = ReadTombstones(DefaultFs(), ReferenceBlockDir());
  ASSERT_TRUE(stones.ok()) << stones.status();
  EXPECT_EQ((*stones)->Total(), 0u);
  EXPECT_EQ((*stones)->NumSeries(), 0u);
}

TEST(TombstonesTest, MissingFileIsEmpty) {
  testing::TempDir dir;
  auto stones = ReadTombstones(DefaultFs(), dir.path());
  ASSERT_TRUE(stones.ok()) << stones.status();
  EXPECT_EQ((*stones)->Total(), 0u);
}

TEST(TombstonesTest, EncodesEntriesAndCrcExactly) {
  MemTombstones stones;
  stones.AddInterval(300, {-1, 1700000000000});
  stones.AddInterval(1, {20, 30});
  stones.AddInterval(1, {0, 10});
  // Entries in ref order, one per interval; the CRC covers only the entries (hand-computed).
  const std::string want = Bytes({0x01, 0x30, 0xba, 0x30, 0x01,        // magic, version
                                  0x01, 0x00, 0x14,                    // 1 [0,10]
                                  0x01, 0x28, 0x3c,                    // 1 [20,30]
                                  0xac, 0x02, 0x01,                    // 300 mint -1
                                  0x80, 0xa0, 0xab, 0xfe, 0xf9, 0x62,  // maxt 1.7e12
                                  0xf2, 0xf8, 0x87, 0x87});            // crc32c
  EXPECT_EQ(EncodeTombstones(stones), want);
  EXPECT_EQ(stones.Total(), 3u);
  EXPECT_EQ(stones.NumSeries(), 2u);
}

TEST(TombstonesTest, RoundTripThroughFile) {
  MemTombstones stones;
  stones.AddInterval(0, {kMin, kMax});
  stones.AddInterval(7, {100, 200});
  stones.AddInterval(7, {300, 400});
  stones.AddInterval(7, {150, 250});  // merges with [100,200]
  stones.AddInterval(7, {-50, -10});
  stones.AddInterval(std::numeric_limits<uint64_t>::max(), {5, 5});
  stones.AddInterval(123456789, {1700000000000, 1700000031001});

  testing::TempDir dir;
  absl::StatusOr<uint64_t> n = WriteTombstones(DefaultFs(), dir.path(), stones);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, *DefaultFs()->FileSize(dir.Join("tombstones")));

  auto got = ReadTombstones(DefaultFs(), dir.path());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Contents(**got), Contents(stones));
  EXPECT_EQ((*got)->Get(7), (Intervals{{-50, -10}, {100, 250}, {300, 400}}));
  EXPECT_EQ((*got)->Get(0), (Intervals{{kMin, kMax}}));
  EXPECT_EQ((*got)->Get(std::numeric_limits<uint64_t>::max()), (Intervals{{5, 5}}));
  EXPECT_EQ((*got)->Get(8), Intervals());
  EXPECT_EQ((*got)->Total(), 6u);
}

TEST(TombstonesTest, ReaderMergesRepeatedEntries) {
  // Prometheus may write several overlapping entries for one ref; the reader merges them.
  std::string entries = Bytes({0x05, 0x02, 0x0a,    // 5 [1,5]
                               0x05, 0x08, 0x14,    // 5 [4,10]
                               0x05, 0x16, 0x1e});  // 5 [11,15] adjacent
  std::string data = Bytes({0x01, 0x30, 0xba, 0x30, 0x01}) + entries;
  PutBE32(&data, crc32c::Value(entries));
  auto got = DecodeTombstones(data, "test");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->Get(5), (Intervals{{1, 15}}));
}

std::string SampleFile() {
  MemTombstones stones;
  stones.AddInterval(1, {0, 10});
  stones.AddInterval(2, {-5, 1700000000000});
  stones.AddInterval(300, {7, 9});
  return EncodeTombstones(stones);
}

TEST(TombstonesTest, EveryFlippedByteIsDataLoss) {
  const std::string good = SampleFile();
  for (size_t i = 0; i < good.size(); i++) {
    SCOPED_TRACE(i);
    std::string bad = good;
    bad[i] ^= 0x40;
    auto got = DecodeTombstones(bad, "/blk/tombstones");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(got.status().message(), HasSubstr("/blk/tombstones"));
  }
}

TEST(TombstonesTest, EveryTruncationIsDataLoss) {
  const std::string good = SampleFile();
  for (size_t len = 0; len < good.size(); len++) {
    SCOPED_TRACE(len);
    auto got = DecodeTombstones(good.substr(0, len), "/blk/tombstones");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(TombstonesTest, CorruptionMessages) {
  const std::string good = SampleFile();
  std::string bad_magic = good;
  bad_magic[0] = 0x02;
  EXPECT_THAT(DecodeTombstones(bad_magic, "f").status().message(), HasSubstr("invalid magic"));
  std::string bad_version = good;
  bad_version[4] = 2;
  EXPECT_THAT(DecodeTombstones(bad_version, "f").status().message(),
              HasSubstr("unsupported version 2"));
  std::string bad_crc = good;
  bad_crc.back() ^= 1;
  EXPECT_THAT(DecodeTombstones(bad_crc, "f").status().message(), HasSubstr("checksum mismatch"));
  EXPECT_THAT(DecodeTombstones(good.substr(0, 8), "f").status().message(),
              HasSubstr("too short (8 bytes)"));

  // A truncated entry under a matching CRC: the decoder reports where it ran out.
  std::string entries = Bytes({0x01, 0x00, 0x14, 0x02, 0x00});
  std::string data = Bytes({0x01, 0x30, 0xba, 0x30, 0x01}) + entries;
  PutBE32(&data, crc32c::Value(entries));
  absl::Status s = DecodeTombstones(data, "f").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("bad entry: invalid uvarint at offset 10"));
}

TEST(TombstonesTest, ReadCorruptFileNamesPath) {
  testing::TempDir dir;
  std::string bad = SampleFile();
  bad[6] ^= 0xff;
  ASSERT_TRUE(WriteFileAtomically(DefaultFs(), dir.Join("tombstones"), bad).ok());
  absl::Status s = ReadTombstones(DefaultFs(), dir.path()).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr(dir.Join("tombstones")));
}

TEST(TombstonesTest, FailedWriteKeepsOldFile) {
  testing::TempDir dir;
  FaultInjectionFs fs(DefaultFs());
  MemTombstones old_stones;
  old_stones.AddInterval(1, {1, 2});
  ASSERT_TRUE(WriteTombstones(&fs, dir.path(), old_stones).ok());

  MemTombstones new_stones;
  new_stones.AddInterval(9, {3, 4});
  for (FsOp op : {FsOp::kCreate, FsOp::kAppend, FsOp::kSync, FsOp::kRename}) {
    SCOPED_TRACE(static_cast<int>(op));
    fs.InjectError(op, "tombstones", absl::InternalError("injected"));
    absl::StatusOr<uint64_t> n = WriteTombstones(&fs, dir.path(), new_stones);
    EXPECT_FALSE(n.ok());
    EXPECT_THAT(n.status().message(), HasSubstr("injected"));
    fs.ClearFaults();
    EXPECT_FALSE(fs.Exists(dir.Join("tombstones.tmp")));
    auto got = ReadTombstones(&fs, dir.path());
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(Contents(**got), Contents(old_stones));
  }
}

TEST(TombstonesTest, SurvivesCrashAfterWrite) {
  testing::TempDir dir;
  FaultInjectionFs fs(DefaultFs());
  MemTombstones stones;
  stones.AddInterval(4, {10, 20});
  ASSERT_TRUE(WriteTombstones(&fs, dir.path(), stones).ok());
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  auto got = ReadTombstones(&fs, dir.path());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->Get(4), (Intervals{{10, 20}}));
}

TEST(MemTombstonesTest, IterStopsAtFirstError) {
  MemTombstones stones;
  for (uint64_t ref = 1; ref <= 5; ref++) stones.AddInterval(ref, {0, 1});
  int calls = 0;
  absl::Status s = stones.Iter([&](uint64_t ref, const Intervals&) {
    calls++;
    return ref == 3 ? absl::CancelledError("stop") : absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 3);
}

TEST(MemTombstonesTest, EmptyIntervalAddsNoSeries) {
  MemTombstones stones;
  stones.AddInterval(1, {5, 4});
  EXPECT_EQ(stones.NumSeries(), 0u);
  EXPECT_EQ(EncodeTombstones(stones).size(), 9u);
}

TEST(MemTombstonesTest, ConcurrentAdds) {
  MemTombstones stones;
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; w++) {
    threads.emplace_back([&stones, w] {
      // Disjoint, non-adjacent intervals: each thread adds 100 to each of 10 series.
      for (int i = 0; i < 1000; i++) {
        int64_t t = (i / 10) * 100 + w * 10;
        stones.AddInterval(i % 10, {t, t + 1});
        (void)stones.Get(i % 10);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(stones.NumSeries(), 10u);
  EXPECT_EQ(stones.Total(), 4000u);
}

}  // namespace
}  // namespace strata::tsdb::tombstones
