#include "tsdb/wal/wal.h"

#include <random>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/wal_test_util.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/fault_fs.h"
#include "util/strings.h"
#include "util/testing.h"

namespace strata::tsdb::wal {
namespace {

using ::testing::HasSubstr;
using testutil::RandomRecord;
using testutil::ReadAll;
using testutil::ReadFileOrDie;
using testutil::ReadResult;
using testutil::WriteFileOrDie;

Fs* fs() { return DefaultFs(); }

std::unique_ptr<Wal> MustOpen(const std::string& dir, const WalOptions& options = {},
                              Fs* file_system = DefaultFs()) {
  absl::StatusOr<std::unique_ptr<Wal>> wal = Wal::Open(file_system, dir, options);
  CHECK(wal.ok());
  return *std::move(wal);
}

std::string FragmentHeader(uint8_t type, std::string_view data) {
  std::string h;
  h.push_back(static_cast<char>(type));
  PutBE16(&h, static_cast<uint16_t>(data.size()));
  PutBE32(&h, crc32c::Value(data));
  return h;
}

TEST(WalTest, FragmentBytesAndZeroFilledPageOnClose) {
  testing::TempDir dir;
  auto wal = MustOpen(dir.path());
  ASSERT_TRUE(wal->Log("abc").ok());
  const std::string want = FragmentHeader(1, "abc") + "abc";
  EXPECT_EQ(ReadFileOrDie(fs(), SegmentName(dir.path(), 0)), want);  // handed to the OS
  ASSERT_TRUE(wal->Close().ok());
  const std::string seg = ReadFileOrDie(fs(), SegmentName(dir.path(), 0));
  ASSERT_EQ(seg.size(), kPageSize);
  EXPECT_EQ(seg.substr(0, want.size()), want);
  EXPECT_EQ(seg.find_first_not_of('\0', want.size()), std::string::npos);
  EXPECT_EQ(wal->Log("x").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(WalTest, RecordSpanningPagesIsFirstMiddleLast) {
  testing::TempDir dir;
  std::mt19937_64 rng(1);
  const std::string rec = RandomRecord(rng, 70000, false);
  auto wal = MustOpen(dir.path());
  ASSERT_TRUE(wal->Log(rec).ok());
  const std::string seg = ReadFileOrDie(fs(), SegmentName(dir.path(), 0));
  ASSERT_EQ(seg.size(), 2 * kPageSize + kFragmentHeaderSize + 70000 - 2 * kMaxFragmentDataSize);
  EXPECT_EQ(seg.substr(0, 7), FragmentHeader(2, rec.substr(0, kMaxFragmentDataSize)));
  EXPECT_EQ(seg.substr(kPageSize, 7),
            FragmentHeader(3, rec.substr(kMaxFragmentDataSize, kMaxFragmentDataSize)));
  EXPECT_EQ(seg.substr(2 * kPageSize, 7), FragmentHeader(4, rec.substr(2 * kMaxFragmentDataSize)));
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0], rec);
}

TEST(WalTest, PageEndsWithPaddingOrAnEmptyFirstFragment) {
  testing::TempDir dir;
  auto wal = MustOpen(dir.path());
  // 3 bytes left in the page: too few for a header, so they are padding.
  const std::string a(kPageSize - 2 * kFragmentHeaderSize + 4, 'a');
  ASSERT_TRUE(wal->Log(a).ok());
  EXPECT_EQ(*fs()->FileSize(SegmentName(dir.path(), 0)), kPageSize);
  // Exactly 7 bytes left: the next record starts with an empty FIRST fragment (as Prometheus).
  const std::string b(kPageSize - 2 * kFragmentHeaderSize, 'b');
  ASSERT_TRUE(wal->Log({b, "cc"}).ok());
  const std::string seg = ReadFileOrDie(fs(), SegmentName(dir.path(), 0));
  EXPECT_EQ(seg.substr(2 * kPageSize - 7, 7), FragmentHeader(2, ""));
  EXPECT_EQ(seg.substr(2 * kPageSize, 9), FragmentHeader(4, "cc") + "cc");
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{a, b, "cc"}));
  EXPECT_EQ(r.positions[2], (Position{0, 2 * kPageSize - 7}));
}

