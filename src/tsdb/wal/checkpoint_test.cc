#include "tsdb/wal/checkpoint.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/record/record.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_test_util.h"
#include "util/fault_fs.h"
#include "util/strings.h"
#include "util/testing.h"

namespace strata::tsdb::wal {
namespace {

using record::RefExemplar;
using record::RefMetadata;
using record::RefMmapMarker;
using record::RefSample;
using record::RefSeries;
using record::Stone;
using testutil::ReadAll;
using testutil::ReadResult;

Fs* fs() { return DefaultFs(); }

std::string Series(std::vector<RefSeries> series) {
  std::string rec;
  record::EncodeSeries(series, &rec);
  return rec;
}
std::string Samples(std::vector<RefSample> samples) {
  std::string rec;
  record::EncodeSamples(samples, &rec);
  return rec;
}
std::string Tombstones(std::vector<Stone> stones) {
  std::string rec;
  record::EncodeTombstones(stones, &rec);
  return rec;
}
std::string Exemplars(std::vector<RefExemplar> exemplars) {
  std::string rec;
  record::EncodeExemplars(exemplars, &rec);
  return rec;
}
std::string Metadata(std::vector<RefMetadata> metadata) {
  std::string rec;
  record::EncodeMetadata(metadata, &rec);
  return rec;
}
std::string Markers(std::vector<RefMmapMarker> markers) {
  std::string rec;
  record::EncodeMmapMarkers(markers, &rec);
  return rec;
}

labels::Labels L(std::string_view name) { return labels::Labels{{"__name__", name}}; }
const auto kCounter = static_cast<uint8_t>(record::MetricType::kCounter);
const auto kGauge = static_cast<uint8_t>(record::MetricType::kGauge);

class CheckpointTest : public ::testing::Test {
 protected:
  // Segment 0 and 1 of a WAL; the writer stays in segment 2.
  void WriteWal(Fs* file_system) {
    auto wal = Wal::Open(file_system, dir_.path());
    ASSERT_TRUE(wal.ok());
    ASSERT_TRUE((*wal)
                    ->Log({Series({{1, L("a")}, {2, L("b")}, {3, L("c")}}),
                           Samples({{1, 100, 1}, {2, 50, 2}, {3, 200, 3}}),
                           Tombstones({{1, 0, 40}, {2, 0, 150}}),
                           Exemplars({{1, 90, 1, labels::Labels{{"trace_id", "x"}}},
                                      {1, 120, 2, labels::Labels{{"trace_id", "y"}}}}),
                           Metadata({{1, kCounter, "s", "h1"}, {3, kGauge, "", "c help"}}),
                           Markers({{1, 0}}), "\x09unknown", Samples({{2, 10, 9}})})
                    .ok());
    ASSERT_TRUE((*wal)->NextSegment().ok());
    ASSERT_TRUE((*wal)
                    ->Log({Series({{4, L("d")}}), Samples({{4, 300, 4}, {1, 99, 5}}),
                           Metadata({{1, kCounter, "s", "h2"}, {2, kGauge, "", "gone"}})})
                    .ok());
    ASSERT_TRUE((*wal)->NextSegment().ok());
    wal_ = *std::move(wal);
  }

  // The records of checkpoint.<index>, decoded as a readable list.
  std::vector<std::string> Describe(const std::string& path) {
    ReadResult r = ReadAll(fs(), {path});
    EXPECT_TRUE(r.status.ok()) << r.status;
    std::vector<std::string> out;
    record::Decoder dec;
    for (const std::string& rec : r.records) {
      std::string d;
      switch (*record::Type(rec)) {
        case record::RecordType::kSeries: {
          std::vector<RefSeries> v;
          EXPECT_TRUE(dec.Series(rec, &v).ok());
          d = "series";
          for (auto& s : v) StrAppend(&d, " ", s.ref, s.labels.ToString());
          break;
        }
        case record::RecordType::kSamples: {
          std::vector<RefSample> v;
          EXPECT_TRUE(dec.Samples(rec, &v).ok());
          d = "samples";
          for (auto& s : v) StrAppend(&d, " ", s.ref, "@", s.t, "=", s.v);
          break;
        }
        case record::RecordType::kTombstones: {
          std::vector<Stone> v;
          EXPECT_TRUE(dec.Tombstones(rec, &v).ok());
          d = "tombstones";
          for (auto& s : v) StrAppend(&d, " ", s.ref, "[", s.mint, ",", s.maxt, "]");
          break;
        }
        case record::RecordType::kExemplars: {
          std::vector<RefExemplar> v;
          EXPECT_TRUE(dec.Exemplars(rec, &v).ok());
          d = "exemplars";
          for (auto& e : v) StrAppend(&d, " ", e.ref, "@", e.t, e.labels.ToString());
          break;
        }
        case record::RecordType::kMetadata: {
          std::vector<RefMetadata> v;
          EXPECT_TRUE(dec.Metadata(rec, &v).ok());
          d = "metadata";
          for (auto& m : v) StrAppend(&d, " ", m.ref, ":", m.type, ":", m.unit, ":", m.help);
          break;
        }
        default:
          d = "other";
      }
      out.push_back(d);
    }
    return out;
  }

