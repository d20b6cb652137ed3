#include "tsdb/chunks/chunk_reader.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/chunks/chunk_meta.h"
#include "tsdb/chunks/chunks_test_util.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/testing.h"

namespace strata::tsdb::chunks {
namespace {

using ::testing::HasSubstr;

std::string ReferenceChunksDir() {
  return testing::SharedTestdataDir() + "/prom-block-small/01M8A330PDKH79JT5WWS1GKG2C/chunks";
}

std::string Hex(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

TEST(ChunkReaderTest, ReadsReferenceBlock) {
  auto r = ChunkReader::Open(DefaultFs(), ReferenceChunksDir());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->num_segments(), 1u);
  EXPECT_EQ((*r)->size_bytes(), 97u);

  auto c = (*r)->Chunk(8);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->encoding, 1);
  // §2.2: the first record's data (24 bytes).
  EXPECT_EQ(Hex(c->data),
            "000380a0abfef962"
            "408fe80000000000"
            "9875d65ff97216a0");
  auto c2 = (*r)->Chunk(38);
  ASSERT_TRUE(c2.ok()) << c2.status();
  EXPECT_EQ(c2->encoding, 1);
  EXPECT_EQ(c2->data.size(), 21u);
  EXPECT_EQ(Hex(c2->data.substr(0, 9)), "000380a0abfef96240");
  auto c3 = (*r)->Chunk(65);
  ASSERT_TRUE(c3.ok()) << c3.status();
  EXPECT_EQ(c3->data.size(), 26u);
  EXPECT_EQ(Hex(c3->data.substr(20)), "0fa3025007f8");
}

TEST(ChunkReaderTest, BadReferences) {
  auto r = ChunkReader::Open(DefaultFs(), ReferenceChunksDir());
  ASSERT_TRUE(r.ok()) << r.status();
  auto bad_segment = (*r)->Chunk(MakeChunkRef(1, 8));
  EXPECT_EQ(bad_segment.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(bad_segment.status().message(), HasSubstr("segment index 1 out of range"));
  for (uint64_t off : {0, 7, 9, 37, 93, 96, 97, 1000}) {
    SCOPED_TRACE(off);
    auto c = (*r)->Chunk(off);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(c.status().message(), HasSubstr("chunks/000001 offset "));
  }
}

TEST(ChunkReaderTest, ChecksumMismatchNamesFileOffsetAndBothSums) {
  testing::TempDir dir;
  std::string data = ReadWholeFile(ReferenceChunksDir() + "/000001");
  data[40] ^= 0x01;  // inside the second record's data
  WriteWholeFile(dir.Join("000001"), data);
  auto r = ChunkReader::Open(DefaultFs(), dir.path());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)->Chunk(8).ok());
  auto c = (*r)->Chunk(38);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(c.status().message(), HasSubstr("000001 offset 38: checksum mismatch expected:"));
  EXPECT_THAT(c.status().message(), HasSubstr(", actual:"));
  EXPECT_TRUE((*r)->Chunk(65).ok());
}

TEST(ChunkReaderTest, EveryBitFlipInARecordIsDetected) {
  const std::string orig = ReadWholeFile(ReferenceChunksDir() + "/000001");
  const uint64_t refs[] = {8, 38, 65};
  const uint64_t ends[] = {38, 65, 97};
  testing::TempDir dir;
  for (size_t pos = 8; pos < orig.size(); pos++) {
    for (int bit = 0; bit < 8; bit++) {
      std::string data = orig;
      data[pos] ^= static_cast<char>(1 << bit);
      WriteWholeFile(dir.Join("000001"), data);
      auto r = ChunkReader::Open(DefaultFs(), dir.path());
      ASSERT_TRUE(r.ok()) << r.status();
      for (int i = 0; i < 3; i++) {
        auto c = (*r)->Chunk(refs[i]);
        const bool hit = pos >= refs[i] && pos < ends[i];
        ASSERT_EQ(c.ok(), !hit) << "pos " << pos << " bit " << bit << " ref " << refs[i];
        if (hit) {
          ASSERT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
        }
      }
    }
  }
}

TEST(ChunkReaderTest, TruncationAtEveryLength) {
  const std::string orig = ReadWholeFile(ReferenceChunksDir() + "/000001");
  const uint64_t refs[] = {8, 38, 65};
  const uint64_t ends[] = {38, 65, 97};
  testing::TempDir dir;
  for (size_t len = 0; len < orig.size(); len++) {
    SCOPED_TRACE(len);
    WriteWholeFile(dir.Join("000001"), orig.substr(0, len));
    auto r = ChunkReader::Open(DefaultFs(), dir.path());
    if (len < 8) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
      EXPECT_THAT(r.status().message(), HasSubstr("000001: invalid segment header, size"));
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status();
    for (int i = 0; i < 3; i++) {
      auto c = (*r)->Chunk(refs[i]);
      EXPECT_EQ(c.ok(), ends[i] <= len) << refs[i];
      if (!c.ok()) {
        EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
      }
    }
  }
}

TEST(ChunkReaderTest, HeaderChecks) {
  testing::TempDir dir;
  WriteWholeFile(dir.Join("000001"), std::string("\x85\xbd\x40\xdd\x02\0\0\0", 8));
  auto r = ChunkReader::Open(DefaultFs(), dir.path());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("000001: invalid chunk format version 2"));

  WriteWholeFile(dir.Join("000001"), std::string("\x85\xbd\x40\xde\x01\0\0\0", 8));
  r = ChunkReader::Open(DefaultFs(), dir.path());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("invalid magic number 85bd40de"));
}

TEST(ChunkReaderTest, IgnoresNonNumericNamesAndNumbersFilesByPosition) {
  testing::TempDir dir;
  const std::string ref = ReadWholeFile(ReferenceChunksDir() + "/000001");
  WriteWholeFile(dir.Join("000003"), ref);  // a gap in the numbering
  WriteWholeFile(dir.Join("000001"), std::string("\x85\xbd\x40\xdd\x01\0\0\0", 8));
  WriteWholeFile(dir.Join("000001.tmp"), "junk");
  WriteWholeFile(dir.Join("index"), "junk");
  auto r = ChunkReader::Open(DefaultFs(), dir.path());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->num_segments(), 2u);
  // 000003 is the second file, so segment index 1.
  auto c = (*r)->Chunk(MakeChunkRef(1, 38));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->data.size(), 21u);
  EXPECT_FALSE((*r)->Chunk(MakeChunkRef(0, 8)).ok());
}

TEST(ChunkReaderTest, RejectsUnknownEncoding) {
  testing::TempDir dir;
  std::string rec;
  rec.push_back(1);     // len
  rec.push_back(0x81);  // OOO XOR: only valid in chunks_head/
  rec.push_back(0);
  std::string file("\x85\xbd\x40\xdd\x01\0\0\0", 8);
  file += rec;
  char crc[4];
  EncodeBE32(crc32c::Value(std::string_view(rec).substr(1)), crc);
  file.append(crc, 4);
  file.append(4, '\0');
  WriteWholeFile(dir.Join("000001"), file);
  auto r = ChunkReader::Open(DefaultFs(), dir.path());
  ASSERT_TRUE(r.ok()) << r.status();
  auto c = (*r)->Chunk(8);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(c.status().message(), HasSubstr("invalid chunk encoding 129"));
}

TEST(ChunkReaderTest, MissingDirectory) {
  auto r = ChunkReader::Open(DefaultFs(), "/nonexistent/strata/chunks");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace strata::tsdb::chunks
