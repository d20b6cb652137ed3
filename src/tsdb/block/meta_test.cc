#include "tsdb/block/meta.h"

#include <array>
#include <cstdlib>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/fault_fs.h"
#include "util/testing.h"

namespace strata::tsdb::block {
namespace {

using ::testing::HasSubstr;

Ulid U(std::string_view s) {
  std::optional<Ulid> u = Ulid::Parse(s);
  EXPECT_TRUE(u.has_value()) << s;
  return u.value_or(Ulid());
}

std::string ReferenceBlockDir() {
  return testing::SharedTestdataDir() + "/prom-block-small/01M8A330PDKH79JT5WWS1GKG2C";
}

std::string MustRead(const std::string& path) {
  absl::StatusOr<std::string> data = DefaultFs()->ReadFile(path);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.value_or("");
}

TEST(MetaTest, ReferenceBlockDecodesAndReencodesByteIdentically) {
  const std::string file = MustRead(ReferenceBlockDir() + "/meta.json");
  absl::StatusOr<BlockMeta> meta = DecodeMeta(file);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->ulid.ToString(), "01M8A330PDKH79JT5WWS1GKG2C");
  EXPECT_EQ(meta->min_time, 1700000000000);
  EXPECT_EQ(meta->max_time, 1700000031001);
  EXPECT_EQ(meta->stats, (BlockStats{.num_samples = 9, .num_series = 3, .num_chunks = 3}));
  EXPECT_EQ(meta->compaction.level, 1);
  EXPECT_THAT(meta->compaction.sources, ::testing::ElementsAre(meta->ulid));
  EXPECT_FALSE(meta->compaction.deletable);
  EXPECT_FALSE(meta->compaction.failed);
  EXPECT_TRUE(meta->compaction.parents.empty());
  EXPECT_TRUE(meta->compaction.hints.empty());
  EXPECT_EQ(meta->version, 1);
  EXPECT_EQ(EncodeMeta(*meta), file);
  EXPECT_EQ(file.size(), 266u);
  EXPECT_NE(file.back(), '\n');
}

TEST(MetaTest, ReadMetaOfReferenceBlock) {
  absl::StatusOr<BlockMeta> meta = ReadMeta(DefaultFs(), ReferenceBlockDir());
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->ulid.ToString(), "01M8A330PDKH79JT5WWS1GKG2C");
}