TEST(WalTest, EmptyRecordIsOneEmptyFullFragment) {
  testing::TempDir dir;
  auto wal = MustOpen(dir.path());
  ASSERT_TRUE(wal->Log({"", "x", ""}).ok());
  EXPECT_EQ(ReadFileOrDie(fs(), SegmentName(dir.path(), 0)),
            FragmentHeader(1, "") + FragmentHeader(1, "x") + "x" + FragmentHeader(1, ""));
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  EXPECT_EQ(r.records, (std::vector<std::string>{"", "x", ""}));
}

TEST(WalTest, CompressesOnlyWhenSmaller) {
  testing::TempDir dir;
  std::mt19937_64 rng(2);
  const std::string compressible = RandomRecord(rng, 10000, true);
  const std::string random = RandomRecord(rng, 1000, false);
  auto wal = MustOpen(dir.path(), WalOptions{.compress = true});
  ASSERT_TRUE(wal->Log({compressible, random}).ok());
  const std::string seg = ReadFileOrDie(fs(), SegmentName(dir.path(), 0));
  EXPECT_EQ(static_cast<uint8_t>(seg[0]), 0x09);  // FULL | snappy
  const uint16_t len = DecodeBE16(seg.data() + 1);
  EXPECT_LT(len, 1000);
  EXPECT_EQ(static_cast<uint8_t>(seg[7 + len]), 0x01);  // stored raw
  EXPECT_EQ(DecodeBE16(seg.data() + 7 + len + 1), 1000);
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{compressible, random}));
}

class WalRoundTripTest : public ::testing::TestWithParam<bool> {};

// Many records of random sizes, including ones spanning pages and larger than a whole segment.
TEST_P(WalRoundTripTest, ManyRecordsOfRandomSizes) {
  testing::TempDir dir;
  const bool compress = GetParam();
  const uint64_t segment_size = 4 * kPageSize;
  std::mt19937_64 rng(compress ? 3 : 4);
  std::vector<std::string> want;
  auto wal =
      MustOpen(dir.path(), WalOptions{.segment_size_bytes = segment_size, .compress = compress});
  const size_t kSizes[] = {0, 1, 7, 100, 5000, 32761, 32762, 50000, 200000};
  while (want.size() < 400) {
    std::vector<std::string_view> batch;
    const size_t first = want.size();
    for (int n = 1 + rng() % 4; n > 0; n--) {
      size_t size = rng() % 3 == 0 ? kSizes[rng() % std::size(kSizes)] : rng() % 3000;
      want.push_back(RandomRecord(rng, size, rng() % 2 == 0));
    }
    for (size_t i = first; i < want.size(); i++) batch.push_back(want[i]);
    ASSERT_TRUE(wal->Log(batch).ok());
    if (rng() % 50 == 0) {
      ASSERT_TRUE(wal->NextSegment().ok());
    }
  }
  const int last = wal->current_segment();
  ASSERT_TRUE(wal->Close().ok());

  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) ASSERT_EQ(r.records[i], want[i]) << i;
  EXPECT_FALSE(r.torn_tail.has_value());

  auto bounds = Segments(fs(), dir.path());
  ASSERT_TRUE(bounds.ok());
  EXPECT_EQ(bounds->first, 0);
  EXPECT_EQ(bounds->last, last);
  bool oversized = false;
  for (int i = 0; i <= last; i++) {
    const uint64_t size = *fs()->FileSize(SegmentName(dir.path(), i));
    EXPECT_EQ(size % kPageSize, 0u) << i;  // every closed segment ends on a page boundary
    oversized |= size > segment_size;
  }
  EXPECT_TRUE(oversized);  // the 200000-byte random records do not fit a 128 KiB segment
}

INSTANTIATE_TEST_SUITE_P(Compression, WalRoundTripTest, ::testing::Bool());

