// Reads the WAL, checkpoint and WBL of a real Prometheus 2.42 data directory
// (shared testdata prom-datadir-wal-ooo) and checks what they hold against promtool's dump.
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/record/record.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/wal.h"
#include "util/strings.h"
#include "util/testing.h"

namespace strata::tsdb::wal {
namespace {

using record::RecordType;

// What one log holds, decoded.
struct LogContents {
  std::vector<RecordType> types;  // per record
  std::vector<record::RefSeries> series;
  std::vector<std::vector<record::RefSample>> samples;  // per samples record
  std::vector<std::vector<record::RefMmapMarker>> markers;
  std::map<RecordType, int> counts;
};

// label set (as promtool prints it) → timestamp → value
using Dump = std::map<std::string, std::map<int64_t, double>>;

class PromDataDirTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir;
    const std::string src = testing::SharedTestdataDir() + "/prom-datadir-wal-ooo";
    const std::string cmd = StrCat("tar xzf '", src, "/data.tar.gz' -C '", tmp_->path(), "'");
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    data_ = new std::string(tmp_->Join("data"));
    dump_ = new Dump(ParseDump(src + "/expected-dump.txt"));
  }
  static void TearDownTestSuite() {
    delete dump_;
    delete data_;
    delete tmp_;
  }

  // Lines are `{labels} value timestamp`.
  static Dump ParseDump(const std::string& path) {
    absl::StatusOr<std::string> text = DefaultFs()->ReadFile(path);
    CHECK(text.ok());
    Dump dump;
    size_t pos = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) nl = text->size();
      const std::string line = text->substr(pos, nl - pos);
      pos = nl + 1;
      const size_t t_at = line.rfind(' ');
      const size_t v_at = line.rfind(' ', t_at - 1);
      CHECK(t_at != std::string::npos && v_at != std::string::npos);
      dump[line.substr(0, v_at)][std::stoll(line.substr(t_at + 1))] =
          std::strtod(line.substr(v_at + 1, t_at - v_at - 1).c_str(), nullptr);
    }
    return dump;
  }

  // Reads and decodes every record of a log; any error fails the test.
  static LogContents Decode(const SegmentRange& range) {
    LogContents c;
    auto reader = Reader::Open(DefaultFs(), range);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return c;
    record::Decoder dec;
    std::vector<record::RefSeries> series;
    while ((*reader)->Next()) {
      absl::StatusOr<RecordType> type = record::Type((*reader)->record());
      EXPECT_TRUE(type.ok()) << type.status();
      if (!type.ok()) continue;
      c.types.push_back(*type);
      c.counts[*type]++;
      absl::Status s = DecodeOne(dec, *type, (*reader)->record(), &c);
      EXPECT_TRUE(s.ok()) << s << " at segment " << (*reader)->position().segment << " offset "
                          << (*reader)->position().offset;
    }
    EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
    EXPECT_FALSE((*reader)->torn_tail().has_value());
    return c;
  }

  static absl::Status DecodeOne(record::Decoder& dec, RecordType type, std::string_view rec,
                                LogContents* c) {
    switch (type) {
      case RecordType::kSeries: {
        std::vector<record::RefSeries> v;
        absl::Status s = dec.Series(rec, &v);
        c->series.insert(c->series.end(), v.begin(), v.end());
        return s;
      }
      case RecordType::kSamples:
        return dec.Samples(rec, &c->samples.emplace_back());
      case RecordType::kMmapMarkers:
        return dec.MmapMarkers(rec, &c->markers.emplace_back());
      case RecordType::kTombstones: {
        std::vector<record::Stone> v;
        return dec.Tombstones(rec, &v);
      }
      case RecordType::kExemplars: {
        std::vector<record::RefExemplar> v;
        return dec.Exemplars(rec, &v);
      }
      case RecordType::kMetadata: {
        std::vector<record::RefMetadata> v;
        return dec.Metadata(rec, &v);
      }
      default:
        return absl::UnimplementedError(StrCat("unexpected record type ", static_cast<int>(type)));
    }
  }

  static std::string Wal() { return *data_ + "/wal"; }

  static testing::TempDir* tmp_;
  static std::string* data_;
  static Dump* dump_;
};