// The seven blocks of a real Prometheus server run with OOO ingestion: OOO level-1 blocks with
// hints, and vertically compacted blocks with parents at several levels.
TEST(MetaTest, ServerRunBlocksDecodeAndReencodeByteIdentically) {
  testing::TempDir dir;
  const std::string tar = testing::SharedTestdataDir() + "/prom-datadir-wal-ooo/data.tar.gz";
  ASSERT_EQ(std::system(("tar xzf '" + tar + "' -C '" + dir.path() + "'").c_str()), 0);
  const std::string data = dir.Join("data");
  absl::StatusOr<std::vector<std::string>> names = DefaultFs()->ListDir(data);
  ASSERT_TRUE(names.ok()) << names.status();

  const std::map<std::string, int64_t> want_level = {
      {"01M8A38Q9H18ZQMB3RB2ZKD7PG", 1}, {"01M8A39GQ7MQV28B5B2S1VM9C0", 2},
      {"01M8A3BBB21H5T954HB069KJXH", 3}, {"01M8A3D5XKZ405YSH0S6WGPFS2", 5},
      {"01M8A3D5Y1KGHH66B0069X7GHV", 4}, {"01M8A3D5Y84JZEXQ0MP7P4ZNEC", 3},
      {"01M8A3D5YNR3JC14QXPPT96N6Q", 2}};
  std::map<std::string, BlockMeta> metas;
  for (const std::string& name : *names) {
    if (!Ulid::Parse(name)) continue;  // wal/, chunks_head/
    SCOPED_TRACE(name);
    const std::string block_dir = JoinPath(data, name);
    absl::StatusOr<BlockMeta> meta = ReadMeta(DefaultFs(), block_dir);
    ASSERT_TRUE(meta.ok()) << meta.status();
    EXPECT_EQ(meta->ulid.ToString(), name);
    EXPECT_EQ(meta->version, 1);
    EXPECT_EQ(meta->compaction.level, want_level.at(name));
    EXPECT_EQ(meta->max_time - meta->min_time, 60000);
    EXPECT_EQ(EncodeMeta(*meta), MustRead(JoinPath(block_dir, "meta.json")));
    metas[name] = *meta;
  }
  ASSERT_EQ(metas.size(), 7u);

  const BlockMeta& ooo = metas["01M8A38Q9H18ZQMB3RB2ZKD7PG"];
  EXPECT_THAT(ooo.compaction.hints, ::testing::ElementsAre("from-out-of-order"));
  EXPECT_TRUE(ooo.compaction.FromOutOfOrder());
  EXPECT_TRUE(ooo.compaction.parents.empty());
  EXPECT_EQ(ooo.stats, (BlockStats{.num_samples = 2, .num_series = 1, .num_chunks = 1}));
  EXPECT_EQ(ooo.min_time, 1795635000000);

  const BlockMeta& merged = metas["01M8A3D5YNR3JC14QXPPT96N6Q"];
  EXPECT_FALSE(merged.compaction.FromOutOfOrder());
  EXPECT_THAT(merged.compaction.sources, ::testing::ElementsAre(U("01M8A3D5VP7CC43BE0YSREMZ7T"),
                                                                U("01M8A3D5X7GEG8GW08DSGRMPS8")));
  EXPECT_THAT(merged.compaction.parents,
              ::testing::ElementsAre(
                  BlockDesc{U("01M8A3D5X7GEG8GW08DSGRMPS8"), 1795635360000, 1795635420000},
                  BlockDesc{U("01M8A3D5VP7CC43BE0YSREMZ7T"), 1795635360765, 1795635420000}));
  EXPECT_EQ(merged.stats, (BlockStats{.num_samples = 403, .num_series = 7, .num_chunks = 7}));
  EXPECT_EQ(metas["01M8A3D5XKZ405YSH0S6WGPFS2"].compaction.sources.size(), 5u);
}

// Every optional key set, written out by hand in Go's format.
constexpr char kFullMeta[] =
    "{\n"
    "\t\"ulid\": \"01HF7YAT00041061050R3GG28A\",\n"
    "\t\"minTime\": -7200000,\n"
    "\t\"maxTime\": 9223372036854775807,\n"
    "\t\"stats\": {\n"
    "\t\t\"numSamples\": 18446744073709551615,\n"
    "\t\t\"numSeries\": 2,\n"
    "\t\t\"numChunks\": 3,\n"
    "\t\t\"numTombstones\": 4\n"
    "\t},\n"
    "\t\"compaction\": {\n"
    "\t\t\"level\": 3,\n"
    "\t\t\"sources\": [\n"
    "\t\t\t\"01M8A38Q9H18ZQMB3RB2ZKD7PG\",\n"
    "\t\t\t\"01M8A39GQ7MQV28B5B2S1VM9C0\"\n"
    "\t\t],\n"
    "\t\t\"deletable\": true,\n"
    "\t\t\"parents\": [\n"
    "\t\t\t{\n"
    "\t\t\t\t\"ulid\": \"01M8A38Q9H18ZQMB3RB2ZKD7PG\",\n"
    "\t\t\t\t\"minTime\": -9223372036854775808,\n"
    "\t\t\t\t\"maxTime\": 0\n"
    "\t\t\t}\n"
    "\t\t],\n"
    "\t\t\"failed\": true,\n"
    "\t\t\"hints\": [\n"
    "\t\t\t\"a\",\n"
    "\t\t\t\"from-out-of-order\"\n"
    "\t\t]\n"
    "\t},\n"
    "\t\"version\": 1\n"
    "}";

