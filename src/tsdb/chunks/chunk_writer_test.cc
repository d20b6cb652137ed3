#include "tsdb/chunks/chunk_writer.h"

#include <cerrno>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/chunks/chunk_reader.h"
#include "tsdb/chunks/chunks_test_util.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata::tsdb::chunks {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ChunkWriterTest : public ::testing::Test {
 protected:
  std::string Dir() const { return tmp_.Join("chunks"); }

  std::unique_ptr<ChunkWriter> OpenWriter(uint64_t max_segment_size, Fs* fs = DefaultFs()) {
    auto w = ChunkWriter::Open(fs, Dir(), ChunkWriterOptions{max_segment_size});
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? std::move(*w) : nullptr;
  }

  // Writes one series with chunks of the given data sizes; returns their refs.
  std::vector<uint64_t> Write(ChunkWriter* w, std::vector<size_t> sizes) {
    std::vector<ChunkToWrite> chks;
    for (size_t n : sizes) {
      payloads_.push_back(std::string(n, static_cast<char>('a' + payloads_.size() % 26)));
    }
    for (size_t i = 0; i < sizes.size(); i++) {
      chks.push_back(ChunkToWrite{1, payloads_[payloads_.size() - sizes.size() + i], 0, 0});
    }
    EXPECT_TRUE(w->WriteChunks(chks).ok());
    std::vector<uint64_t> refs;
    for (const auto& c : chks) refs.push_back(c.ref);
    return refs;
  }

  testing::TempDir tmp_;
  std::deque<std::string> payloads_;
};

TEST_F(ChunkWriterTest, RewritingTheReferenceChunksIsByteIdentical) {
  const std::string ref_path =
      testing::SharedTestdataDir() + "/prom-block-small/01M8A330PDKH79JT5WWS1GKG2C/chunks/000001";
  const std::string ref = ReadWholeFile(ref_path);
  ASSERT_EQ(ref.size(), 97u);
  auto w = OpenWriter(kDefaultMaxSegmentSizeBytes);
  // One series per chunk, as the reference block has; data = record minus len, enc and CRC.
  const std::vector<std::pair<size_t, size_t>> data_ranges = {{10, 24}, {40, 21}, {67, 26}};
  std::vector<uint64_t> refs;
  for (auto [off, len] : data_ranges) {
    ChunkToWrite c{1, std::string_view(ref).substr(off, len), 1700000000000, 1700000030000};
    ASSERT_TRUE(w->WriteChunks(std::span(&c, 1)).ok());
    refs.push_back(c.ref);
    EXPECT_EQ(c.meta(), (ChunkMeta{c.ref, 1700000000000, 1700000030000}));
  }
  EXPECT_THAT(refs, ElementsAre(8, 38, 65));
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(w->size_bytes(), 97u);
  EXPECT_EQ(ReadWholeFile(Dir() + "/000001"), ref);
  auto names = DefaultFs()->ListDir(Dir());
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("000001"));
}

