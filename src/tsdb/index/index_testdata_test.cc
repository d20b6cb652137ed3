// Reads blocks written by real Prometheus 2.42 (shared testdata) and checks that index, chunk
// segments and meta.json agree, and that rewriting each index with IndexWriter reproduces it.
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/chunks/chunk_reader.h"
#include "tsdb/index/index_reader.h"
#include "tsdb/index/index_test_util.h"
#include "tsdb/index/index_writer.h"
#include "util/coding.h"
#include "util/testing.h"

namespace strata::tsdb::index {
namespace {

// The integer after "key": in a meta.json (enough for the flat numeric fields we need).
int64_t JsonInt(const std::string& json, const std::string& key) {
  const size_t p = json.find("\"" + key + "\":");
  EXPECT_NE(p, std::string::npos) << key;
  if (p == std::string::npos) return -1;
  return std::strtoll(json.c_str() + p + key.size() + 3, nullptr, 10);
}

struct BlockSummary {
  std::set<std::string> series;  // Labels::ToString of every series
  int64_t samples = 0;
};

// Checks one block directory; returns what it found.
BlockSummary CheckBlock(const std::string& dir) {
  SCOPED_TRACE(dir);
  BlockSummary out;
  auto meta = DefaultFs()->ReadFile(dir + "/meta.json");
  EXPECT_TRUE(meta.ok()) << meta.status();
  if (!meta.ok()) return out;
  auto ir = IndexReader::Open(DefaultFs(), dir + "/index");
  EXPECT_TRUE(ir.ok()) << ir.status();
  auto cr = chunks::ChunkReader::Open(DefaultFs(), dir + "/chunks");
  EXPECT_TRUE(cr.ok()) << cr.status();
  if (!ir.ok() || !cr.ok()) return out;
  const int64_t min_time = JsonInt(*meta, "minTime"), max_time = JsonInt(*meta, "maxTime");

  auto all = (*ir)->AllPostings();
  EXPECT_TRUE(all.ok());
  if (!all.ok()) return out;
  std::map<std::pair<std::string, std::string>, std::vector<uint64_t>> postings;
  labels::Labels lset, prev;
  std::vector<chunks::ChunkMeta> chks;
  int64_t num_chunks = 0;
  while ((*all)->Next()) {
    const uint64_t ref = (*all)->At();
    EXPECT_TRUE((*ir)->Series(ref, &lset, &chks).ok());
    EXPECT_LT(prev, lset);  // series references ascend with label sets
    prev = lset;
    out.series.insert(lset.ToString());
    for (const labels::Label& l : lset) {
      postings[{std::string(l.name), std::string(l.value)}].push_back(ref);
    }
    EXPECT_FALSE(chks.empty());
    for (const chunks::ChunkMeta& m : chks) {
      num_chunks++;
      EXPECT_LE(min_time, m.min_time);
      EXPECT_LE(m.min_time, m.max_time);
      EXPECT_LT(m.max_time, max_time);
      auto c = (*cr)->Chunk(m.ref);
      EXPECT_TRUE(c.ok()) << c.status();
      if (!c.ok()) continue;
      EXPECT_EQ(c->encoding, 1);
      // An XOR chunk starts with be16 #samples and the first timestamp as varint (§3.1).
      EXPECT_GE(c->data.size(), 3u);
      if (c->data.size() < 3) continue;
      out.samples += DecodeBE16(c->data.data());
      Decbuf d(c->data.substr(2));
      EXPECT_EQ(d.Varint(), m.min_time);
    }
  }
  EXPECT_TRUE((*all)->status().ok());
  EXPECT_EQ(static_cast<int64_t>(out.series.size()), JsonInt(*meta, "numSeries"));
  EXPECT_EQ(num_chunks, JsonInt(*meta, "numChunks"));
  EXPECT_EQ(out.samples, JsonInt(*meta, "numSamples"));

  // Label names, values and postings agree with the series.
  std::set<std::string> names;
  for (const auto& [key, refs] : postings) names.insert(key.first);
  EXPECT_THAT((*ir)->LabelNames(), ::testing::ElementsAreArray(names));
  for (const auto& [key, refs] : postings) {
    auto p = (*ir)->Postings(key.first, key.second);
    EXPECT_TRUE(p.ok());
    if (!p.ok()) continue;
    auto got = ExpandPostings(**p);
    EXPECT_TRUE(got.ok());
    EXPECT_EQ(*got, refs) << key.first << "=" << key.second;
  }
  return out;
}

// Rewrites the index of `dir` from what the reader returns and compares the bytes.
void CheckRewriteIsIdentical(const std::string& dir) {
  SCOPED_TRACE(dir);
  auto ir = IndexReader::Open(DefaultFs(), dir + "/index");
  ASSERT_TRUE(ir.ok()) << ir.status();
  testing::TempDir tmp;
  auto w = IndexWriter::Open(DefaultFs(), tmp.Join("index"));
  ASSERT_TRUE(w.ok()) << w.status();
  for (std::string_view s : (*ir)->Symbols()) ASSERT_TRUE((*w)->AddSymbol(s).ok());
  auto all = (*ir)->AllPostings();
  ASSERT_TRUE(all.ok());
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chks;
  for (uint64_t i = 0; (*all)->Next(); i++) {
    ASSERT_TRUE((*ir)->Series((*all)->At(), &lset, &chks).ok());
    ASSERT_TRUE((*w)->AddSeries(i, lset, chks).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  auto want = DefaultFs()->ReadFile(dir + "/index");
  auto got = DefaultFs()->ReadFile(tmp.Join("index"));
  ASSERT_TRUE(want.ok() && got.ok());
  EXPECT_TRUE(*got == *want) << "rewritten index differs: " << got->size() << " vs " << want->size()
                             << " bytes";
}

std::string ReadTestdata(const std::string& rel) {
  auto data = DefaultFs()->ReadFile(testing::SharedTestdataDir() + "/" + rel);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : "";
}

TEST(IndexTestdataTest, SmallAndXorEdgeBlocks) {
  for (const char* block : {"prom-block-small/01M8A330PDKH79JT5WWS1GKG2C",
                            "prom-block-xor-edge/01M8A3FW1F8V1NX77EC79AFBPM"}) {
    const std::string dir = testing::SharedTestdataDir() + "/" + block;
    const BlockSummary s = CheckBlock(dir);
    const std::string dump = ReadTestdata(
        std::string(block).substr(0, std::string(block).find('/')) + "/expected-dump.txt");
    for (const std::string& series : s.series) {
      EXPECT_NE(dump.find(series + " "), std::string::npos) << series;
    }
    CheckRewriteIsIdentical(dir);
  }
}

TEST(IndexTestdataTest, DataDirWithOutOfOrderAndCompactedBlocks) {
  testing::TempDir tmp;
  const std::string cmd = "tar xzf '" + testing::SharedTestdataDir() +
                          "/prom-datadir-wal-ooo/data.tar.gz' -C '" + tmp.path() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string data = tmp.Join("data");
  auto names = DefaultFs()->ListDir(data);
  ASSERT_TRUE(names.ok()) << names.status();
  const std::string dump = ReadTestdata("prom-datadir-wal-ooo/expected-dump.txt");
  std::set<std::string> all_series;
  int blocks = 0;
  for (const std::string& name : *names) {
    if (name.size() != 26) continue;  // a ULID
    blocks++;
    const BlockSummary s = CheckBlock(JoinPath(data, name));
    for (const std::string& series : s.series) {
      EXPECT_NE(dump.find(series + " "), std::string::npos) << series;
      all_series.insert(series);
    }
    CheckRewriteIsIdentical(JoinPath(data, name));
  }
  EXPECT_EQ(blocks, 7);
  EXPECT_GE(all_series.size(), 7u);
}

}  // namespace
}  // namespace strata::tsdb::index