BlockMeta FullMeta() {
  BlockMeta m;
  const std::array<uint8_t, 10> entropy = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  m.ulid = Ulid::New(1700000000000, entropy);
  m.min_time = -7200000;
  m.max_time = std::numeric_limits<int64_t>::max();
  m.stats = {std::numeric_limits<uint64_t>::max(), 2, 3, 4};
  m.compaction.level = 3;
  m.compaction.sources = {U("01M8A38Q9H18ZQMB3RB2ZKD7PG"), U("01M8A39GQ7MQV28B5B2S1VM9C0")};
  m.compaction.deletable = true;
  m.compaction.parents = {
      {U("01M8A38Q9H18ZQMB3RB2ZKD7PG"), std::numeric_limits<int64_t>::min(), 0}};
  m.compaction.failed = true;
  m.compaction.hints = {"a"};
  m.compaction.SetOutOfOrder();
  return m;
}

TEST(MetaTest, EncodesEveryOptionalKey) {
  EXPECT_EQ(EncodeMeta(FullMeta()), kFullMeta);
  absl::StatusOr<BlockMeta> back = DecodeMeta(kFullMeta);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, FullMeta());
}

TEST(MetaTest, ZeroValuesAreOmitted) {
  BlockMeta m;
  m.ulid = U("01M8A330PDKH79JT5WWS1GKG2C");
  const char* want =
      "{\n"
      "\t\"ulid\": \"01M8A330PDKH79JT5WWS1GKG2C\",\n"
      "\t\"minTime\": 0,\n"
      "\t\"maxTime\": 0,\n"
      "\t\"stats\": {},\n"
      "\t\"compaction\": {\n"
      "\t\t\"level\": 0\n"
      "\t},\n"
      "\t\"version\": 1\n"
      "}";
  EXPECT_EQ(EncodeMeta(m), want);
  absl::StatusOr<BlockMeta> back = DecodeMeta(want);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, m);
}

TEST(MetaTest, StringsAreEscapedLikeGo) {
  BlockMeta m;
  m.compaction.hints = {std::string("q\"b\\n\nr\rt\t<a&b>\x01\x1f\x7f") +
                        "\xc3\xa9\xe2\x80\xa8\xe2\x80\xa9\xf0\x9f\x98\x80" + "x\xffy\xed\xa0\x80"};
  const std::string out = EncodeMeta(m);
  EXPECT_THAT(out, HasSubstr("\"q\\\"b\\\\n\\nr\\rt\\t\\u003ca\\u0026b\\u003e\\u0001\\u001f\x7f"
                             "\xc3\xa9\\u2028\\u2029\xf0\x9f\x98\x80"
                             "x\\ufffdy\\ufffd\\ufffd\\ufffd\""));
  absl::StatusOr<BlockMeta> back = DecodeMeta(out);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->compaction.hints[0], std::string("q\"b\\n\nr\rt\t<a&b>\x01\x1f\x7f") +
                                           "\xc3\xa9\xe2\x80\xa8\xe2\x80\xa9\xf0\x9f\x98\x80" +
                                           "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(MetaTest, UnknownKeysAndNullsAreIgnored) {
  const char* json = R"({
    "ulid": "01m8a330pdkh79jt5wws1gkg2c", "minTime": 1, "maxTime": 2,
    "stats": {"numSamples": 5, "numFloatSamples": 5, "numSeries": null},
    "compaction": {"level": 2, "sources": null, "future": [1, {"x": null}]},
    "thanos": {"labels": {"replica": "a"}, "downsample": {"resolution": 0}, "source": "sidecar"},
    "version": 1})";
  absl::StatusOr<BlockMeta> m = DecodeMeta(json);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->ulid.ToString(), "01M8A330PDKH79JT5WWS1GKG2C");
  EXPECT_EQ(m->min_time, 1);
  EXPECT_EQ(m->max_time, 2);
  EXPECT_EQ(m->stats, (BlockStats{.num_samples = 5}));
  EXPECT_EQ(m->compaction.level, 2);
  EXPECT_TRUE(m->compaction.sources.empty());
}

struct BadCase {
  std::string json;
  std::string want_substr;
};