TEST(WalTest, ReopenContinuesInANewSegment) {
  testing::TempDir dir;
  {
    auto wal = MustOpen(dir.path());
    EXPECT_EQ(wal->current_segment(), 0);
    ASSERT_TRUE(wal->Log("one").ok());
  }  // destructor closes
  auto wal = MustOpen(dir.path());
  EXPECT_EQ(wal->current_segment(), 1);
  EXPECT_FALSE(wal->repaired_torn_tail().has_value());
  ASSERT_TRUE(wal->Log("two").ok());
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  EXPECT_EQ(r.records, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(r.positions[1], (Position{1, 0}));
}

TEST(WalTest, SegmentRangeSelectsSegments) {
  testing::TempDir dir;
  auto wal = MustOpen(dir.path());
  for (std::string_view rec : {"a", "b", "c"}) {
    ASSERT_TRUE(wal->Log(rec).ok());
    if (rec != "c") {
      ASSERT_TRUE(wal->NextSegment().ok());
    }
  }
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(ReadAll(fs(), {dir.path(), 1, 1}).records, (std::vector<std::string>{"b"}));
  EXPECT_EQ(ReadAll(fs(), {dir.path(), 1, -1}).records, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(ReadAll(fs(), {dir.path(), -1, 0}).records, (std::vector<std::string>{"a"}));
  EXPECT_TRUE(ReadAll(fs(), {dir.path(), 5, -1}).records.empty());
}

TEST(WalTest, InvalidSegmentSizeAndMissingDirectory) {
  testing::TempDir dir;
  EXPECT_EQ(Wal::Open(fs(), dir.path(), WalOptions{.segment_size_bytes = 1000}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Reader::Open(fs(), {dir.Join("missing")}).status().code(), absl::StatusCode::kNotFound);
}

TEST(WalTest, NonSequentialSegmentsAreDataLoss) {
  testing::TempDir dir;
  WriteFileOrDie(fs(), SegmentName(dir.path(), 0), "");
  WriteFileOrDie(fs(), SegmentName(dir.path(), 2), "");
  auto r = Reader::Open(fs(), {dir.path()});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("not sequential"));
}

TEST(WalTest, ZeroBytesAtTheEndAreNotATornTail) {
  testing::TempDir dir;
  WriteFileOrDie(fs(), SegmentName(dir.path(), 0),
                 FragmentHeader(1, "r") + "r" + std::string(100, '\0'));
  WriteFileOrDie(fs(), SegmentName(dir.path(), 1), std::string(4 * kPageSize, '\0'));
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"r"}));
  EXPECT_FALSE(r.torn_tail.has_value());
}

TEST(WalTest, TornRecordEndingAnEarlierSegmentIsDataLossUnlessLaterOnesAreEmpty) {
  testing::TempDir dir;
  const std::string first = FragmentHeader(1, "ok") + "ok";
  const std::string torn = FragmentHeader(2, "part") + "part";  // FIRST without LAST
  WriteFileOrDie(fs(), SegmentName(dir.path(), 0), first + torn);
  WriteFileOrDie(fs(), SegmentName(dir.path(), 1), "");
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.torn_tail, (Position{0, first.size()}));

  WriteFileOrDie(fs(), SegmentName(dir.path(), 1), FragmentHeader(1, "next") + "next");
  r = ReadAll(fs(), {dir.path()});
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("segment 0 at offset 20"));
  EXPECT_EQ(r.corruption, (Position{0, first.size()}));
  EXPECT_EQ(r.records, (std::vector<std::string>{"ok"}));
  // Also when the range stops before the segment with data.
  EXPECT_EQ(ReadAll(fs(), {dir.path(), 0, 0}).status.code(), absl::StatusCode::kDataLoss);
}

TEST(WalTest, FragmentSequenceAndHeaderErrors) {
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const std::string full = FragmentHeader(1, "a") + "a";
  Case cases[] = {
      {"middle first", FragmentHeader(3, "m") + "m", "without a first"},
      {"last first", FragmentHeader(4, "l") + "l", "without a first"},
      {"full in record", FragmentHeader(2, "f") + "f" + full, "before the last one ended"},
      {"bad type", FragmentHeader(5, "x") + "x", "header byte 0x05"},
      {"zstd", FragmentHeader(0x11, "x") + "x", "zstd"},
      {"high bits", FragmentHeader(0x41, "x") + "x", "header byte 0x41"},
      {"crc", full.substr(0, 7) + "b", "checksum mismatch"},
      {"too long", std::string("\x01\x80\x00\x00\x00\x00\x00", 7), "crosses the page boundary"},
      {"padding", full + std::string("\0\0\x01", 3), "non-zero bytes in page padding"},
      {"snappy", FragmentHeader(0x09, "\xff\xff\xff\xff\xff") + "\xff\xff\xff\xff\xff",
       "invalid snappy"},
      {"mixed flags", FragmentHeader(0x0a, "a") + "a" + FragmentHeader(4, "b") + "b",
       "compression flag differs"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::TempDir dir;
    WriteFileOrDie(fs(), SegmentName(dir.path(), 0), c.bytes);
    WriteFileOrDie(fs(), SegmentName(dir.path(), 1), full);  // so nothing counts as torn
    ReadResult r = ReadAll(fs(), {dir.path()});
    EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss) << r.status;
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(c.message));
    EXPECT_THAT(std::string(r.status.message()), HasSubstr("segment 0"));
    EXPECT_TRUE(r.corruption.has_value());
  }
}

