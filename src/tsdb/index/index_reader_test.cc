#include "tsdb/index/index_reader.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/index/index_test_util.h"
#include "tsdb/index/index_writer.h"
#include "util/coding.h"
#include "util/testing.h"

namespace strata::tsdb::index {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<uint64_t> Expand(absl::StatusOr<std::unique_ptr<Postings>> p) {
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return {};
  auto refs = ExpandPostings(**p);
  EXPECT_TRUE(refs.ok()) << refs.status();
  return refs.ok() ? *refs : std::vector<uint64_t>{};
}

class ReferenceIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = IndexReader::Open(DefaultFs(), ReferenceBlockDir() + "/index");
    ASSERT_TRUE(r.ok()) << r.status();
    r_ = std::move(*r);
  }
  std::unique_ptr<IndexReader> r_;
};

TEST_F(ReferenceIndexTest, TocAndSymbols) {
  EXPECT_EQ(r_->size_bytes(), 649u);
  EXPECT_EQ(r_->toc(), (Toc{5, 100, 197, 416, 288, 466}));
  EXPECT_THAT(r_->Symbols(), ElementsAreArray(ReferenceSymbols()));
  auto s = r_->LookupSymbol(6);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "http_requests_total");
  EXPECT_EQ(r_->LookupSymbol(11).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(ReferenceIndexTest, LabelNamesAndValues) {
  EXPECT_THAT(r_->LabelNames(), ElementsAre("__name__", "code", "method", "room"));
  auto v = r_->LabelValues("__name__");
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(*v, ElementsAre("http_requests_total", "temperature_celsius"));
  v = r_->LabelValues("code");
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(*v, ElementsAre("200", "500"));
  v = r_->LabelValues("nope");
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(*v, IsEmpty());
}

TEST_F(ReferenceIndexTest, Postings) {
  EXPECT_THAT(Expand(r_->AllPostings()), ElementsAre(7, 9, 11));
  EXPECT_THAT(Expand(r_->Postings("__name__", "http_requests_total")), ElementsAre(7, 9));
  EXPECT_THAT(Expand(r_->Postings("code", "500")), ElementsAre(9));
  EXPECT_THAT(Expand(r_->Postings("room", "lab")), ElementsAre(11));
  EXPECT_THAT(Expand(r_->Postings("room", "kitchen")), IsEmpty());
  EXPECT_THAT(Expand(r_->Postings("nope", "x")), IsEmpty());
  const std::vector<std::string_view> codes = {"500", "404", "200"};
  EXPECT_THAT(Expand(r_->Postings("code", codes)), ElementsAre(7, 9));
  const std::vector<std::string_view> names = {"temperature_celsius", "http_requests_total"};
  EXPECT_THAT(Expand(r_->Postings("__name__", names)), ElementsAre(7, 9, 11));
}

TEST_F(ReferenceIndexTest, Series) {
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  const std::vector<TestSeries> want = ReferenceSeries();
  const uint64_t refs[] = {7, 9, 11};
  for (int i = 0; i < 3; i++) {
    ASSERT_TRUE(r_->Series(refs[i], &lset, &chks).ok());
    EXPECT_EQ(lset, want[i].lset) << lset.ToString();
    EXPECT_EQ(chks, want[i].chunks);
  }
  // Not an entry start: 8 * 16 = 128 is inside series 7's entry.
  absl::Status s = r_->Series(8, &lset, &chks);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("at offset 128"));
  for (uint64_t bad : {uint64_t{0}, uint64_t{6}, uint64_t{36}, uint64_t{1} << 40, ~uint64_t{0}}) {
    EXPECT_EQ(r_->Series(bad, &lset, &chks).code(), absl::StatusCode::kDataLoss) << bad;
  }
}

TEST(IndexReaderTest, RejectsVersion1AndBadHeaders) {
  auto data = DefaultFs()->ReadFile(ReferenceBlockDir() + "/index");
  ASSERT_TRUE(data.ok());
  std::string v1 = *data;
  v1[4] = 1;
  auto r = IndexReader::Open(std::make_unique<StringRegion>(v1), "v1");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(r.status().message(), HasSubstr("version 1 is not supported"));
  std::string bad_magic = *data;
  bad_magic[0] = 0;
  r = IndexReader::Open(std::make_unique<StringRegion>(bad_magic), "m");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("invalid magic number"));
  r = IndexReader::Open(std::make_unique<StringRegion>(""), "empty");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(IndexReader::Open(DefaultFs(), "/nonexistent/index").status().code(),
            absl::StatusCode::kNotFound);
}

// A generated index: names with few and with many values (more than the 32-value sampling
// stride of the postings offset table), series with 1..3 chunks.
class GeneratedIndexTest : public ::testing::Test {
 protected:
  static constexpr int kSeries = 10000;

