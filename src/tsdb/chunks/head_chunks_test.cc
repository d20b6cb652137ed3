#include "tsdb/chunks/head_chunks.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/fault_fs.h"
#include "util/fs.h"
#include "util/status_macros.h"
#include "util/testing.h"

namespace strata::tsdb::chunks {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An owned copy of a record, so tests can compare what they wrote with what they read.
struct Rec {
  uint64_t ref = 0;
  uint64_t series = 0;
  int64_t mint = 0;
  int64_t maxt = 0;
  uint8_t enc = 0;
  std::string data;
  bool operator==(const Rec&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Rec& r) {
  return os << "{file " << HeadChunkRefFile(r.ref) << " off " << HeadChunkRefOffset(r.ref)
            << " series " << r.series << " [" << r.mint << "," << r.maxt << "] enc " << int{r.enc}
            << " len " << r.data.size() << "}";
}

Rec Copy(const HeadChunkRecord& r) {
  return Rec{r.ref, r.series_ref, r.mint, r.maxt, r.encoding, std::string(r.data)};
}

// Deterministic chunk bytes starting with a be16 sample count, like every chunk encoding.
std::string ChunkBytes(int i, size_t size) {
  std::string s;
  PutBE16(&s, static_cast<uint16_t>(i % 200 + 1));
  while (s.size() < size) s.push_back(static_cast<char>((i * 31 + s.size() * 7) % 251 + 1));
  s.resize(size);
  return s;
}

// gmock prints Debian's absl::string_view as a char array: compare std::strings instead.
std::string Msg(const absl::Status& s) { return std::string(s.message()); }

uint64_t RecordSizeOf(size_t data_size) { return 25 + UvarintSize(data_size) + data_size + 4; }

std::string ReadAll(const std::string& path) {
  auto s = DefaultFs()->ReadFile(path);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : "";
}

void WriteAll(const std::string& path, std::string_view data) {
  auto f = DefaultFs()->NewWritableFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append(data).ok());
  ASSERT_TRUE((*f)->Close().ok());
}

std::string Hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

class HeadChunksTest : public ::testing::Test {
 protected:
  std::string dir() const { return tmp_.Join("chunks_head"); }
  std::string FilePath(uint32_t n) const { return JoinPath(dir(), HeadChunkFileName(n)); }

  std::unique_ptr<ChunkDiskMapper> OpenMapper(ChunkDiskMapperOptions options = {},
                                              Fs* fs = DefaultFs()) {
    auto m = ChunkDiskMapper::Open(fs, dir(), options);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *std::move(m) : nullptr;
  }

  // Writes `n` chunks of series i % 5, returns what was written.
  std::vector<Rec> WriteChunks(ChunkDiskMapper& m, int first, int n, size_t min_size = 20) {
    std::vector<Rec> out;
    for (int i = first; i < first + n; i++) {
      Rec r{0,
            static_cast<uint64_t>(i % 5 + 1),
            1000 * i,
            1000 * i + 999,
            static_cast<uint8_t>(i % 7 == 3 ? 0x81 : 0x01),
            ChunkBytes(i, min_size + i % 100)};
      auto ref = m.WriteChunk(r.series, r.mint, r.maxt, r.enc, r.data);
      EXPECT_TRUE(ref.ok()) << ref.status();
      if (!ref.ok()) break;
      r.ref = *ref;
      out.push_back(r);
    }
    return out;
  }

  static std::vector<Rec> IterateAll(ChunkDiskMapper& m, absl::Status* status,
                                     uint32_t* bad = nullptr) {
    std::vector<Rec> out;
    *status = m.IterateAllChunks(
        [&](const HeadChunkRecord& r) {
          out.push_back(Copy(r));
          return absl::OkStatus();
        },
        bad);
    return out;
  }