// Writes `sizes` records one Log at a time and returns the file offset after each.
std::vector<uint64_t> LogEach(Wal* wal, const std::vector<std::string>& records,
                              const std::string& path) {
  std::vector<uint64_t> ends;
  for (const std::string& rec : records) {
    CHECK(wal->Log(rec).ok());
    ends.push_back(*DefaultFs()->FileSize(path));
  }
  return ends;
}

// Cuts the segment at every byte offset of its last page: the reader returns every record that
// ends before the cut, stops cleanly, and reports a torn tail exactly when a record was cut.
TEST(WalTest, TornTailAtEveryOffsetOfTheLastPage) {
  testing::TempDir dir;
  std::mt19937_64 rng(5);
  std::vector<std::string> records;
  for (size_t size : {40000, 100, 2000, 5, 0, 300, 20000, 1000, 7000, 1, 3000}) {
    records.push_back(RandomRecord(rng, size, false));
  }
  const std::string path = SegmentName(dir.path(), 0);
  std::vector<uint64_t> ends;
  std::string bytes;
  {
    auto wal = MustOpen(dir.path());
    ends = LogEach(wal.get(), records, path);
    bytes = ReadFileOrDie(fs(), path);
  }
  ASSERT_EQ(bytes.size(), ends.back());
  for (uint64_t e : ends) ASSERT_NE(e % kPageSize, 0u);  // no padding: see the expectations
  WriteFileOrDie(fs(), path, bytes);

  const uint64_t last_page = (bytes.size() - 1) / kPageSize * kPageSize;
  for (uint64_t cut = bytes.size(); cut + 1 > last_page; cut--) {
    SCOPED_TRACE(cut);
    ASSERT_TRUE(fs()->Truncate(path, cut).ok());
    size_t complete = 0;
    while (complete < ends.size() && ends[complete] <= cut) complete++;
    const uint64_t good_end = complete == 0 ? 0 : ends[complete - 1];
    ReadResult r = ReadAll(fs(), {dir.path()});
    ASSERT_TRUE(r.status.ok()) << r.status;
    ASSERT_EQ(r.records.size(), complete);
    for (size_t i = 0; i < complete; i++) ASSERT_EQ(r.records[i], records[i]);
    if (cut == good_end) {
      EXPECT_FALSE(r.torn_tail.has_value());
    } else {
      EXPECT_EQ(r.torn_tail, (Position{0, good_end}));
    }
  }
}

// After a torn write, Open cuts the incomplete record off so that writing can go on in a new
// segment and the whole log still reads without error.
TEST(WalTest, OpenRepairsATornTailBeforeWritingOn) {
  std::mt19937_64 rng(6);
  std::vector<std::string> records;
  for (size_t size : {40000, 100, 20000, 5, 9000}) records.push_back(RandomRecord(rng, size, true));
  std::string bytes;
  std::vector<uint64_t> ends;
  {
    testing::TempDir dir;
    auto wal = MustOpen(dir.path(), WalOptions{.compress = true});
    ends = LogEach(wal.get(), records, SegmentName(dir.path(), 0));
    bytes = ReadFileOrDie(fs(), SegmentName(dir.path(), 0));
  }
  for (uint64_t cut = 1; cut < bytes.size(); cut += 97) {
    SCOPED_TRACE(cut);
    testing::TempDir dir;
    WriteFileOrDie(fs(), SegmentName(dir.path(), 0), bytes.substr(0, cut));
    size_t complete = 0;
    while (complete < ends.size() && ends[complete] <= cut) complete++;
    const uint64_t good_end = complete == 0 ? 0 : ends[complete - 1];

    auto wal = MustOpen(dir.path(), WalOptions{.compress = true});
    if (cut == good_end) {
      EXPECT_FALSE(wal->repaired_torn_tail().has_value());
    } else {
      EXPECT_EQ(wal->repaired_torn_tail(), (Position{0, good_end}));
      EXPECT_EQ(*fs()->FileSize(SegmentName(dir.path(), 0)) % kPageSize, 0u);
    }
    EXPECT_EQ(wal->current_segment(), 1);
    ASSERT_TRUE(wal->Log("after restart").ok());
    ASSERT_TRUE(wal->Close().ok());
    ReadResult r = ReadAll(fs(), {dir.path()});
    ASSERT_TRUE(r.status.ok()) << r.status;
    std::vector<std::string> want(records.begin(), records.begin() + complete);
    want.push_back("after restart");
    EXPECT_EQ(r.records, want);
  }
}