  void SetUp() override {
    std::set<std::string> symbols;
    std::vector<TestSeries> series;
    for (int i = 0; i < kSeries; i++) {
      labels::Labels lset{{"__name__", "metric_" + std::to_string(i % 7)},
                          {"instance", "host-" + std::to_string(i % 1000)},
                          {"job", i % 2 == 0 ? "api" : "db"},
                          {"uid", std::to_string(i)}};
      if (i % 3 == 0) lset = labels::Builder(lset).Set("zone", i % 9 == 0 ? "a" : "b").Build();
      for (const labels::Label& l : lset) {
        symbols.insert(std::string(l.name));
        symbols.insert(std::string(l.value));
      }
      std::vector<chunks::ChunkMeta> chks;
      for (int c = 0; c <= i % 3; c++) {
        chks.push_back({uint64_t(i) * 4 + c + 8, int64_t(c) * 1000, int64_t(c) * 1000 + 999});
      }
      series.push_back({std::move(lset), std::move(chks)});
    }
    std::sort(series.begin(), series.end(),
              [](const TestSeries& a, const TestSeries& b) { return a.lset < b.lset; });
    auto w = IndexWriter::Open(DefaultFs(), tmp_.Join("index"));
    ASSERT_TRUE(w.ok()) << w.status();
    for (const std::string& s : symbols) ASSERT_TRUE((*w)->AddSymbol(s).ok());
    for (size_t i = 0; i < series.size(); i++) {
      ASSERT_TRUE((*w)->AddSeries(i, series[i].lset, series[i].chunks).ok());
    }
    ASSERT_TRUE((*w)->Close().ok());
    series_ = std::move(series);
    symbols_.assign(symbols.begin(), symbols.end());
    auto r = IndexReader::Open(DefaultFs(), tmp_.Join("index"));
    ASSERT_TRUE(r.ok()) << r.status();
    r_ = std::move(*r);
  }

  testing::TempDir tmp_;
  std::vector<TestSeries> series_;  // in index order
  std::vector<std::string> symbols_;
  std::unique_ptr<IndexReader> r_;
};

TEST_F(GeneratedIndexTest, RoundTrip) {
  EXPECT_THAT(r_->Symbols(), ElementsAreArray(symbols_));
  EXPECT_THAT(r_->LabelNames(), ElementsAre("__name__", "instance", "job", "uid", "zone"));

  // Every series in order, through the all-postings list.
  std::vector<uint64_t> all = Expand(r_->AllPostings());
  ASSERT_EQ(all.size(), series_.size());
  std::map<std::string, std::map<std::string, std::vector<uint64_t>>> want_postings;
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  for (size_t i = 0; i < all.size(); i++) {
    ASSERT_TRUE(r_->Series(all[i], &lset, &chks).ok());
    ASSERT_EQ(lset, series_[i].lset);
    ASSERT_EQ(chks, series_[i].chunks);
    for (const labels::Label& l : lset) {
      want_postings[std::string(l.name)][std::string(l.value)].push_back(all[i]);
    }
  }
  // Every label value and every postings list.
  for (const auto& [name, values] : want_postings) {
    auto got_values = r_->LabelValues(name);
    ASSERT_TRUE(got_values.ok());
    ASSERT_EQ(got_values->size(), values.size()) << name;
    size_t k = 0;
    for (const auto& [value, refs] : values) {
      ASSERT_EQ((*got_values)[k++], value);
      ASSERT_EQ(Expand(r_->Postings(name, value)), refs) << name << "=" << value;
    }
  }
  // Values between and around the sampled ones are absent.
  for (const char* absent : {"", "0a", "99999", "~"}) {
    EXPECT_THAT(Expand(r_->Postings("uid", absent)), IsEmpty()) << absent;
  }
}

TEST_F(GeneratedIndexTest, IntersectionsOfIndexPostings) {
  std::vector<std::unique_ptr<Postings>> its;
  auto a = r_->Postings("job", "api");
  auto b = r_->Postings("__name__", "metric_3");
  auto c = r_->Postings("zone", "a");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  its.push_back(std::move(*a));
  its.push_back(std::move(*b));
  its.push_back(std::move(*c));
  auto refs = ExpandPostings(*Intersect(std::move(its)));
  ASSERT_TRUE(refs.ok());
  // i even, i % 7 == 3, i % 9 == 0  <=>  i % 126 == 108.
  std::set<std::string> want_uids;
  for (int i = 108; i < kSeries; i += 126) want_uids.insert(std::to_string(i));
  std::set<std::string> got_uids;
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  for (uint64_t ref : *refs) {
    ASSERT_TRUE(r_->Series(ref, &lset, &chks).ok());
    got_uids.insert(std::string(lset.Get("uid")));
  }
  EXPECT_EQ(got_uids, want_uids);
}

}  // namespace
}  // namespace strata::tsdb::index