  strata::testing::TempDir tmp_;
};

TEST(HeadChunkRefTest, PacksFileNumberAndOffset) {
  EXPECT_EQ(MakeHeadChunkRef(8, 0x8a), 0x000000080000008aull);
  EXPECT_EQ(HeadChunkRefFile(0x000000080000008aull), 8u);
  EXPECT_EQ(HeadChunkRefOffset(0x000000080000008aull), 0x8au);
  // Integer order is (file, offset) order.
  EXPECT_LT(MakeHeadChunkRef(1, 0xfffffff0), MakeHeadChunkRef(2, 8));
  EXPECT_LT(MakeHeadChunkRef(2, 8), MakeHeadChunkRef(2, 9));
  EXPECT_EQ(HeadChunkFileName(7), "000007");
  EXPECT_EQ(HeadChunkFileName(1234567), "1234567");
}

TEST(HeadChunkRecordTest, EncodingsAndSampleCount) {
  EXPECT_TRUE(IsValidHeadChunkEncoding(0x01));
  EXPECT_TRUE(IsValidHeadChunkEncoding(0x81));
  EXPECT_TRUE(IsValidHeadChunkEncoding(0x02));
  EXPECT_FALSE(IsValidHeadChunkEncoding(0x00));
  EXPECT_FALSE(IsValidHeadChunkEncoding(0x80));
  EXPECT_FALSE(IsValidHeadChunkEncoding(0x04));
  HeadChunkRecord r;
  r.encoding = 0x81;
  EXPECT_TRUE(r.is_ooo());
  EXPECT_EQ(r.num_samples(), 0);
  std::string d = Hex("0119aa");
  r.data = d;
  EXPECT_EQ(r.num_samples(), 0x0119);
}

// The record of §8.2's example: our bytes must be exactly its layout, CRC over the whole record.
TEST_F(HeadChunksTest, RecordLayoutMatchesSpecExample) {
  auto m = OpenMapper();
  std::string data = Hex("0019aaf697c3c268401000");
  data.resize(0x35, '\x5a');
  auto ref = m->WriteChunk(2, 0x000001a21432fd95, 0x000001a214335b55, 1, data);
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(*ref, MakeHeadChunkRef(1, 8));
  ASSERT_TRUE(m->Sync().ok());

  const std::string file = ReadAll(FilePath(1));
  ASSERT_EQ(file.size(), kHeadChunkFilePreallocSize);
  EXPECT_EQ(file.substr(0, 8), Hex("0130bc9101000000"));
  const std::string head = Hex("0000000000000002000001a21432fd95000001a214335b55") + Hex("0135");
  EXPECT_EQ(file.substr(8, 26), head);
  EXPECT_EQ(file.substr(34, 0x35), data);
  std::string crc;
  PutBE32(&crc, crc32c::Value(head + data));
  EXPECT_EQ(file.substr(34 + 0x35, 4), crc);
  EXPECT_TRUE(file.find_first_not_of('\0', 34 + 0x35 + 4) == std::string::npos);

  auto rec = m->Chunk(*ref);
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(rec->num_samples(), 25);
  EXPECT_EQ(rec->data, data);
}

class RealDataTest : public HeadChunksTest {
 protected:
  void SetUp() override {
    const std::string tarball =
        strata::testing::SharedTestdataDir() + "/prom-datadir-wal-ooo/data.tar.gz";
    const std::string cmd = "tar xzf '" + tarball + "' -C '" + tmp_.path() + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  std::string real_dir() const { return tmp_.Join("data/chunks_head"); }
};

// chunks_head/ of a real Prometheus 2.42 server: every record, CRCs checked, zero tails ending
// each file (values cross-checked with an independent dump of the files).
TEST_F(RealDataTest, IteratesEveryRecordOfPrometheusFiles) {
  const std::string before7 = ReadAll(real_dir() + "/000007");
  const std::string before8 = ReadAll(real_dir() + "/000008");
  auto m = ChunkDiskMapper::Open(DefaultFs(), real_dir());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ((*m)->highest_file(), 8u);
  EXPECT_THAT((*m)->files(), ElementsAre(7u, 8u));

  struct Want {
    uint32_t file, offset;
    uint64_t series;
    int64_t mint, maxt;
    uint8_t enc;
    size_t len;
    uint16_t samples;
  };
  const int64_t t0 = 1795635420765, t1 = 1795635479765;
  const std::vector<Want> want = {
      {7, 0x8, 1, 1795635224543, 1795635394860, 0x81, 80, 20},
      {8, 0x8, 2, t0, t1, 1, 100, 60},
      {8, 0x8a, 3, t0, t1, 1, 44, 60},
      {8, 0xd4, 4, t0, t1, 1, 459, 60},
      {8, 0x2be, 5, t0, t1, 1, 44, 60},
      {8, 0x308, 6, t0, t1, 1, 44, 60},
      {8, 0x352, 7, t0, t1, 1, 44, 60},
      {8, 0x39c, 1, 1795635421765, 1795635479766, 1, 146, 40},
  };
  std::vector<HeadChunkRecord> got;
  absl::Status s = (*m)->IterateAllChunks([&](const HeadChunkRecord& r) {
    got.push_back(r);
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].ref, MakeHeadChunkRef(want[i].file, want[i].offset));
    EXPECT_EQ(got[i].series_ref, want[i].series);
    EXPECT_EQ(got[i].mint, want[i].mint);
    EXPECT_EQ(got[i].maxt, want[i].maxt);
    EXPECT_EQ(got[i].encoding, want[i].enc);
    EXPECT_EQ(got[i].is_ooo(), want[i].enc == 0x81);
    EXPECT_EQ(got[i].data.size(), want[i].len);
    EXPECT_EQ(got[i].num_samples(), want[i].samples);
    auto c = (*m)->Chunk(got[i].ref);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(Copy(*c), Copy(got[i]));
  }
  EXPECT_EQ(got[1].data.substr(0, 11), Hex("003cbaf9b0c3c2684079e0"));
  // Past the last record of 000008 (it ends at 1101) there is only the zero tail.
  auto after = (*m)->Chunk(MakeHeadChunkRef(8, 1101));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kDataLoss);

