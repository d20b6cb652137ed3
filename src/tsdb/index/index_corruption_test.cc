// Corrupted and truncated index files must give DataLoss, never a crash or a wrong answer that
// passed a checksum.
#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/index/index_reader.h"
#include "tsdb/index/index_test_util.h"
#include "tsdb/index/index_writer.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"

namespace strata::tsdb::index {
namespace {

using ::testing::HasSubstr;

std::string ReferenceIndex() {
  auto data = DefaultFs()->ReadFile(ReferenceBlockDir() + "/index");
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

absl::StatusOr<std::unique_ptr<IndexReader>> OpenBytes(std::string bytes) {
  return IndexReader::Open(std::make_unique<StringRegion>(std::move(bytes)), "test");
}

// Reads everything a query or a compaction could read; returns the first error.
absl::Status ReadEverything(const IndexReader& r) {
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  for (std::string_view name : r.LabelNames()) {
    ASSIGN_OR_RETURN(std::vector<std::string_view> values, r.LabelValues(name));
    ASSIGN_OR_RETURN(std::unique_ptr<Postings> p, r.Postings(name, values));
    ASSIGN_OR_RETURN(std::vector<uint64_t> refs, ExpandPostings(*p));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Postings> all, r.AllPostings());
  ASSIGN_OR_RETURN(std::vector<uint64_t> refs, ExpandPostings(*all));
  for (uint64_t ref : refs) RETURN_IF_ERROR(r.Series(ref, &lset, &chks));
  return absl::OkStatus();
}

absl::Status OpenAndReadEverything(std::string bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<IndexReader> r, OpenBytes(std::move(bytes)));
  return ReadEverything(*r);
}

// Byte ranges of the reference index that a v2 reader never reads (§4.13): alignment padding,
// the legacy label indices and the label offset table.
bool Unread(size_t pos) {
  return (pos >= 100 && pos < 112) || (pos >= 135 && pos < 144) || (pos >= 167 && pos < 176) ||
         (pos >= 197 && pos < 288) || (pos >= 416 && pos < 466);
}

TEST(IndexCorruptionTest, EveryBitFlipOfTheReferenceIsDetectedWhereItIsRead) {
  const std::string orig = ReferenceIndex();
  ASSERT_EQ(orig.size(), 649u);
  ASSERT_TRUE(OpenAndReadEverything(orig).ok());
  for (size_t pos = 0; pos < orig.size(); pos++) {
    for (int bit = 0; bit < 8; bit++) {
      std::string data = orig;
      data[pos] ^= static_cast<char>(1 << bit);
      const absl::Status s = OpenAndReadEverything(data);
      if (Unread(pos)) {
        ASSERT_TRUE(s.ok()) << "pos " << pos << " bit " << bit << ": " << s;
      } else {
        ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << "pos " << pos << " bit " << bit;
      }
    }
  }
}

TEST(IndexCorruptionTest, ErrorsNameTheSectionAndOffset) {
  const std::string orig = ReferenceIndex();
  std::string toc = orig;
  toc[600] ^= 1;
  EXPECT_THAT(OpenBytes(toc).status().message(),
              HasSubstr("index test: index TOC at offset 597: checksum mismatch expected:"));
  std::string sym = orig;
  sym[20] ^= 1;
  EXPECT_THAT(OpenBytes(sym).status().message(),
              HasSubstr("symbol table at offset 5: checksum mismatch"));
  std::string table = orig;
  table[500] ^= 1;
  EXPECT_THAT(OpenBytes(table).status().message(),
              HasSubstr("postings offset table at offset 466: checksum mismatch"));

  std::string series = orig;
  series[120] ^= 1;
  auto r = OpenBytes(series);
  ASSERT_TRUE(r.ok());
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  const absl::Status s = (*r)->Series(7, &lset, &chks);
  EXPECT_THAT(s.message(), HasSubstr("series checksum mismatch expected:189e22e3"));
  EXPECT_THAT(s.message(), HasSubstr("at offset 112"));
  std::string postings = orig;
  postings[320] ^= 1;
  r = OpenBytes(postings);
  ASSERT_TRUE(r.ok());
  auto p = (*r)->Postings("__name__", "http_requests_total");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(p.status().message(), HasSubstr("postings list checksum mismatch"));
  EXPECT_THAT(p.status().message(), HasSubstr("at offset 312"));
}

TEST(IndexCorruptionTest, TruncationAtEveryLengthFailsToOpen) {
  const std::string orig = ReferenceIndex();
  for (size_t len = 0; len < orig.size(); len++) {
    auto r = OpenBytes(orig.substr(0, len));
    ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << len;
  }
  // Trailing garbage moves the TOC too.
  EXPECT_EQ(OpenBytes(orig + std::string(4, '\0')).status().code(), absl::StatusCode::kDataLoss);
}

// Rewrites the CRC of a framed section so that only the semantic checks can catch the change.
void FixCrc(std::string* data, size_t content_start, size_t content_len) {
  EncodeBE32(crc32c::Value(std::string_view(*data).substr(content_start, content_len)),
             data->data() + content_start + content_len);
}

TEST(IndexCorruptionTest, SemanticChecksBehindValidChecksums) {
  const std::string orig = ReferenceIndex();
  // Series 7 (body 113..130): value ref of __name__ becomes 64, past the 11 symbols.
  std::string series = orig;
  series[115] = 64;
  FixCrc(&series, 113, 18);
  auto r = OpenBytes(series);
  ASSERT_TRUE(r.ok()) << r.status();
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  absl::Status s = (*r)->Series(7, &lset, &chks);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("symbol reference 64 out of range"));