testing::TempDir* PromDataDirTest::tmp_ = nullptr;
std::string* PromDataDirTest::data_ = nullptr;
Dump* PromDataDirTest::dump_ = nullptr;

TEST_F(PromDataDirTest, SegmentsAndCheckpointAreFound) {
  auto bounds = Segments(DefaultFs(), Wal());
  ASSERT_TRUE(bounds.ok()) << bounds.status();
  EXPECT_EQ(bounds->first, 2);
  EXPECT_EQ(bounds->last, 4);
  auto cp = LastCheckpoint(DefaultFs(), Wal());
  ASSERT_TRUE(cp.ok()) << cp.status();
  EXPECT_EQ(cp->index, 1);
  EXPECT_EQ(cp->path, Wal() + "/checkpoint.00000001");
  auto wbl = Segments(DefaultFs(), *data_ + "/wbl");
  ASSERT_TRUE(wbl.ok());
  EXPECT_EQ(wbl->first, 4);
  EXPECT_EQ(wbl->last, 4);
}

TEST_F(PromDataDirTest, CheckpointHoldsOnlySeries) {
  LogContents cp = Decode({Wal() + "/checkpoint.00000001"});
  ASSERT_EQ(cp.types.size(), 1u);
  EXPECT_EQ(cp.types[0], RecordType::kSeries);
  ASSERT_FALSE(cp.series.empty());
  for (const record::RefSeries& s : cp.series) {
    EXPECT_TRUE(dump_->contains(s.labels.ToString())) << s.labels.ToString();
  }
}

// Every series of the checkpoint and the WAL is one of the seven series promtool dumps, and every
// dumped series is declared there; every WAL sample is in the dump with the same value.
TEST_F(PromDataDirTest, WalSeriesAndSamplesMatchTheDump) {
  LogContents cp = Decode({Wal() + "/checkpoint.00000001"});
  LogContents wal = Decode({Wal(), 2, 4});
  // Segments 2..4 were written after every series existed: they declare none, the checkpoint does.
  EXPECT_EQ(wal.counts[RecordType::kSeries], 0);
  EXPECT_EQ(wal.counts[RecordType::kSamples], 164);
  EXPECT_EQ(wal.types.size(), 164u);
  EXPECT_EQ(cp.series.size(), 7u);
  std::map<uint64_t, std::string> by_ref;
  for (const auto* log : {&cp, &wal}) {
    for (const record::RefSeries& s : log->series) by_ref[s.ref] = s.labels.ToString();
  }
  std::set<std::string> declared;
  for (const auto& [ref, ls] : by_ref) {
    EXPECT_TRUE(dump_->contains(ls)) << ls;
    declared.insert(ls);
  }
  std::set<std::string> dumped;
  for (const auto& [ls, samples] : *dump_) dumped.insert(ls);
  EXPECT_EQ(declared, dumped);
  EXPECT_EQ(by_ref.at(1),
            R"({__name__="ooo_metric", instance="127.0.0.1:9199", job="target", kind="a"})");

  int checked = 0;
  for (const auto& record : wal.samples) {
    for (const record::RefSample& s : record) {
      ASSERT_TRUE(by_ref.contains(s.ref)) << s.ref;
      const auto& series = dump_->at(by_ref[s.ref]);
      auto it = series.find(s.t);
      ASSERT_NE(it, series.end()) << by_ref[s.ref] << " @" << s.t;
      EXPECT_EQ(it->second, s.v) << by_ref[s.ref] << " @" << s.t;
      checked++;
    }
  }
  EXPECT_EQ(checked, 1148);  // 164 scrapes x 7 series
}