  // The first write goes to a new file; the old ones are untouched.
  auto ref = (*m)->WriteChunk(9, 1, 2, 1, ChunkBytes(1, 30));
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(*ref, MakeHeadChunkRef(9, 8));
  ASSERT_TRUE((*m)->Close().ok());
  EXPECT_EQ(ReadAll(real_dir() + "/000007"), before7);
  EXPECT_EQ(ReadAll(real_dir() + "/000008"), before8);
}

// Re-writing the records of the real files produces the same files byte for byte, pre-allocated
// zero tail included.
TEST_F(RealDataTest, RewritingRealRecordsReproducesTheFiles) {
  auto src = ChunkDiskMapper::Open(DefaultFs(), real_dir());
  ASSERT_TRUE(src.ok()) << src.status();
  auto dst = OpenMapper();
  uint32_t last_file = 0;
  absl::Status s = (*src)->IterateAllChunks([&](const HeadChunkRecord& r) -> absl::Status {
    if (last_file != 0 && HeadChunkRefFile(r.ref) != last_file) {
      RETURN_IF_ERROR(dst->CutNewFile());
    }
    last_file = HeadChunkRefFile(r.ref);
    auto ref = dst->WriteChunk(r.series_ref, r.mint, r.maxt, r.encoding, r.data);
    if (!ref.ok()) return ref.status();
    EXPECT_EQ(HeadChunkRefOffset(*ref), HeadChunkRefOffset(r.ref));
    return absl::OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_TRUE(dst->Close().ok());
  EXPECT_TRUE(ReadAll(FilePath(1)) == ReadAll(real_dir() + "/000007"));
  EXPECT_TRUE(ReadAll(FilePath(2)) == ReadAll(real_dir() + "/000008"));
}

TEST_F(HeadChunksTest, RoundTripAcrossFileCuts) {
  ChunkDiskMapperOptions o;
  o.max_file_size_bytes = 600;
  o.preallocate_bytes = 256;
  auto m = OpenMapper(o);
  std::vector<Rec> written;
  std::vector<std::string_view> views;  // must stay valid across later writes and remaps
  for (int i = 0; i < 60; i++) {
    std::vector<Rec> one = WriteChunks(*m, i, 1);
    ASSERT_EQ(one.size(), 1u);
    const Rec& r = one[0];
    if (!written.empty()) {
      const uint64_t prev = written.back().ref;
      const uint64_t next_off = HeadChunkRefOffset(prev) + RecordSizeOf(written.back().data.size());
      if (next_off + RecordSizeOf(r.data.size()) <= o.max_file_size_bytes) {
        EXPECT_EQ(r.ref, MakeHeadChunkRef(HeadChunkRefFile(prev), next_off)) << i;
      } else {
        EXPECT_EQ(r.ref, MakeHeadChunkRef(HeadChunkRefFile(prev) + 1, 8)) << i;
      }
    } else {
      EXPECT_EQ(r.ref, MakeHeadChunkRef(1, 8));
    }
    auto c = m->Chunk(r.ref);  // read right after writing: served before any Sync
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(Copy(*c), r);
    views.push_back(c->data);
    written.push_back(r);
  }
  const uint32_t highest = m->highest_file();
  EXPECT_GT(highest, 5u);
  for (size_t i = 0; i < written.size(); i++) EXPECT_EQ(views[i], written[i].data) << i;
  ASSERT_TRUE(m->Close().ok());
  for (uint32_t f = 1; f <= highest; f++) {
    auto size = DefaultFs()->FileSize(FilePath(f));
    ASSERT_TRUE(size.ok());
    EXPECT_LE(*size, o.max_file_size_bytes);
    EXPECT_GE(*size, o.preallocate_bytes);
  }

  m = OpenMapper(o);
  absl::Status s;
  EXPECT_EQ(IterateAll(*m, &s), written);
  EXPECT_TRUE(s.ok()) << s;
  std::vector<Rec> more = WriteChunks(*m, 100, 1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].ref, MakeHeadChunkRef(highest + 1, 8));
}

// Reading each chunk right after writing it past the pre-allocated size remaps the file a bounded
// number of times, and earlier views stay valid.
TEST_F(HeadChunksTest, ReadsWhileGrowingRemapBoundedly) {
  auto m = OpenMapper();
  std::vector<std::pair<uint64_t, std::string_view>> views;
  std::vector<std::string> data;
  for (int i = 0; i < 1200; i++) data.push_back(ChunkBytes(i, 1000 + i % 50));
  for (int i = 0; i < 1200; i++) {
    auto ref = m->WriteChunk(1, i, i, 1, data[i]);
    ASSERT_TRUE(ref.ok()) << ref.status();
    auto c = m->Chunk(*ref);
    ASSERT_TRUE(c.ok()) << c.status();
    views.emplace_back(*ref, c->data);
  }
  EXPECT_EQ(m->highest_file(), 1u);
  EXPECT_LE(m->NumMappingsForTesting(1), 6u);
  for (int i = 0; i < 1200; i++) EXPECT_EQ(views[i].second, data[i]) << i;
  ASSERT_TRUE(m->Close().ok());
  m = OpenMapper();
  absl::Status s;
  std::vector<Rec> all = IterateAll(*m, &s);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(all.size(), 1200u);
  for (int i = 0; i < 1200; i++) EXPECT_EQ(all[i].data, data[i]) << i;
}

TEST_F(HeadChunksTest, FilesAreCreatedLazilyAndNumberedAfterTheHighest) {
  auto m = OpenMapper();
  ASSERT_TRUE(m->CutNewFile().ok());
  ASSERT_TRUE(m->CutNewFile().ok());
  EXPECT_TRUE(m->files().empty());
  EXPECT_EQ(m->highest_file(), 0u);
  EXPECT_EQ(WriteChunks(*m, 0, 1)[0].ref, MakeHeadChunkRef(1, 8));
  ASSERT_TRUE(m->CutNewFile().ok());
  ASSERT_TRUE(m->CutNewFile().ok());
  EXPECT_EQ(WriteChunks(*m, 1, 1)[0].ref, MakeHeadChunkRef(2, 8));
  EXPECT_THAT(m->files(), ElementsAre(1u, 2u));
  ASSERT_TRUE(m->Close().ok());
  // Unrelated names in the directory are ignored and left alone.
  WriteAll(JoinPath(dir(), "000003.tmp"), "x");
  m = OpenMapper();
  EXPECT_EQ(m->highest_file(), 2u);
  EXPECT_EQ(WriteChunks(*m, 2, 1)[0].ref, MakeHeadChunkRef(3, 8));
  ASSERT_TRUE(m->Close().ok());
  EXPECT_TRUE(DefaultFs()->Exists(JoinPath(dir(), "000003.tmp")));
}

TEST_F(HeadChunksTest, TornLastFileIsDeletedAtOpen) {
  const std::vector<std::string> torn = {"", Hex("0130bc"), std::string(131072, '\0')};
  for (size_t i = 0; i < torn.size(); i++) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(DefaultFs()->RemoveAll(dir()).ok());
    auto m = OpenMapper();
    std::vector<Rec> written = WriteChunks(*m, 0, 3);
    ASSERT_TRUE(m->Close().ok());
    WriteAll(FilePath(2), torn[i]);

    m = OpenMapper();
    EXPECT_FALSE(DefaultFs()->Exists(FilePath(2)));
    EXPECT_THAT(m->files(), ElementsAre(1u));
    absl::Status s;
    EXPECT_EQ(IterateAll(*m, &s), written);
    EXPECT_TRUE(s.ok()) << s;
    EXPECT_EQ(WriteChunks(*m, 3, 1)[0].ref, MakeHeadChunkRef(2, 8));
  }
}