// A crash may also leave an empty new segment behind the torn one.
TEST(WalTest, OpenRepairsATornTailFollowedByEmptySegments) {
  testing::TempDir dir;
  const std::string ok = FragmentHeader(1, "ok") + "ok";
  WriteFileOrDie(fs(), SegmentName(dir.path(), 0), ok + FragmentHeader(2, "to") + "to");
  WriteFileOrDie(fs(), SegmentName(dir.path(), 1), "");
  auto wal = MustOpen(dir.path());
  EXPECT_EQ(wal->repaired_torn_tail(), (Position{0, ok.size()}));
  EXPECT_EQ(wal->current_segment(), 1);
  ASSERT_TRUE(wal->Log("new").ok());
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"ok", "new"}));
}

// Flips every byte of a region (and a sample of the rest) of a segment that another segment
// follows: each flip is DataLoss naming segment and offset, and Repair at the reported position
// keeps exactly the records read before the error.
TEST(WalTest, FlippedBytesAreDataLossAndRepairKeepsThePrefix) {
  testing::TempDir src;
  std::mt19937_64 rng(7);
  std::vector<std::string> records;
  for (size_t size : {100, 3000, 40000, 10, 0, 500, 1200}) {
    records.push_back(RandomRecord(rng, size, false));
  }
  {
    auto wal = MustOpen(src.path());
    ASSERT_TRUE(wal->Log(std::vector<std::string_view>(records.begin(), records.end())).ok());
    ASSERT_TRUE(wal->NextSegment().ok());
    ASSERT_TRUE(wal->Log("segment one").ok());
  }
  const std::string seg0 = ReadFileOrDie(fs(), SegmentName(src.path(), 0));
  const std::string seg1 = ReadFileOrDie(fs(), SegmentName(src.path(), 1));
  ASSERT_EQ(seg0.size(), 2 * kPageSize);
  ReadResult clean = ReadAll(fs(), {src.path()});
  ASSERT_TRUE(clean.status.ok());

  testing::TempDir dir;
  const std::string path0 = SegmentName(dir.path(), 0);
  WriteFileOrDie(fs(), path0, seg0);
  WriteFileOrDie(fs(), SegmentName(dir.path(), 1), seg1);
  int checked = 0;
  for (uint64_t k = 0; k < seg0.size(); k += (k < 4000 || (k > 32700 && k < 32900)) ? 1 : 41) {
    testutil::XorByteInPlace(path0, k, 0xff);
    ReadResult r = ReadAll(fs(), {dir.path()});
    ASSERT_EQ(r.status.code(), absl::StatusCode::kDataLoss) << "flip at " << k << ": " << r.status;
    ASSERT_THAT(std::string(r.status.message()), HasSubstr("segment 0 at offset "));
    ASSERT_TRUE(r.corruption.has_value());
    ASSERT_EQ(r.corruption->segment, 0);
    ASSERT_LE(r.corruption->offset, k);
    ASSERT_LE(r.records.size(), records.size());
    for (size_t i = 0; i < r.records.size(); i++) ASSERT_EQ(r.records[i], records[i]);
    if (k % 53 == 0) {
      ASSERT_TRUE(Repair(fs(), dir.path(), *r.corruption).ok());
      ReadResult repaired = ReadAll(fs(), {dir.path()});
      ASSERT_TRUE(repaired.status.ok()) << "flip at " << k << ": " << repaired.status;
      ASSERT_EQ(repaired.records, r.records);
      ASSERT_FALSE(fs()->Exists(SegmentName(dir.path(), 1)));
      WriteFileOrDie(fs(), path0, seg0);
      WriteFileOrDie(fs(), SegmentName(dir.path(), 1), seg1);
    } else {
      testutil::XorByteInPlace(path0, k, 0xff);
    }
    checked++;
  }
  EXPECT_GT(checked, 5000);

  // A flip inside record 3's data names the offset where record 3 starts.
  std::string bad = seg0;
  const Position p3 = clean.positions[3];
  bad[p3.offset + kFragmentHeaderSize + 2] ^= 1;
  WriteFileOrDie(fs(), SegmentName(dir.path(), 0), bad);
  WriteFileOrDie(fs(), SegmentName(dir.path(), 1), seg1);
  ReadResult r = ReadAll(fs(), {dir.path()});
  EXPECT_THAT(std::string(r.status.message()),
              HasSubstr(StrCat("segment 0 at offset ", p3.offset, " (", dir.path())));
  EXPECT_EQ(r.corruption, p3);
  EXPECT_EQ(r.records.size(), 3u);
}