// The WBL starts with the marker "series 1: no chunk m-mapped yet" and then holds one samples
// record per out-of-order sample of ooo_metric, each present in the dump.
TEST_F(PromDataDirTest, WblHoldsAMarkerThenOooSamplesOfOooMetric) {
  LogContents wbl = Decode({*data_ + "/wbl"});
  ASSERT_GE(wbl.types.size(), 2u);
  EXPECT_EQ(wbl.types[0], RecordType::kMmapMarkers);
  ASSERT_EQ(wbl.markers.size(), 1u);
  EXPECT_EQ(wbl.markers[0], (std::vector<record::RefMmapMarker>{{1, 0}}));
  for (size_t i = 1; i < wbl.types.size(); i++) EXPECT_EQ(wbl.types[i], RecordType::kSamples);

  const auto& ooo =
      dump_->at(R"({__name__="ooo_metric", instance="127.0.0.1:9199", job="target", kind="a"})");
  ASSERT_EQ(wbl.samples.size(), wbl.types.size() - 1);
  int64_t prev_max = INT64_MIN;
  bool some_out_of_order = false;
  for (const auto& record : wbl.samples) {
    ASSERT_EQ(record.size(), 1u);
    const record::RefSample& s = record[0];
    EXPECT_EQ(s.ref, 1u);
    auto it = ooo.find(s.t);
    ASSERT_NE(it, ooo.end()) << "@" << s.t;
    EXPECT_EQ(it->second, s.v) << "@" << s.t;
    some_out_of_order |= s.t < prev_max;
    prev_max = std::max(prev_max, s.t);
  }
  EXPECT_TRUE(some_out_of_order);
  EXPECT_EQ(wbl.samples.size(), 15u);
  // The first OOO sample, from the bytes of wbl/00000004: t=0x1a21434359d, v=240.
  EXPECT_EQ(wbl.samples[0][0].t, 0x1a21434359d);
  EXPECT_EQ(wbl.samples[0][0].v, 240.0);
}

// Our encoders and our page writer reproduce Prometheus's bytes: every record re-encodes to the
// same bytes, and every segment rewritten record by record (then closed) is the same file.
TEST_F(PromDataDirTest, RecordsAndSegmentsReencodeByteIdentically) {
  const std::vector<std::string> segments = {
      Wal() + "/00000002", Wal() + "/00000003", Wal() + "/00000004",
      Wal() + "/checkpoint.00000001/00000000", *data_ + "/wbl/00000004"};
  record::Decoder dec;
  for (const std::string& path : segments) {
    SCOPED_TRACE(path);
    const size_t slash = path.rfind('/');
    const int index = std::stoi(path.substr(slash + 1));
    auto reader = Reader::Open(DefaultFs(), {path.substr(0, slash), index, index});
    ASSERT_TRUE(reader.ok());
    testing::TempDir out;
    auto wal = Wal::Open(DefaultFs(), out.path());
    ASSERT_TRUE(wal.ok());
    int records = 0;
    while ((*reader)->Next()) {
      const std::string_view rec = (*reader)->record();
      std::string again;
      switch (*record::Type(rec)) {
        case RecordType::kSeries: {
          std::vector<record::RefSeries> v;
          ASSERT_TRUE(dec.Series(rec, &v).ok());
          record::EncodeSeries(v, &again);
          break;
        }
        case RecordType::kSamples: {
          std::vector<record::RefSample> v;
          ASSERT_TRUE(dec.Samples(rec, &v).ok());
          record::EncodeSamples(v, &again);
          break;
        }
        case RecordType::kMmapMarkers: {
          std::vector<record::RefMmapMarker> v;
          ASSERT_TRUE(dec.MmapMarkers(rec, &v).ok());
          record::EncodeMmapMarkers(v, &again);
          break;
        }
        default:
          FAIL() << "unexpected record type";
      }
      ASSERT_EQ(again, rec) << "record " << records;
      ASSERT_TRUE((*wal)->Log(again).ok());
      records++;
    }
    ASSERT_TRUE((*reader)->status().ok());
    ASSERT_TRUE((*wal)->Close().ok());
    auto original = DefaultFs()->ReadFile(path);
    auto rewritten = DefaultFs()->ReadFile(SegmentName(out.path(), 0));
    ASSERT_TRUE(original.ok() && rewritten.ok());
    EXPECT_EQ(*rewritten, *original) << records << " records";
  }
}

}  // namespace
}  // namespace strata::tsdb::wal