// Damage that is not a torn creation is reported by IterateAllChunks, not deleted silently.
TEST_F(HeadChunksTest, BadHeaderOfEarlierFileIsReported) {
  auto m = OpenMapper();
  WriteChunks(*m, 0, 2);
  ASSERT_TRUE(m->CutNewFile().ok());
  std::vector<Rec> second = WriteChunks(*m, 2, 2);
  ASSERT_TRUE(m->Close().ok());
  std::string f1 = ReadAll(FilePath(1));
  f1[0] = 0;
  f1[1] = 0;
  f1[2] = 0;
  f1[3] = 0;
  WriteAll(FilePath(1), f1);

  m = OpenMapper();
  EXPECT_THAT(m->files(), ElementsAre(1u, 2u));
  absl::Status s;
  uint32_t bad = 0;
  EXPECT_TRUE(IterateAll(*m, &s, &bad).empty());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Msg(s), HasSubstr(FilePath(1) + " at offset 0: bad magic 00000000"));
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(m->Chunk(MakeHeadChunkRef(1, 8)).status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(m->DeleteFilesFrom(bad).ok());
  EXPECT_TRUE(m->files().empty());
  EXPECT_FALSE(DefaultFs()->Exists(FilePath(2)));
  EXPECT_EQ(WriteChunks(*m, 9, 1)[0].ref, MakeHeadChunkRef(1, 8));
}