TEST(WalTest, FailedSyncIsSticky) {
  testing::TempDir dir;
  FaultInjectionFs ffs(DefaultFs());
  auto wal = MustOpen(dir.path(), {}, &ffs);
  ASSERT_TRUE(wal->Log("a").ok());
  ffs.InjectError(FsOp::kSync, "00000000", absl::InternalError("fsync failed: EIO"));
  absl::Status s = wal->Sync();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  ffs.ClearFaults();
  // The device works again, but the log's state is unknown: everything keeps failing.
  EXPECT_EQ(wal->Log("b"), s);
  EXPECT_EQ(wal->Sync(), s);
  EXPECT_EQ(wal->NextSegment().status(), s);
  EXPECT_EQ(wal->status(), s);
  EXPECT_EQ(wal->Close(), s);
  ReadResult r = ReadAll(fs(), {dir.path()});
  EXPECT_EQ(r.records, (std::vector<std::string>{"a"}));
}

TEST(WalTest, FailedSegmentCreationIsSticky) {
  testing::TempDir dir;
  FaultInjectionFs ffs(DefaultFs());
  auto wal = MustOpen(dir.path(), {}, &ffs);
  ffs.InjectError(FsOp::kCreate, "00000001", absl::InternalError("injected"));
  EXPECT_FALSE(wal->NextSegment().ok());
  EXPECT_FALSE(wal->Log("x").ok());
  EXPECT_FALSE(wal->Close().ok());
}

// A full disk cuts a record short: the error is returned and sticky, and the next Open cuts the
// partial record off and continues after the records written before.
TEST(WalTest, NoSpaceIsAnErrorAndTheTornRecordIsRepairedOnReopen) {
  testing::TempDir dir;
  FaultInjectionFs ffs(DefaultFs());
  std::mt19937_64 rng(8);
  const std::string big = RandomRecord(rng, 50000, false);
  {
    auto wal = MustOpen(dir.path(), {}, &ffs);
    ASSERT_TRUE(wal->Log({"one", "two"}).ok());
    ffs.SetSpaceLimit(40000);
    absl::Status s = wal->Log(big);
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
    ffs.ClearFaults();
    EXPECT_EQ(wal->Log("three"), s);
  }
  const uint64_t size = *fs()->FileSize(SegmentName(dir.path(), 0));
  EXPECT_GT(size, 20u);  // part of the big record reached the file
  EXPECT_LT(size, 50000u);
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(r.torn_tail, (Position{0, 20}));

  auto wal = MustOpen(dir.path());
  EXPECT_EQ(wal->repaired_torn_tail(), (Position{0, 20}));
  ASSERT_TRUE(wal->Log("four").ok());
  ASSERT_TRUE(wal->Close().ok());
  r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"one", "two", "four"}));
}

// Regression: reopening while the disk is still full cannot pad the repaired segment to a page;
// Open must fail with that error (it crashed closing a WAL that had no segment yet), and a later
// Open, with space back, repairs and writes on.
TEST(WalTest, OpenOnAFullDiskFailsCleanlyAndALaterOpenRepairs) {
  testing::TempDir dir;
  FaultInjectionFs ffs(DefaultFs());
  {
    auto wal = MustOpen(dir.path(), {}, &ffs);
    ASSERT_TRUE(wal->Log("one").ok());
    ffs.SetSpaceLimit(5);
    EXPECT_FALSE(wal->Log("a record cut short by the full disk").ok());
  }
  auto failed = Wal::Open(&ffs, dir.path(), {});
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted) << failed.status();
  ffs.ClearFaults();
  auto wal = MustOpen(dir.path(), {}, &ffs);
  ASSERT_TRUE(wal->Log("two").ok());
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"one", "two"}));
}