// Sizes below: data of 20 bytes is a 26-byte record, budgeted as 30 bytes (§2.4).
TEST_F(ChunkWriterTest, CutsSegmentsLikePrometheus) {
  auto w = OpenWriter(100);
  // Fresh file: 30+30+30 + 8 = 98 <= 100 fits.
  EXPECT_THAT(Write(w.get(), {20, 20, 20}),
              ElementsAre(MakeChunkRef(0, 8), MakeChunkRef(0, 34), MakeChunkRef(0, 60)));
  // File holds 86 bytes: 86 + 30 > 100, so a new file.
  EXPECT_THAT(Write(w.get(), {20}), ElementsAre(MakeChunkRef(1, 8)));
  // File holds 34: two more chunks fit (34+60), the third cuts; then the budget counts the
  // header: 8 + 30 + 30 fits.
  EXPECT_THAT(Write(w.get(), {20, 20, 20, 20}),
              ElementsAre(MakeChunkRef(1, 34), MakeChunkRef(1, 60), MakeChunkRef(2, 8),
                          MakeChunkRef(2, 34)));
  // A chunk larger than the limit gets a file of its own, and the next chunk a new one again.
  EXPECT_THAT(Write(w.get(), {200}), ElementsAre(MakeChunkRef(3, 8)));
  EXPECT_THAT(Write(w.get(), {20}), ElementsAre(MakeChunkRef(4, 8)));
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(w->num_segments(), 5u);

  auto names = DefaultFs()->ListDir(Dir());
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre("000001", "000002", "000003", "000004", "000005"));
  EXPECT_EQ(ReadWholeFile(Dir() + "/000001").size(), 86u);
  EXPECT_EQ(ReadWholeFile(Dir() + "/000002").size(), 86u);
  EXPECT_EQ(ReadWholeFile(Dir() + "/000003").size(), 60u);
  EXPECT_EQ(ReadWholeFile(Dir() + "/000004").size(), 8u + 2 + 1 + 200 + 4);
  EXPECT_EQ(ReadWholeFile(Dir() + "/000005").size(), 34u);
}

TEST_F(ChunkWriterTest, TwoLargeChunksOfOneSeriesGetOneFileEach) {
  auto w = OpenWriter(100);
  EXPECT_THAT(Write(w.get(), {200, 200}), ElementsAre(MakeChunkRef(0, 8), MakeChunkRef(1, 8)));
  // The budget check of a fresh file never moves the file's first chunk.
  EXPECT_THAT(Write(w.get(), {90}), ElementsAre(MakeChunkRef(2, 8)));
  ASSERT_TRUE(w->Close().ok());
}

TEST_F(ChunkWriterTest, ExactlyAtTheLimitStaysInTheFile) {
  auto w = OpenWriter(8 + 30 + 30);
  EXPECT_THAT(Write(w.get(), {20, 20, 20}),
              ElementsAre(MakeChunkRef(0, 8), MakeChunkRef(0, 34), MakeChunkRef(1, 8)));
  // File 2 holds 34 bytes: 34 + 30 = 64 <= 68.
  EXPECT_THAT(Write(w.get(), {20}), ElementsAre(MakeChunkRef(1, 34)));
  ASSERT_TRUE(w->Close().ok());
}

TEST_F(ChunkWriterTest, RoundTripManySeriesAcrossSegments) {
  auto w = OpenWriter(4096);
  std::mt19937 rng(42);
  std::vector<std::pair<uint64_t, std::string>> written;
  for (int s = 0; s < 500; s++) {
    std::vector<std::string> data(1 + rng() % 4);
    std::vector<ChunkToWrite> chks;
    for (auto& d : data) {
      d.resize(1 + rng() % 300);
      for (char& c : d) c = static_cast<char>(rng());
      chks.push_back(ChunkToWrite{1, d, s * 1000, s * 1000 + 999});
    }
    ASSERT_TRUE(w->WriteChunks(chks).ok());
    for (size_t i = 0; i < chks.size(); i++) {
      if (!written.empty()) {
        ASSERT_GT(chks[i].ref, written.back().first);
      }
      written.emplace_back(chks[i].ref, data[i]);
    }
  }
  ASSERT_TRUE(w->Close().ok());
  ASSERT_TRUE(w->Close().ok());  // idempotent
  EXPECT_GT(w->num_segments(), 10u);

  auto r = ChunkReader::Open(DefaultFs(), Dir());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->num_segments(), w->num_segments());
  EXPECT_EQ((*r)->size_bytes(), w->size_bytes());
  for (const auto& [ref, data] : written) {
    auto c = (*r)->Chunk(ref);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->encoding, 1);
    ASSERT_EQ(c->data, data);
  }
  for (uint64_t i = 1; i <= w->num_segments(); i++) {
    EXPECT_LE(ReadWholeFile(JoinPath(Dir(), SegmentFileName(i))).size(), 4096u);
  }
}