TEST_F(HeadChunksTest, GapInNumberingIsReported) {
  auto m = OpenMapper();
  std::vector<Rec> first = WriteChunks(*m, 0, 2);
  for (int i = 0; i < 2; i++) {
    ASSERT_TRUE(m->CutNewFile().ok());
    WriteChunks(*m, 10 + i, 1);
  }
  ASSERT_TRUE(m->Close().ok());
  ASSERT_TRUE(DefaultFs()->RemoveFile(FilePath(2)).ok());

  m = OpenMapper();
  absl::Status s;
  uint32_t bad = 0;
  EXPECT_EQ(IterateAll(*m, &s, &bad), first);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Msg(s), HasSubstr("000003 at offset 0: file does not follow 000001"));
  EXPECT_EQ(bad, 3u);
  ASSERT_TRUE(m->DeleteFilesFrom(bad).ok());
  EXPECT_EQ(WriteChunks(*m, 20, 1)[0].ref, MakeHeadChunkRef(2, 8));
}

// A flipped byte in a record: DataLoss naming file and offset; repair deletes that file and the
// later ones; the rest still loads and numbering continues without a gap.
TEST_F(HeadChunksTest, CorruptRecordIsReportedAndRepaired) {
  ChunkDiskMapperOptions o;
  o.max_file_size_bytes = 400;
  o.preallocate_bytes = 0;
  auto m = OpenMapper(o);
  std::vector<Rec> written = WriteChunks(*m, 0, 18, 30);
  ASSERT_TRUE(m->Close().ok());
  std::vector<Rec> in2;
  for (const Rec& r : written) {
    if (HeadChunkRefFile(r.ref) == 2) in2.push_back(r);
  }
  ASSERT_GE(in2.size(), 2u);
  ASSERT_TRUE(DefaultFs()->Exists(FilePath(3)));
  const uint32_t bad_off = HeadChunkRefOffset(in2[1].ref);
  std::string f2 = ReadAll(FilePath(2));
  f2[bad_off + 30] ^= 0x10;  // inside the chunk data
  WriteAll(FilePath(2), f2);

  m = OpenMapper(o);
  absl::Status s;
  uint32_t bad = 0;
  std::vector<Rec> seen = IterateAll(*m, &s, &bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Msg(s),
              HasSubstr(FilePath(2) + " at offset " + std::to_string(bad_off) + ": crc mismatch"));
  EXPECT_EQ(bad, 2u);
  std::vector<Rec> want;
  for (const Rec& r : written) {
    if (r.ref < in2[1].ref) want.push_back(r);
  }
  EXPECT_EQ(seen, want);
  auto c = m->Chunk(in2[1].ref);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Msg(c.status()),
              HasSubstr(FilePath(2) + " at offset " + std::to_string(bad_off) + ": crc mismatch"));
  EXPECT_TRUE(m->Chunk(in2[0].ref).ok());

  ASSERT_TRUE(m->DeleteFilesFrom(bad).ok());
  EXPECT_THAT(m->files(), ElementsAre(1u));
  EXPECT_FALSE(DefaultFs()->Exists(FilePath(2)));
  EXPECT_FALSE(DefaultFs()->Exists(FilePath(3)));
  EXPECT_EQ(m->Chunk(in2[0].ref).status().code(), absl::StatusCode::kNotFound);
  want.clear();
  for (const Rec& r : written) {
    if (HeadChunkRefFile(r.ref) == 1) want.push_back(r);
  }
  EXPECT_EQ(IterateAll(*m, &s), want);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(WriteChunks(*m, 50, 1)[0].ref, MakeHeadChunkRef(2, 8));
}