  // Series 7: labels out of order (code before __name__).
  std::string unsorted = orig;
  std::swap(unsorted[114], unsorted[116]);
  std::swap(unsorted[115], unsorted[117]);
  FixCrc(&unsorted, 113, 18);
  r = OpenBytes(unsorted);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT((*r)->Series(7, &lset, &chks).message(), HasSubstr("label names not sorted"));

  // Postings list at 312: count 2 → 3 does not match its length.
  std::string postings = orig;
  postings[319] = 3;
  FixCrc(&postings, 316, 12);
  r = OpenBytes(postings);
  ASSERT_TRUE(r.ok());
  auto p = (*r)->Postings("__name__", "http_requests_total");
  EXPECT_EQ(p.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(p.status().message(), HasSubstr("does not match 3 entries"));

  // Symbols: "500" → "100" sorts before "200".
  std::string symbols = orig;
  symbols[19] = '1';
  FixCrc(&symbols, 9, 87);
  EXPECT_THAT(OpenBytes(symbols).status().message(), HasSubstr("symbol 2 out of order"));

  // Postings offset table: code="200" → code="600" sorts after code="500".
  std::string table = orig;
  const size_t at = table.find(std::string("\x04"
                                           "code"
                                           "\x03"
                                           "200"),
                               466);
  ASSERT_NE(at, std::string::npos);
  table[at + 6] = '6';
  FixCrc(&table, 470, 123);
  auto t = OpenBytes(table);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(t.status().message(), HasSubstr("out of order"));

  // Postings offset table: an entry with key count 3.
  std::string keys = orig;
  keys[at - 1] = 3;
  FixCrc(&keys, 470, 123);
  EXPECT_THAT(OpenBytes(keys).status().message(), HasSubstr("malformed entry 3"));
}

// Random damage to a bigger generated index: no crash, and any error is DataLoss.
TEST(IndexCorruptionTest, RandomDamageToAGeneratedIndex) {
  testing::TempDir tmp;
  std::set<std::string> symbols;
  std::vector<labels::Labels> series;
  for (int i = 0; i < 300; i++) {
    series.push_back(
        labels::Labels{{"__name__", "m" + std::to_string(i % 5)}, {"i", std::to_string(i)}});
    for (const labels::Label& l : series.back()) {
      symbols.insert(std::string(l.name));
      symbols.insert(std::string(l.value));
    }
  }
  std::sort(series.begin(), series.end());
  auto w = IndexWriter::Open(DefaultFs(), tmp.Join("index"));
  ASSERT_TRUE(w.ok());
  for (const std::string& s : symbols) ASSERT_TRUE((*w)->AddSymbol(s).ok());
  for (size_t i = 0; i < series.size(); i++) {
    const chunks::ChunkMeta c[] = {{8 + 100 * i, 0, 10}, {50 + 100 * i, 20, 30}};
    ASSERT_TRUE((*w)->AddSeries(i, series[i], c).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto orig = DefaultFs()->ReadFile(tmp.Join("index"));
  ASSERT_TRUE(orig.ok());
  ASSERT_TRUE(OpenAndReadEverything(*orig).ok());

  std::mt19937 rng(1234);
  int failures = 0;
  for (int round = 0; round < 3000; round++) {
    std::string data = *orig;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; f++) data[rng() % data.size()] = static_cast<char>(rng());
    if (round % 10 == 0) data.resize(rng() % data.size());
    const absl::Status s = OpenAndReadEverything(data);
    if (!s.ok()) {
      failures++;
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    }
  }
  EXPECT_GT(failures, 1000);
}

}  // namespace
}  // namespace strata::tsdb::index