TEST_F(ChunkWriterTest, NoChunksNoFiles) {
  auto w = OpenWriter(kDefaultMaxSegmentSizeBytes);
  ASSERT_TRUE(w->WriteChunks({}).ok());
  ASSERT_TRUE(w->Close().ok());
  auto names = DefaultFs()->ListDir(Dir());
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  EXPECT_EQ(w->WriteChunks({}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ChunkWriterTest, RefusesDirectoryWithSegments) {
  ASSERT_TRUE(DefaultFs()->CreateDirs(Dir()).ok());
  WriteWholeFile(Dir() + "/000001", "x");
  auto w = ChunkWriter::Open(DefaultFs(), Dir());
  EXPECT_EQ(w.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ChunkWriterTest, RejectsBadSegmentSize) {
  EXPECT_EQ(ChunkWriter::Open(DefaultFs(), Dir(), {8}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ChunkWriter::Open(DefaultFs(), Dir(), {uint64_t{5} << 30}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ChunkWriterTest, NoSpaceIsReturnedAndSticky) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(kDefaultMaxSegmentSizeBytes, &fs);
  fs.SetSpaceLimit(100);
  std::string data(80, 'x');
  ChunkToWrite c{1, data, 0, 1};
  ASSERT_TRUE(w->WriteChunks(std::span(&c, 1)).ok());  // 8 + 86 bytes fit
  absl::Status s = w->WriteChunks(std::span(&c, 1));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  fs.ClearFaults();
  EXPECT_EQ(w->WriteChunks(std::span(&c, 1)).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(w->Close().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(ChunkWriterTest, FailedSyncOnCloseIsReturned) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(kDefaultMaxSegmentSizeBytes, &fs);
  std::string data(10, 'x');
  ChunkToWrite c{1, data, 0, 1};
  ASSERT_TRUE(w->WriteChunks(std::span(&c, 1)).ok());
  fs.InjectError(FsOp::kSync, "000001", absl::InternalError("injected sync failure"));
  absl::Status s = w->Close();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("injected sync failure"));
  EXPECT_EQ(w->Close().code(), absl::StatusCode::kInternal);
}

TEST_F(ChunkWriterTest, FailedSyncWhenCuttingIsReturned) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(50, &fs);
  std::string data(20, 'x');
  ChunkToWrite c{1, data, 0, 1};
  ASSERT_TRUE(w->WriteChunks(std::span(&c, 1)).ok());
  fs.InjectError(FsOp::kSync, "000001", absl::InternalError("injected sync failure"));
  EXPECT_EQ(w->WriteChunks(std::span(&c, 1)).code(), absl::StatusCode::kInternal);
}

TEST_F(ChunkWriterTest, FailedCreateAndDirSyncAreReturned) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(kDefaultMaxSegmentSizeBytes, &fs);
  std::string data(10, 'x');
  ChunkToWrite c{1, data, 0, 1};
  fs.InjectError(FsOp::kCreate, "000001", absl::InternalError("injected create failure"));
  EXPECT_EQ(w->WriteChunks(std::span(&c, 1)).code(), absl::StatusCode::kInternal);

  testing::TempDir other;
  auto w2 = ChunkWriter::Open(&fs, other.Join("chunks"));
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE((*w2)->WriteChunks(std::span(&c, 1)).ok());
  fs.InjectError(FsOp::kSyncDir, "chunks", absl::InternalError("injected dir sync failure"));
  EXPECT_EQ((*w2)->Close().code(), absl::StatusCode::kInternal);
}

TEST_F(ChunkWriterTest, SyncedDataSurvivesACrash) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(kDefaultMaxSegmentSizeBytes, &fs);
  std::string data(10, 'x');
  ChunkToWrite c{1, data, 0, 1};
  ASSERT_TRUE(w->WriteChunks(std::span(&c, 1)).ok());
  ASSERT_TRUE(w->Close().ok());
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  EXPECT_EQ(ReadWholeFile(Dir() + "/000001").size(), 8u + 1 + 1 + 10 + 4);
}

}  // namespace
}  // namespace strata::tsdb::chunks