// Tails that are neither records nor zeros.
TEST_F(HeadChunksTest, TruncatedAndMalformedRecordsAreDataLoss) {
  ChunkDiskMapperOptions o;
  o.preallocate_bytes = 0;  // no zero tail: the file ends with the last record
  auto m = OpenMapper(o);
  std::vector<Rec> written = WriteChunks(*m, 0, 3, 40);
  ASSERT_TRUE(m->Close().ok());
  const std::string good = ReadAll(FilePath(1));
  const uint32_t last = HeadChunkRefOffset(written[2].ref);
  struct Case {
    const char* name;
    std::string file;
    std::string want;
  };
  std::string bad_len = good;
  for (int i = 0; i < 5; i++) bad_len[last + 25 + i] = '\xff';
  std::string long_len = good;
  long_len[last + 25] = '\x7f';  // data length 127: runs past the end
  std::string bad_enc = good.substr(0, last);
  bad_enc += Hex("000000000000000100000000000000020000000000000003") + Hex("0502abcd");
  PutBE32(&bad_enc, crc32c::Value(bad_enc.data() + last, bad_enc.size() - last));
  const std::vector<Case> cases = {
      {"cut in data", good.substr(0, last + 40), "chunk length 42 runs past the end of the file"},
      {"cut in header", good.substr(0, last + 20),
       "only 20 bytes left, too few for a record header"},
      {"bad varint", bad_len, "bad chunk length varint"},
      {"long length", long_len, "chunk length 127 runs past the end of the file"},
      {"unknown encoding", bad_enc, "unknown chunk encoding 0x05"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    WriteAll(FilePath(1), c.file);
    m = OpenMapper(o);
    absl::Status s;
    uint32_t bad = 0;
    EXPECT_EQ(IterateAll(*m, &s, &bad).size(), 2u);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(Msg(s),
                HasSubstr(FilePath(1) + " at offset " + std::to_string(last) + ": " + c.want));
    EXPECT_EQ(bad, 1u);
    EXPECT_EQ(m->Chunk(written[2].ref).status().code(), absl::StatusCode::kDataLoss);
  }
  // A zero tail shorter than a record header is a clean end, as is a zero record header.
  for (size_t zeros : {size_t{1}, size_t{33}, size_t{34}, size_t{500}}) {
    WriteAll(FilePath(1), good + std::string(zeros, '\0'));
    m = OpenMapper(o);
    absl::Status s;
    EXPECT_EQ(IterateAll(*m, &s).size(), 3u) << zeros;
    EXPECT_TRUE(s.ok()) << zeros << " " << s;
  }
}

TEST_F(HeadChunksTest, TruncateDeletesUnreferencedFilesAndCuts) {
  auto m = OpenMapper();
  EXPECT_TRUE(m->Truncate(5).ok());  // nothing there yet
  std::vector<std::vector<Rec>> by_file;
  for (int f = 0; f < 4; f++) {
    if (f > 0) {
      ASSERT_TRUE(m->CutNewFile().ok());
    }
    by_file.push_back(WriteChunks(*m, 10 * f, 3));
  }
  EXPECT_THAT(m->files(), ElementsAre(1u, 2u, 3u, 4u));
  ASSERT_TRUE(m->Truncate(3).ok());
  EXPECT_THAT(m->files(), ElementsAre(3u, 4u));
  EXPECT_FALSE(DefaultFs()->Exists(FilePath(1)));
  EXPECT_FALSE(DefaultFs()->Exists(FilePath(2)));
  EXPECT_EQ(m->Chunk(by_file[0][0].ref).status().code(), absl::StatusCode::kNotFound);
  auto c = m->Chunk(by_file[3][2].ref);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Copy(*c), by_file[3][2]);
  // File 4 held data, so the next chunk starts file 5.
  std::vector<Rec> in5 = WriteChunks(*m, 50, 1);
  EXPECT_EQ(in5[0].ref, MakeHeadChunkRef(5, 8));
  // Everything unreferenced: all but the highest (current) file go.
  ASSERT_TRUE(m->Truncate(1000).ok());
  EXPECT_THAT(m->files(), ElementsAre(5u));
  EXPECT_EQ(WriteChunks(*m, 60, 1)[0].ref, MakeHeadChunkRef(6, 8));
  // Without a current file the highest one is still kept, so numbering stays consecutive.
  ASSERT_TRUE(m->CutNewFile().ok());
  ASSERT_TRUE(m->Truncate(1000).ok());
  EXPECT_THAT(m->files(), ElementsAre(6u));
  ASSERT_TRUE(m->Close().ok());
  m = OpenMapper();
  absl::Status s;
  std::vector<Rec> all = IterateAll(*m, &s);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].ref, MakeHeadChunkRef(6, 8));
}

