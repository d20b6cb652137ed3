// Decodes every chunk of the reference blocks written by Prometheus 2.42, checks the samples
// against promtool's dump, and re-encodes them byte for byte (prometheus-tsdb-formats.md §3.10).
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/chunkenc/iterator.h"
#include "tsdb/chunkenc/test_util.h"
#include "tsdb/chunkenc/xor.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/fs.h"
#include "util/testing.h"

namespace strata::tsdb::chunkenc {
namespace {

using testutil::Bits;
using testutil::Decode;
using testutil::Encode;
using testutil::Hex;
using testutil::Samples;

struct ChunkRecord {
  uint8_t encoding;
  std::string data;
};

// Minimal reader of a block chunk segment (§2.1, §2.2): header, then len/encoding/data/crc records.
std::vector<ChunkRecord> ReadSegment(const std::string& path) {
  auto file = DefaultFs()->ReadFile(path);
  EXPECT_TRUE(file.ok()) << file.status();
  if (!file.ok()) return {};
  Decbuf d(*file);
  EXPECT_EQ(d.Be32(), 0x85BD40DDu);
  EXPECT_EQ(d.Byte(), 1);
  d.Skip(3);
  std::vector<ChunkRecord> out;
  while (d.ok() && d.remaining() > 0) {
    const uint64_t len = d.Uvarint();
    const std::string_view covered = d.rest().substr(0, len + 1);  // encoding byte + data
    ChunkRecord rec;
    rec.encoding = d.Byte();
    rec.data = std::string(d.Bytes(len));
    EXPECT_EQ(d.Be32(), crc32c::Value(covered)) << "record " << out.size();
    out.push_back(std::move(rec));
  }
  EXPECT_TRUE(d.status().ok()) << d.status();
  return out;
}

// promtool dump lines are `{labels} value timestamp`; values print like Go's %g ("+Inf", "NaN").
Samples ReadDump(const std::string& path) {
  auto text = DefaultFs()->ReadFile(path);
  EXPECT_TRUE(text.ok()) << text.status();
  Samples out;
  std::istringstream in(text.ok() ? *text : "");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const size_t ts_sep = line.rfind(' ');
    const size_t v_sep = line.rfind(' ', ts_sep - 1);
    const std::string v = line.substr(v_sep + 1, ts_sep - v_sep - 1);
    out.emplace_back(std::stoll(line.substr(ts_sep + 1)), std::strtod(v.c_str(), nullptr));
  }
  return out;
}

// Bit patterns, except that any NaN compares as one value (the dump prints all NaNs as "NaN").
std::vector<std::pair<int64_t, uint64_t>> Canonical(const Samples& s) {
  auto out = Bits(s);
  for (auto& [t, b] : out) {
    if (std::isnan(std::bit_cast<double>(b))) b = 0x7ff8000000000000;
  }
  return out;
}

struct Block {
  const char* dir;
  const char* ulid;
  std::vector<size_t> samples_per_chunk;
  friend void PrintTo(const Block& b, std::ostream* os) { *os << b.dir; }
};

class XorReferenceTest : public ::testing::TestWithParam<Block> {};

TEST_P(XorReferenceTest, DecodeMatchesDumpAndReencodesIdentically) {
  const Block& b = GetParam();
  const std::string dir = JoinPath(testing::SharedTestdataDir(), b.dir);
  const auto records = ReadSegment(JoinPath(dir, b.ulid, "chunks/000001"));
  ASSERT_EQ(records.size(), b.samples_per_chunk.size());
  Samples all;
  for (size_t i = 0; i < records.size(); i++) {
    SCOPED_TRACE(i);
    ASSERT_EQ(records[i].encoding, static_cast<uint8_t>(Encoding::kXOR));
    absl::Status st;
    const Samples s = Decode(records[i].data, &st);
    ASSERT_TRUE(st.ok()) << st;
    EXPECT_EQ(s.size(), b.samples_per_chunk[i]);
    EXPECT_EQ(Hex(Encode(s)), Hex(records[i].data));
    // The interface iterator decodes the same.
    auto it = NewIterator(Encoding::kXOR, records[i].data);
    ASSERT_TRUE(it.ok());
    Samples via_interface;
    while ((*it)->Next()) via_interface.push_back((*it)->At());
    EXPECT_TRUE((*it)->status().ok());
    EXPECT_EQ(Bits(via_interface), Bits(s));
    all.insert(all.end(), s.begin(), s.end());
  }
  // Chunks are written in index series order, which is also promtool dump's order.
  EXPECT_EQ(Canonical(all), Canonical(ReadDump(JoinPath(dir, "expected-dump.txt"))));
}

INSTANTIATE_TEST_SUITE_P(
    Blocks, XorReferenceTest,
    ::testing::Values(
        Block{"prom-block-small", "01M8A330PDKH79JT5WWS1GKG2C", {3, 3, 3}},
        Block{"prom-block-xor-edge", "01M8A3FW1F8V1NX77EC79AFBPM", {14, 117, 117, 66, 14}}),
    [](const auto& info) {
      return std::string(info.param.dir == std::string("prom-block-small") ? "Small" : "XorEdge");
    });

// The edge block's edge_values chunk carries Go's NaN payload and the trailing unused byte.
TEST(XorReferenceEdgeTest, EdgeValuesChunkDetails) {
  const std::string dir = JoinPath(testing::SharedTestdataDir(), "prom-block-xor-edge");
  const auto records = ReadSegment(JoinPath(dir, "01M8A3FW1F8V1NX77EC79AFBPM", "chunks/000001"));
  ASSERT_EQ(records.size(), 5u);
  const std::string& data = records.back().data;
  absl::Status st;
  const Samples s = Decode(data, &st);
  ASSERT_EQ(s.size(), 14u);
  EXPECT_EQ(std::bit_cast<uint64_t>(s[4].second), 0x7FF8000000000001u);  // Go's NaN
  EXPECT_EQ(std::bit_cast<uint64_t>(s[8].second), std::bit_cast<uint64_t>(-0.0));
  EXPECT_EQ(std::bit_cast<uint64_t>(s[10].second), 1u);  // 5e-324
  EXPECT_EQ(data.back(), '\0');
  // Without the unused byte the samples still decode: it carries no bits.
  EXPECT_EQ(Bits(Decode(std::string_view(data).substr(0, data.size() - 1), &st)), Bits(s));
  EXPECT_TRUE(st.ok()) << st;
}

}  // namespace
}  // namespace strata::tsdb::chunkenc
