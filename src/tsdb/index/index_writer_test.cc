#include "tsdb/index/index_writer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/index/index_reader.h"
#include "tsdb/index/index_test_util.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata::tsdb::index {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class IndexWriterTest : public ::testing::Test {
 protected:
  std::string Path() const { return tmp_.Join("index"); }

  std::unique_ptr<IndexWriter> OpenWriter(Fs* fs = DefaultFs()) {
    auto w = IndexWriter::Open(fs, Path());
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? std::move(*w) : nullptr;
  }

  std::string ReadIndex() {
    auto data = DefaultFs()->ReadFile(Path());
    EXPECT_TRUE(data.ok()) << data.status();
    return data.ok() ? *data : "";
  }

  testing::TempDir tmp_;
};

TEST_F(IndexWriterTest, RebuildsTheReferenceIndexByteForByte) {
  auto w = OpenWriter();
  for (const std::string& s : ReferenceSymbols()) ASSERT_TRUE(w->AddSymbol(s).ok());
  uint64_t ref = 0;
  for (const TestSeries& s : ReferenceSeries()) {
    ASSERT_TRUE(w->AddSeries(ref++, s.lset, s.chunks).ok());
  }
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(w->size_bytes(), 649u);
  auto want = DefaultFs()->ReadFile(ReferenceBlockDir() + "/index");
  ASSERT_TRUE(want.ok()) << want.status();
  const std::string got = ReadIndex();
  ASSERT_EQ(got.size(), want->size());
  for (size_t i = 0; i < got.size(); i++) {
    ASSERT_EQ(static_cast<int>(static_cast<uint8_t>(got[i])),
              static_cast<int>(static_cast<uint8_t>((*want)[i])))
        << "first difference at offset " << i;
  }
}

TEST_F(IndexWriterTest, EmptyIndex) {
  auto w = OpenWriter();
  ASSERT_TRUE(w->Close().ok());
  const std::string got = ReadIndex();
  // header, empty symbol table (len 4, count 0, CRC of 4 zero bytes)...
  EXPECT_EQ(
      got.substr(0, 17),
      std::string("\xba\xaa\xd7\x00\x02\x00\x00\x00\x04\x00\x00\x00\x00\x48\x67\x4b\xc7", 17));
  auto r = IndexReader::Open(DefaultFs(), Path());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT((*r)->Symbols(), IsEmpty());
  EXPECT_THAT((*r)->LabelNames(), IsEmpty());
  auto all = (*r)->AllPostings();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_FALSE((*all)->Next());
  EXPECT_EQ((*r)->toc().label_indices, 17u);
  EXPECT_EQ((*r)->toc().postings, 17u);
}

TEST_F(IndexWriterTest, SymbolsMustIncrease) {
  auto w = OpenWriter();
  ASSERT_TRUE(w->AddSymbol("b").ok());
  EXPECT_EQ(w->AddSymbol("b").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w->AddSymbol("a").code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(w->AddSymbol("c").ok());
  // Invalid input does not break the writer.
  ASSERT_TRUE(w->AddSeries(0, labels::Labels{{"b", "c"}}, {}).ok());
  EXPECT_EQ(w->AddSymbol("d").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(w->Close().ok());
}

TEST_F(IndexWriterTest, SeriesMustBeInOrderAndUseKnownSymbols) {
  auto w = OpenWriter();
  for (const char* s : {"a", "b", "c", "x"}) ASSERT_TRUE(w->AddSymbol(s).ok());
  EXPECT_EQ(w->AddSeries(0, labels::Labels{}, {}).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(w->AddSeries(5, labels::Labels{{"a", "b"}}, {}).ok());
  absl::Status dup = w->AddSeries(6, labels::Labels{{"a", "b"}}, {});
  EXPECT_EQ(dup.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(dup.message(), HasSubstr("out-of-order series"));
  EXPECT_EQ(w->AddSeries(6, labels::Labels{{"a", "a"}}, {}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w->AddSeries(4, labels::Labels{{"a", "c"}}, {}).code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status unknown = w->AddSeries(6, labels::Labels{{"a", "zzz"}}, {});
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.message(), HasSubstr("not in the symbols"));
  ASSERT_TRUE(w->AddSeries(5, labels::Labels{{"a", "c"}, {"b", "x"}}, {}).ok());
  ASSERT_TRUE(w->Close().ok());

  auto r = IndexReader::Open(DefaultFs(), Path());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT((*r)->LabelNames(), ElementsAre("a", "b"));
  auto vals = (*r)->LabelValues("a");
  ASSERT_TRUE(vals.ok());
  EXPECT_THAT(*vals, ElementsAre("b", "c"));
}

TEST_F(IndexWriterTest, ChunkMetaDeltasRoundTrip) {
  auto w = OpenWriter();
  ASSERT_TRUE(w->AddSymbol("a").ok());
  // Negative times, a gap, adjacent chunks, a chunk spanning one timestamp, big refs.
  const std::vector<chunks::ChunkMeta> chks = {
      {8, -5000, -1000},
      {100, -999, -999},
      {chunks::MakeChunkRef(1, 8), 0, 120000},
      {chunks::MakeChunkRef(7, 0xfffffff0), 1700000000000, 1700000000000 + 7200000},
  };
  ASSERT_TRUE(w->AddSeries(0, labels::Labels{{"a", "a"}}, chks).ok());
  ASSERT_TRUE(w->Close().ok());
  auto r = IndexReader::Open(DefaultFs(), Path());
  ASSERT_TRUE(r.ok()) << r.status();
  auto all = (*r)->AllPostings();
  ASSERT_TRUE(all.ok());
  ASSERT_TRUE((*all)->Next());
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> got;
  ASSERT_TRUE((*r)->Series((*all)->At(), &lset, &got).ok());
  EXPECT_EQ(lset, (labels::Labels{{"a", "a"}}));
  EXPECT_EQ(got, chks);
}

TEST_F(IndexWriterTest, FailedSyncIsReturnedAndSticky) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(&fs);
  ASSERT_TRUE(w->AddSymbol("a").ok());
  ASSERT_TRUE(w->AddSeries(0, labels::Labels{{"a", "a"}}, {}).ok());
  fs.InjectError(FsOp::kSync, "index", absl::InternalError("injected sync failure"));
  absl::Status s = w->Close();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(s.message(), HasSubstr("injected sync failure"));
  EXPECT_EQ(w->Close().code(), absl::StatusCode::kInternal);
}

TEST_F(IndexWriterTest, NoSpaceIsReturned) {
  FaultInjectionFs fs(DefaultFs());
  auto w = OpenWriter(&fs);
  ASSERT_TRUE(w->AddSymbol("a").ok());
  ASSERT_TRUE(w->AddSymbol("b").ok());
  fs.SetSpaceLimit(30);
  absl::Status s;
  // The writer's file buffers nothing itself; some append soon hits the limit.
  s = w->AddSeries(0, labels::Labels{{"a", "a"}}, {});
  if (s.ok()) s = w->AddSeries(1, labels::Labels{{"a", "b"}}, {});
  if (s.ok()) s = w->Close();
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(w->Close().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(w->AddSeries(2, labels::Labels{{"b", "b"}}, {}).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(IndexWriterTest, FailedCreate) {
  FaultInjectionFs fs(DefaultFs());
  fs.InjectError(FsOp::kCreate, "index", absl::InternalError("injected create failure"));
  EXPECT_EQ(IndexWriter::Open(&fs, Path()).status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace strata::tsdb::index