TEST_F(HeadChunksTest, InvalidArgumentsAreNotSticky) {
  ChunkDiskMapperOptions o;
  o.max_file_size_bytes = 200;
  o.preallocate_bytes = 0;
  auto m = OpenMapper(o);
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 0x00, "ab").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 0x07, "ab").status().code(), absl::StatusCode::kInvalidArgument);
  // 200 - 8 header bytes hold a record of 25 + 2 (length varint) + 161 data + 4 crc bytes.
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, std::string(162, 'x')).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto ref = m->WriteChunk(1, 0, 1, 1, std::string(161, 'x'));
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(*ref, MakeHeadChunkRef(1, 8));
  EXPECT_EQ(*m->WriteChunk(1, 0, 1, 1, "ab"), MakeHeadChunkRef(2, 8));

  ChunkDiskMapperOptions too_small;
  too_small.max_file_size_bytes = 41;
  too_small.preallocate_bytes = 0;
  EXPECT_EQ(ChunkDiskMapper::Open(DefaultFs(), dir(), too_small).status().code(),
            absl::StatusCode::kInvalidArgument);
  ChunkDiskMapperOptions too_big;
  too_big.max_file_size_bytes = (uint64_t{1} << 32) + 1;
  EXPECT_EQ(ChunkDiskMapper::Open(DefaultFs(), dir(), too_big).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(HeadChunksTest, ClosedMapperRefusesCalls) {
  auto m = OpenMapper();
  std::vector<Rec> w = WriteChunks(*m, 0, 1);
  ASSERT_TRUE(m->Close().ok());
  ASSERT_TRUE(m->Close().ok());
  const auto kFailed = absl::StatusCode::kFailedPrecondition;
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, "ab").status().code(), kFailed);
  EXPECT_EQ(m->Chunk(w[0].ref).status().code(), kFailed);
  EXPECT_EQ(m->Sync().code(), kFailed);
  EXPECT_EQ(m->CutNewFile().code(), kFailed);
  EXPECT_EQ(m->Truncate(1).code(), kFailed);
  absl::Status s;
  IterateAll(*m, &s);
  EXPECT_EQ(s.code(), kFailed);
}

TEST_F(HeadChunksTest, VisitorErrorStopsIteration) {
  auto m = OpenMapper();
  WriteChunks(*m, 0, 5);
  int calls = 0;
  uint32_t bad = 77;
  absl::Status s = m->IterateAllChunks(
      [&](const HeadChunkRecord&) {
        return ++calls == 2 ? absl::CancelledError("stop") : absl::OkStatus();
      },
      &bad);
  EXPECT_EQ(s, absl::CancelledError("stop"));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(bad, 77u);
}

class HeadChunksFaultTest : public HeadChunksTest {
 protected:
  FaultInjectionFs fs_{DefaultFs()};
};

// The device fills up mid-record: the error is returned (and sticky), earlier chunks that reached
// the file stay readable, nothing half-written is ever served, and a reopen repairs the file.
TEST_F(HeadChunksFaultTest, NoSpaceIsStickyAndNeverServesPartialRecords) {
  auto m = OpenMapper({}, &fs_);
  std::vector<Rec> synced = WriteChunks(*m, 0, 3, 60);
  ASSERT_TRUE(m->Sync().ok());
  std::vector<Rec> buffered = WriteChunks(*m, 3, 1, 60);
  fs_.SetSpaceLimit(50);
  auto failed = m->WriteChunk(1, 0, 1, 1, ChunkBytes(9, 60));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, "ab").status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(m->Sync().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(m->CutNewFile().code(), absl::StatusCode::kResourceExhausted);
  for (const Rec& r : synced) {
    auto c = m->Chunk(r.ref);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(Copy(*c), r);
  }
  auto lost = m->Chunk(buffered[0].ref);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(Msg(lost.status()), HasSubstr("did not reach the file"));
  EXPECT_FALSE(m->Close().ok());
  fs_.ClearFaults();

  // Whatever a reopen finds is a subset of what was written; damage is repairable.
  std::vector<Rec> all = synced;
  all.insert(all.end(), buffered.begin(), buffered.end());
  m = OpenMapper({}, &fs_);
  absl::Status s;
  uint32_t bad = 0;
  for (const Rec& r : IterateAll(*m, &s, &bad)) {
    EXPECT_NE(std::find(all.begin(), all.end(), r), all.end()) << r;
  }
  if (!s.ok()) {
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    ASSERT_TRUE(m->DeleteFilesFrom(bad).ok());
    IterateAll(*m, &s);
  }
  EXPECT_TRUE(s.ok()) << s;
  ASSERT_TRUE(m->Close().ok());
}