TEST(MetaTest, BadInputIsDataLossNotACrash) {
  const std::string ok_prefix =
      R"("ulid": "01M8A330PDKH79JT5WWS1GKG2C", "minTime": 1, "maxTime": 2)";
  const std::vector<BadCase> cases = {
      {"", "malformed meta.json"},
      {"{", "malformed meta.json"},
      {"{\"version\": 1,}", "malformed meta.json"},
      {"{\"version\": 1} x", "malformed meta.json"},
      {"{\"version\": 1, \"ulid\": \"\xff\"}", "malformed meta.json"},  // invalid UTF-8
      {"null", "expected an object, got null"},
      {"[1]", "expected an object, got array"},
      {"{" + ok_prefix + "}", "\"version\": missing"},
      {"{" + ok_prefix + ", \"version\": 2}", "unexpected meta file version 2"},
      {"{" + ok_prefix + ", \"version\": \"1\"}", "\"version\": expected an integer, got string"},
      {"{" + ok_prefix + ", \"version\": 1.0}", "\"version\": expected an integer, got number"},
      {R"({"version": 1, "minTime": 1, "maxTime": 2})", "\"ulid\": missing"},
      {R"({"version": 1, "ulid": "01M8A330PDKH79JT5WWS1GKG2", "minTime": 1, "maxTime": 2})",
       "\"ulid\": invalid ULID \"01M8A330PDKH79JT5WWS1GKG2\""},
      {R"({"version": 1, "ulid": 5, "minTime": 1, "maxTime": 2})", "expected a ULID string"},
      {R"({"version": 1, "ulid": "01M8A330PDKH79JT5WWS1GKG2C", "maxTime": 2})",
       "\"minTime\": missing"},
      {R"({"version": 1, "ulid": "01M8A330PDKH79JT5WWS1GKG2C", "minTime": 1})",
       "\"maxTime\": missing"},
      {"{" + ok_prefix + ", \"version\": 1, \"minTime\": 9223372036854775808}",
       "\"minTime\": integer out of range"},
      {"{" + ok_prefix + ", \"version\": 1, \"maxTime\": 1e3}", "\"maxTime\": expected an integer"},
      {"{" + ok_prefix + ", \"version\": 1, \"stats\": []}", "\"stats\": expected an object"},
      {"{" + ok_prefix + ", \"version\": 1, \"stats\": {\"numSamples\": -1}}",
       "\"stats.numSamples\": expected a non-negative integer"},
      {"{" + ok_prefix + ", \"version\": 1, \"stats\": {\"numChunks\": 18446744073709551616}}",
       "\"stats.numChunks\": expected a non-negative integer"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": 1}",
       "\"compaction\": expected an object"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"level\": true}}",
       "\"compaction.level\": expected an integer, got boolean"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"sources\": \"x\"}}",
       "\"compaction.sources\": expected an array"},
      {"{" + ok_prefix +
           ", \"version\": 1, \"compaction\": {\"sources\": [\"01M8A330PDKH79JT5WWS1GKG2C\", "
           "\"x\"]}}",
       "\"compaction.sources[1]\": invalid ULID \"x\""},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"deletable\": 1}}",
       "\"compaction.deletable\": expected a boolean"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"parents\": [{\"minTime\": 1}]}}",
       "\"compaction.parents[0].ulid\": missing"},
      {"{" + ok_prefix +
           ", \"version\": 1, \"compaction\": {\"parents\": [{\"ulid\": "
           "\"01M8A330PDKH79JT5WWS1GKG2C\", \"minTime\": 1}]}}",
       "\"compaction.parents[0].maxTime\": missing"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"parents\": [7]}}",
       "\"compaction.parents[0]\": expected an object, got number"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"hints\": [1]}}",
       "\"compaction.hints[0]\": expected a string"},
      {"{" + ok_prefix + ", \"version\": 1, \"compaction\": {\"failed\": \"no\"}}",
       "\"compaction.failed\": expected a boolean"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.json);
    absl::StatusOr<BlockMeta> m = DecodeMeta(c.json);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(m.status().message(), HasSubstr(c.want_substr));
  }
}