  testing::TempDir dir_;
  FaultInjectionFs ffs_{DefaultFs()};  // outlives wal_, which may write through it
  std::unique_ptr<Wal> wal_;
};

const std::vector<std::string> kFirstCheckpoint = {
    R"(series 1{__name__="a"} 3{__name__="c"})",
    "samples 1@100=1 3@200=3",
    "tombstones 2[0,150]",
    R"(exemplars 1@120{trace_id="y"})",
    R"(series 4{__name__="d"})",
    "samples 4@300=4",
    "metadata 1:1:s:h2 3:2::c help",
};

TEST_F(CheckpointTest, KeepsLiveSeriesAndRecentData) {
  WriteWal(fs());
  auto stats = Checkpoint(
      fs(), dir_.path(), 0, 1, [](uint64_t ref) { return ref != 2; }, 100);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(Describe(dir_.Join("checkpoint.00000001")), kFirstCheckpoint);
  EXPECT_EQ(stats->total_series, 4);
  EXPECT_EQ(stats->dropped_series, 1);
  EXPECT_EQ(stats->total_samples, 6);
  EXPECT_EQ(stats->dropped_samples, 3);
  EXPECT_EQ(stats->dropped_tombstones, 1);
  EXPECT_EQ(stats->dropped_exemplars, 1);
  EXPECT_EQ(stats->total_metadata, 4);
  EXPECT_EQ(stats->dropped_metadata, 2);  // superseded h1, series 2 gone
  EXPECT_EQ(stats->dropped_records, 2);   // mmap markers, unknown type

  auto last = LastCheckpoint(fs(), dir_.path());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->index, 1);
  EXPECT_EQ(last->path, dir_.Join("checkpoint.00000001"));
  // The checkpoint does not delete WAL segments; the caller truncates.
  ASSERT_TRUE(wal_->Truncate(2).ok());
  EXPECT_EQ(wal_->Segments()->first, 2);
}

TEST_F(CheckpointTest, NextCheckpointStartsFromThePreviousOneAndReplacesIt) {
  WriteWal(fs());
  auto keep = [](uint64_t ref) { return ref != 2; };
  ASSERT_TRUE(Checkpoint(fs(), dir_.path(), 0, 1, keep, 100).ok());
  ASSERT_TRUE(wal_->Truncate(2).ok());
  ASSERT_TRUE(wal_->Log(Samples({{3, 250, 7}, {4, 150, 8}})).ok());
  ASSERT_TRUE(wal_->NextSegment().ok());
  // `from` 0 is below the checkpoint: reading continues after it.
  auto stats = Checkpoint(
      fs(), dir_.path(), 0, 2, [](uint64_t ref) { return ref == 3; }, 200);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(
      Describe(dir_.Join("checkpoint.00000002")),
      (std::vector<std::string>{R"(series 3{__name__="c"})", "samples 3@200=3", "samples 4@300=4",
                                "samples 3@250=7", "metadata 3:2::c help"}));
  EXPECT_FALSE(fs()->Exists(dir_.Join("checkpoint.00000001")));
  EXPECT_EQ(LastCheckpoint(fs(), dir_.path())->index, 2);

  // A gap after the last checkpoint, or a checkpoint it already covers, is refused.
  EXPECT_EQ(Checkpoint(fs(), dir_.path(), 4, 5, keep, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Checkpoint(fs(), dir_.path(), 0, 2, keep, 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(CheckpointTest, CompressedCheckpointReadsBack) {
  WriteWal(fs());
  std::vector<RefSeries> many;
  for (uint64_t i = 10; i < 200; i++) many.push_back({i, labels::Labels{{"__name__", "metric"}}});
  ASSERT_TRUE(wal_->Log(Series(many)).ok());
  ASSERT_TRUE(wal_->NextSegment().ok());
  CheckpointOptions options{.compress = true};
  ASSERT_TRUE(Checkpoint(
                  fs(), dir_.path(), 0, 2, [](uint64_t) { return true; }, 0, options)
                  .ok());
  const std::string cp = dir_.Join("checkpoint.00000002");
  const std::string seg = testutil::ReadFileOrDie(fs(), SegmentName(cp, 0));
  EXPECT_EQ(seg.size() % kPageSize, 0u);
  EXPECT_EQ(static_cast<uint8_t>(seg[0]), 0x09);  // the first series record compresses well
  std::vector<std::string> d = Describe(cp);
  ASSERT_EQ(d.size(), 9u);
  EXPECT_THAT(d[7], ::testing::StartsWith(R"(series 10{__name__="metric"} 11{)"));
}

TEST_F(CheckpointTest, LeftoverTmpDirectoryIsIgnoredAndReplaced) {
  WriteWal(fs());
  const std::string tmp = dir_.Join("checkpoint.00000001.tmp");
  ASSERT_TRUE(fs()->CreateDirs(tmp).ok());
  testutil::WriteFileOrDie(fs(), SegmentName(tmp, 0), "garbage from a crash");
  EXPECT_EQ(LastCheckpoint(fs(), dir_.path()).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(Checkpoint(
                  fs(), dir_.path(), 0, 1, [](uint64_t ref) { return ref != 2; }, 100)
                  .ok());
  EXPECT_FALSE(fs()->Exists(tmp));
  EXPECT_EQ(Describe(dir_.Join("checkpoint.00000001")), kFirstCheckpoint);

  ASSERT_TRUE(fs()->CreateDirs(dir_.Join("checkpoint.00000007.tmp")).ok());
  ASSERT_TRUE(DeleteTmpCheckpoints(fs(), dir_.path()).ok());
  EXPECT_FALSE(fs()->Exists(dir_.Join("checkpoint.00000007.tmp")));
  EXPECT_TRUE(fs()->Exists(dir_.Join("checkpoint.00000001")));
}

// A failure at any step leaves neither the checkpoint nor its .tmp directory behind.
TEST_F(CheckpointTest, FailuresLeaveNoCheckpoint) {
  FaultInjectionFs& ffs = ffs_;
  WriteWal(&ffs);
  const FsOp kOps[] = {FsOp::kMkdir, FsOp::kCreate,  FsOp::kAppend,
                       FsOp::kSync,  FsOp::kSyncDir, FsOp::kRename};
  for (FsOp op : kOps) {
    SCOPED_TRACE(static_cast<int>(op));
    const int faults = ffs.faults_injected();
    ffs.InjectError(op, "checkpoint.00000001.tmp", absl::InternalError("injected"));
    auto stats = Checkpoint(
        &ffs, dir_.path(), 0, 1, [](uint64_t) { return true; }, 0);
    EXPECT_EQ(stats.status().code(), absl::StatusCode::kInternal);
    EXPECT_EQ(ffs.faults_injected(), faults + 1);
    ffs.ClearFaults();
    EXPECT_FALSE(fs()->Exists(dir_.Join("checkpoint.00000001")));
    EXPECT_FALSE(fs()->Exists(dir_.Join("checkpoint.00000001.tmp")));
  }
  ASSERT_TRUE(Checkpoint(
                  &ffs, dir_.path(), 0, 1, [](uint64_t) { return true; }, 0)
                  .ok());
}

TEST_F(CheckpointTest, CorruptInputIsDataLossAndLeavesNoCheckpoint) {
  WriteWal(fs());
  testutil::XorByteInPlace(SegmentName(dir_.path(), 1), 10, 0x40);
  auto stats = Checkpoint(
      fs(), dir_.path(), 0, 1, [](uint64_t) { return true; }, 0);
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(stats.status().message()), ::testing::HasSubstr("segment 1"));
  EXPECT_FALSE(fs()->Exists(dir_.Join("checkpoint.00000001")));
  EXPECT_FALSE(fs()->Exists(dir_.Join("checkpoint.00000001.tmp")));
}

}  // namespace
}  // namespace strata::tsdb::wal