// A crash after the failed write: only synced records survive, and they load cleanly.
TEST_F(HeadChunksFaultTest, CrashAfterNoSpaceKeepsSyncedRecords) {
  auto m = OpenMapper({}, &fs_);
  std::vector<Rec> synced = WriteChunks(*m, 0, 3, 60);
  ASSERT_TRUE(m->Sync().ok());
  WriteChunks(*m, 3, 1, 60);
  fs_.SetSpaceLimit(50);
  EXPECT_FALSE(m->WriteChunk(1, 0, 1, 1, ChunkBytes(9, 60)).ok());
  (void)m->Close();
  m.reset();
  fs_.ClearFaults();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  m = OpenMapper({}, &fs_);
  absl::Status s;
  EXPECT_EQ(IterateAll(*m, &s), synced);
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(HeadChunksFaultTest, FailedSyncIsStickyAndUnsyncedDataIsNotTrusted) {
  auto m = OpenMapper({}, &fs_);
  std::vector<Rec> a = WriteChunks(*m, 0, 2);
  ASSERT_TRUE(m->Sync().ok());
  std::vector<Rec> b = WriteChunks(*m, 2, 2);
  fs_.InjectError(FsOp::kSync, "chunks_head", absl::InternalError("injected sync failure"));
  absl::Status sync = m->Sync();
  EXPECT_EQ(sync.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(Msg(sync), HasSubstr("injected sync failure"));
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, "ab").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(m->Sync().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(m->Chunk(a[1].ref).ok());
  EXPECT_FALSE(m->Close().ok());
  m.reset();
  ASSERT_TRUE(fs_.DropUnsyncedData().ok());
  m = OpenMapper({}, &fs_);
  absl::Status s;
  EXPECT_EQ(IterateAll(*m, &s), a);
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(HeadChunksFaultTest, FailedAppendAndFailedFileCreation) {
  auto m = OpenMapper({}, &fs_);
  std::vector<Rec> a = WriteChunks(*m, 0, 2);
  fs_.InjectError(FsOp::kAppend, "chunks_head", absl::InternalError("injected append failure"));
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, "ab").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, "ab").status().code(), absl::StatusCode::kInternal);
  auto c = m->Chunk(a[1].ref);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);  // was still in the write buffer
  EXPECT_FALSE(m->Close().ok());

  // Creating the next file fails: an error, and no torn file is left behind.
  m = OpenMapper({}, &fs_);
  fs_.InjectError(FsOp::kTruncate, "chunks_head", absl::InternalError("injected truncate"));
  EXPECT_EQ(m->WriteChunk(1, 0, 1, 1, "ab").status().code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(DefaultFs()->Exists(FilePath(2)));
  EXPECT_THAT(m->files(), ElementsAre(1u));
}

TEST_F(HeadChunksTest, ConcurrentWritersAndReaders) {
  ChunkDiskMapperOptions o;
  o.max_file_size_bytes = 64 << 10;
  o.preallocate_bytes = 16 << 10;
  auto m = OpenMapper(o);
  absl::Mutex mu;
  std::vector<Rec> published;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread writer([&] {
    for (int i = 0; i < 3000; i++) {
      std::vector<Rec> one = WriteChunks(*m, i, 1);
      if (one.empty()) break;
      absl::MutexLock l(&mu);
      published.push_back(one[0]);
    }
    done = true;
  });
  auto reader = [&](int seed) {
    uint64_t x = seed;
    int local_reads = 0;
    while (!done || local_reads < 100) {
      Rec want;
      {
        absl::MutexLock l(&mu);
        if (published.empty()) continue;
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        want = published[(x >> 33) % published.size()];
      }
      auto c = m->Chunk(want.ref);
      ASSERT_TRUE(c.ok()) << c.status();
      EXPECT_EQ(Copy(*c), want);
      reads++;
      local_reads++;
    }
  };
  std::thread r1(reader, 1), r2(reader, 2);
  writer.join();
  r1.join();
  r2.join();
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(m->highest_file(), 1u);
  absl::Status s;
  EXPECT_EQ(IterateAll(*m, &s), published);
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace strata::tsdb::chunks