TEST(MetaTest, TruncatedAndFlippedFilesNeverCrash) {
  const std::string good = kFullMeta;
  for (size_t len = 0; len < good.size(); len++) {
    absl::StatusOr<BlockMeta> m = DecodeMeta(good.substr(0, len));
    ASSERT_FALSE(m.ok()) << len;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss);
  }
  std::mt19937 rng(7);
  int failures = 0;
  for (int i = 0; i < 2000; i++) {
    std::string bad = good;
    bad[rng() % bad.size()] = static_cast<char>(rng());
    absl::StatusOr<BlockMeta> m = DecodeMeta(bad);
    if (!m.ok()) {
      failures++;
      EXPECT_EQ(m.status().code(), absl::StatusCode::kDataLoss) << m.status();
    }
  }
  EXPECT_GT(failures, 1000);  // most single-byte corruptions are caught
}

TEST(MetaTest, WriteAndReadFile) {
  testing::TempDir dir;
  absl::StatusOr<uint64_t> n = WriteMeta(DefaultFs(), dir.path(), FullMeta());
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, sizeof(kFullMeta) - 1);
  EXPECT_EQ(MustRead(dir.Join("meta.json")), kFullMeta);
  EXPECT_FALSE(DefaultFs()->Exists(dir.Join("meta.json.tmp")));
  absl::StatusOr<BlockMeta> back = ReadMeta(DefaultFs(), dir.path());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, FullMeta());
}

TEST(MetaTest, ReadErrorsNameTheFile) {
  testing::TempDir dir;
  absl::StatusOr<BlockMeta> missing = ReadMeta(DefaultFs(), dir.path());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(dir.Join("meta.json")));

  ASSERT_TRUE(WriteFileAtomically(DefaultFs(), dir.Join("meta.json"), "{\"version\": 2}").ok());
  absl::StatusOr<BlockMeta> bad = ReadMeta(DefaultFs(), dir.path());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(bad.status().message(), HasSubstr(dir.Join("meta.json")));
  EXPECT_THAT(bad.status().message(), HasSubstr("unexpected meta file version 2"));
}

TEST(MetaTest, FailedWriteKeepsOldFile) {
  testing::TempDir dir;
  FaultInjectionFs fs(DefaultFs());
  const std::string reference = MustRead(ReferenceBlockDir() + "/meta.json");
  // The old file predates this process (written around the fault-injecting Fs).
  ASSERT_TRUE(WriteFileAtomically(DefaultFs(), dir.Join("meta.json"), reference).ok());
  for (FsOp op : {FsOp::kCreate, FsOp::kAppend, FsOp::kSync, FsOp::kRename}) {
    SCOPED_TRACE(static_cast<int>(op));
    fs.InjectError(op, "meta.json", absl::ResourceExhaustedError("injected ENOSPC"));
    absl::StatusOr<uint64_t> n = WriteMeta(&fs, dir.path(), FullMeta());
    EXPECT_EQ(n.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(n.status().message(), HasSubstr("write meta.json"));
    fs.ClearFaults();
    EXPECT_FALSE(fs.Exists(dir.Join("meta.json.tmp")));
    EXPECT_EQ(MustRead(dir.Join("meta.json")), reference);
  }
  // A crash right after a successful write keeps the new file.
  ASSERT_TRUE(WriteMeta(&fs, dir.path(), FullMeta()).ok());
  ASSERT_TRUE(fs.DropUnsyncedData().ok());
  EXPECT_EQ(MustRead(dir.Join("meta.json")), kFullMeta);
}

TEST(MetaTest, SetOutOfOrderKeepsHintsSortedAndUnique) {
  BlockMetaCompaction c;
  c.hints = {"a", "z"};
  c.SetOutOfOrder();
  c.SetOutOfOrder();
  EXPECT_THAT(c.hints, ::testing::ElementsAre("a", "from-out-of-order", "z"));
}

}  // namespace
}  // namespace strata::tsdb::block