// A power cut loses what was not fsynced; what was synced reads back.
TEST(WalTest, UnsyncedRecordsAreLostSyncedOnesSurvive) {
  testing::TempDir dir;
  FaultInjectionFs ffs(DefaultFs());
  {
    auto wal = MustOpen(dir.path(), {}, &ffs);
    ASSERT_TRUE(wal->Log({"one", "two"}).ok());
    ASSERT_TRUE(wal->Sync().ok());
    ASSERT_TRUE(wal->Log("three").ok());
    // The crash: nothing more reaches the disk, not even the close.
    ffs.InjectError(FsOp::kAppend, "", absl::InternalError("crashed"), -1);
    ffs.InjectError(FsOp::kSync, "", absl::InternalError("crashed"), -1);
    ASSERT_TRUE(ffs.DropUnsyncedData().ok());
  }
  ffs.ClearFaults();
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"one", "two"}));
}

TEST(WalTest, TruncateRemovesOlderSegmentsButNeverTheCurrentOne) {
  testing::TempDir dir;
  auto wal = MustOpen(dir.path());
  for (int i = 0; i < 4; i++) {
    ASSERT_TRUE(wal->Log(StrCat("r", i)).ok());
    ASSERT_TRUE(wal->NextSegment().ok());
  }
  ASSERT_TRUE(wal->Truncate(2).ok());
  auto bounds = wal->Segments();
  ASSERT_TRUE(bounds.ok());
  EXPECT_EQ(bounds->first, 2);
  EXPECT_EQ(bounds->last, 4);
  ASSERT_TRUE(wal->Truncate(100).ok());
  bounds = wal->Segments();
  EXPECT_EQ(bounds->first, 4);
  ASSERT_TRUE(wal->Log("r4").ok());
  ASSERT_TRUE(wal->Close().ok());
  EXPECT_EQ(ReadAll(fs(), {dir.path()}).records, (std::vector<std::string>{"r4"}));
}

// The live-log repair Prometheus does after a corrupt replay: later segments (including the new
// current one) go, and writing continues after the cut.
TEST(WalTest, RepairOfALiveLog) {
  testing::TempDir dir;
  {
    auto wal = MustOpen(dir.path());
    ASSERT_TRUE(wal->Log({"a", "b", "c"}).ok());
    ASSERT_TRUE(wal->NextSegment().ok());
    ASSERT_TRUE(wal->Log("d").ok());
  }
  auto wal = MustOpen(dir.path());
  ASSERT_EQ(wal->current_segment(), 2);
  std::string seg0 = ReadFileOrDie(fs(), SegmentName(dir.path(), 0));
  seg0[2 * (kFragmentHeaderSize + 1) + kFragmentHeaderSize] ^= 1;  // the data of "c"
  WriteFileOrDie(fs(), SegmentName(dir.path(), 0), seg0);
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  ASSERT_EQ(r.corruption, (Position{0, 16}));
  ASSERT_TRUE(wal->Repair(*r.corruption).ok());
  EXPECT_EQ(wal->current_segment(), 1);
  ASSERT_TRUE(wal->Log("e").ok());
  ASSERT_TRUE(wal->Close().ok());
  r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records, (std::vector<std::string>{"a", "b", "e"}));
  EXPECT_FALSE(fs()->Exists(SegmentName(dir.path(), 2)));
}

TEST(WalTest, ConcurrentLogCallsKeepEachCallersOrder) {
  testing::TempDir dir;
  auto wal = MustOpen(dir.path(), WalOptions{.segment_size_bytes = 2 * kPageSize});
  constexpr int kThreads = 4, kRecords = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&wal, t] {
      for (int i = 0; i < kRecords; i++) {
        CHECK(wal->Log(StrCat(t, ":", i, std::string(i % 300, 'p'))).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(wal->Close().ok());
  ReadResult r = ReadAll(fs(), {dir.path()});
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.records.size(), size_t{kThreads * kRecords});
  std::vector<int> next(kThreads, 0);
  for (const std::string& rec : r.records) {
    const int t = rec[0] - '0';
    EXPECT_EQ(rec, StrCat(t, ":", next[t], std::string(next[t] % 300, 'p')));
    next[t]++;
  }
}

}  // namespace
}  // namespace strata::tsdb::wal
