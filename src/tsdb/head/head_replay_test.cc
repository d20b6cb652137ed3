// Replay of hand-written logs: the sharded replay (worker threads creating series and applying
// samples) rebuilds exactly the head a single-threaded replay does.
#include <algorithm>
#include <map>

#include "gtest/gtest.h"
#include "tsdb/head/head.h"
#include "tsdb/record/record.h"
#include "tsdb/tsdb_test_util.h"
#include "tsdb/wal/wal.h"
#include "util/testing.h"

namespace strata::tsdb::head {
namespace {

using tsdb::testing::AppendOne;
using tsdb::testing::ReadAll;
using tsdb::testing::SeriesSamples;

constexpr int kSeries = 200;
constexpr int kScrapes = 300;
constexpr int64_t kScrape = 15000;

labels::Labels Nth(int i) { return labels::Labels{{"__name__", "up"}, {"i", std::to_string(i)}}; }

std::string SeriesRecord(std::vector<record::RefSeries> series) {
  std::string rec;
  record::EncodeSeries(series, &rec);
  return rec;
}

std::string SamplesRecord(const std::vector<record::RefSample>& samples) {
  std::string rec;
  record::EncodeSamples(samples, &rec);
  return rec;
}

// Everything a test can see of a replayed head.
struct Replayed {
  SeriesSamples data;
  std::map<std::string, uint64_t> refs;  // by labels text
  uint64_t next_ref = 0;                 // the ref a series created after replay gets
  std::vector<uint64_t> all_postings, postings_5, postings_7;
  ReplayStats stats;
  HeadStats head;
};

void ExpectSame(const Replayed& got, const Replayed& want) {
  EXPECT_EQ(got.data, want.data);
  EXPECT_EQ(got.refs, want.refs);
  EXPECT_EQ(got.next_ref, want.next_ref);
  EXPECT_EQ(got.all_postings, want.all_postings);
  EXPECT_EQ(got.postings_5, want.postings_5);
  EXPECT_EQ(got.postings_7, want.postings_7);
  EXPECT_EQ(got.stats.wal_records, want.stats.wal_records);
  EXPECT_EQ(got.stats.samples, want.stats.samples);
  EXPECT_EQ(got.stats.unknown_series_refs, want.stats.unknown_series_refs);
  EXPECT_EQ(got.stats.corruptions_repaired, want.stats.corruptions_repaired);
  EXPECT_EQ(got.head.num_series, want.head.num_series);
  EXPECT_EQ(got.head.num_chunks, want.head.num_chunks);
  EXPECT_EQ(got.head.min_time, want.head.min_time);
  EXPECT_EQ(got.head.max_time, want.head.max_time);
}

class HeadReplayTest : public ::testing::Test {
 protected:
  // Logs `records` in segments of 64 KiB.
  void Log(const std::vector<std::string>& records) {
    wal::WalOptions o;
    o.segment_size_bytes = 64 * 1024;
    auto w = wal::Wal::Open(fs_, dir_.Join("wal"), o);
    ASSERT_TRUE(w.ok()) << w.status();
    const std::vector<std::string_view> views(records.begin(), records.end());
    ASSERT_TRUE((*w)->Log(views).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  // Opens a copy of the directory (replay repairs what it opens) with `threads` replay threads.
  Replayed Replay(size_t threads, int64_t min_valid) {
    strata::testing::TempDir copy;
    strata::testing::CopyTree(dir_.path(), copy.path());
    HeadOptions o;
    o.replay_concurrency = threads;
    auto h = Head::Open(fs_, copy.path(), o, min_valid);
    EXPECT_TRUE(h.ok()) << h.status();
    if (!h.ok()) return {};
    Replayed r;
    {
      auto q = (*h)->Querier(INT64_MIN, INT64_MAX);
      r.data = ReadAll(*q);
    }
    for (int i = 0; i <= kSeries + 1; i++) {
      if (uint64_t ref = (*h)->SeriesRef(Nth(i)); ref != 0) r.refs[Nth(i).ToString()] = ref;
    }
    r.refs["late"] = (*h)->SeriesRef(Nth(3000));
    r.all_postings = (*h)->Postings("", "");
    r.postings_5 = (*h)->Postings("i", "5");
    r.postings_7 = (*h)->Postings("i", "7");
    r.stats = (*h)->replay_stats();
    r.head = (*h)->Stats();
    auto app = (*h)->Appender();
    AppendOne(*app, Nth(99999), INT64_MAX / 2, 1);
    EXPECT_TRUE(app->Commit().ok());
    r.next_ref = (*h)->SeriesRef(Nth(99999));
    return r;
  }

  // A log of kSeries series scraped kScrapes times, with every case replay treats specially:
  // a series record followed by its samples in the same segment, labels logged again under a
  // second ref (samples then come under both), a ref logged twice, samples of an unknown ref and
  // of a ref before its series record, samples older than the series' newest. With
  // `reused_ref`, that second ref is then reused for other labels, as only a damaged log would
  // (a restart would then hand the new series' m-mapped chunks to the first labels of the ref).
  std::vector<std::string> Records(bool reused_ref) {
    std::vector<std::string> out;
    std::vector<record::RefSeries> first;
    for (int i = 0; i < kSeries; i++) first.push_back({uint64_t(i + 1), Nth(i)});
    out.push_back(SeriesRecord(first));
    for (int k = 0; k < kScrapes; k++) {
      const int64_t t = k * kScrape;
      if (k == 10) out.push_back(SeriesRecord({{kSeries + 1, Nth(kSeries)}}));
      if (k == 100) out.push_back(SeriesRecord({{1001, Nth(5)}, {1002, Nth(7)}, {10, Nth(9)}}));
      if (reused_ref && k == 120) out.push_back(SeriesRecord({{1001, Nth(kSeries + 1)}}));
      if (k == 151) out.push_back(SeriesRecord({{3000, Nth(3000)}}));
      std::vector<record::RefSample> samples;
      for (int i = 0; i < kSeries; i++) {
        uint64_t ref = uint64_t(i + 1);
        if (i == 5 && k > 100 && k < 120 && k % 2 == 1) ref = 1001;  // the series' 2nd ref
        samples.push_back({ref, t, double(k + i)});
      }
      if (k >= 10) samples.push_back({kSeries + 1, t, -double(k)});
      if (k > 100) {
        samples.push_back({1002, t - 7000, 1});  // older than Nth(7)'s newest: dropped
        samples.push_back({1002, t + 7000, 2});
      }
      if (reused_ref && k > 120) samples.push_back({1001, t, 5});  // Nth(kSeries + 1)'s
      if (k >= 150) samples.push_back({3000, t, 3});               // unknown until k == 151
      if (k % 50 == 0) samples.push_back({5000, t, 4});            // never declared
      out.push_back(SamplesRecord(samples));
    }
    return out;
  }

  strata::testing::TempDir dir_;
  Fs* fs_ = DefaultFs();
};

TEST_F(HeadReplayTest, ShardedReplayEqualsSingleThreaded) {
  Log(Records(/*reused_ref=*/true));
  const int64_t min_valid = 50 * kScrape;  // older samples are in blocks
  const Replayed want = Replay(1, min_valid);
  // What the single-threaded replay made, in detail.
  EXPECT_EQ(want.refs.at(Nth(5).ToString()), 6u);  // the first ref of the labels
  EXPECT_EQ(want.refs.at(Nth(kSeries).ToString()), uint64_t(kSeries + 1));
  EXPECT_EQ(want.refs.at("late"), 3000u);
  EXPECT_EQ(want.next_ref, 3001u);
  // Only the refs of series: not those logged again for labels that had a series already.
  EXPECT_EQ(want.postings_5, std::vector<uint64_t>{6});
  EXPECT_EQ(want.postings_7, std::vector<uint64_t>{8});
  std::vector<uint64_t> all;
  for (const auto& [lset, ref] : want.refs) all.push_back(ref);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(want.all_postings, all);
  EXPECT_EQ(want.stats.unknown_series_refs, 7u);  // 5000 at 0, 50, ..., 250; 3000 at 150
  const auto& five = want.data.at(Nth(5).ToString());
  ASSERT_EQ(five.size(), size_t(kScrapes - 50));
  for (size_t j = 0; j < five.size(); j++) EXPECT_EQ(five[j].t, int64_t(50 + j) * kScrape);
  const auto& seven = want.data.at(Nth(7).ToString());
  EXPECT_EQ(seven.size(), size_t(kScrapes - 50 + kScrapes - 101));
  EXPECT_EQ(want.data.at(Nth(3000).ToString()).size(), size_t(kScrapes - 151));
  EXPECT_EQ(want.refs.at(Nth(kSeries + 1).ToString()), 1001u);
  EXPECT_EQ(want.data.at(Nth(kSeries + 1).ToString()).size(), size_t(kScrapes - 121));
  EXPECT_EQ(want.head.num_series, uint64_t(kSeries + 3));
  for (size_t threads : {2, 4}) {
    SCOPED_TRACE(threads);
    ExpectSame(Replay(threads, min_valid), want);
  }
}

// A long-lived tenant's WAL: few series with large refs (refs only grow), one beyond the dense
// table's limit. They are looked up in a hash map, with the same result as small refs.
TEST_F(HeadReplayTest, LargeRefsReplayLikeSmallOnes) {
  const std::vector<uint64_t> refs = {20'000'000, 20'000'001, uint64_t{1} << 40};
  std::vector<std::string> records;
  std::vector<record::RefSeries> series;
  for (size_t i = 0; i < refs.size(); i++) series.push_back({refs[i], Nth(int(i))});
  records.push_back(SeriesRecord(series));
  for (int k = 0; k < 3; k++) {
    std::vector<record::RefSample> samples;
    for (size_t i = 0; i < refs.size(); i++) samples.push_back({refs[i], k * kScrape, double(k)});
    records.push_back(SamplesRecord(samples));
  }
  Log(records);
  const Replayed got = Replay(2, INT64_MIN);
  for (size_t i = 0; i < refs.size(); i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got.refs.at(Nth(int(i)).ToString()), refs[i]);
    EXPECT_EQ(got.data.at(Nth(int(i)).ToString()).size(), 3u);
  }
  EXPECT_EQ(got.stats.unknown_series_refs, 0u);
  EXPECT_EQ(got.next_ref, refs.back() + 1);
}

// A record damaged in the middle of the log: everything before it is kept, the same way with
// and without worker threads.
TEST_F(HeadReplayTest, CorruptRecordCutsTheLogTheSameWay) {
  Log(Records(/*reused_ref=*/false));
  auto segs = fs_->ListDir(dir_.Join("wal"));
  ASSERT_TRUE(segs.ok());
  ASSERT_GE(segs->size(), 4u);
  const std::string victim = dir_.Join("wal/" + (*segs)[segs->size() / 2]);
  std::string data = *fs_->ReadFile(victim);
  data[data.size() / 3] ^= 0x55;
  ASSERT_TRUE(WriteFileAtomically(fs_, victim, data).ok());
  const Replayed want = Replay(1, INT64_MIN);
  EXPECT_EQ(want.stats.corruptions_repaired, 1u);
  EXPECT_LT(want.data.at(Nth(0).ToString()).size(), size_t(kScrapes));
  EXPECT_GT(want.data.at(Nth(0).ToString()).size(), size_t(kScrapes / 4));
  for (size_t threads : {2, 4}) {
    SCOPED_TRACE(threads);
    ExpectSame(Replay(threads, INT64_MIN), want);
  }
}

// A record torn by a crash ends the log: replay cuts it (opening the WAL for writing then does
// not read the last segment again), so what is appended after the restart follows the last
// whole record and a second restart finds no damage.
TEST_F(HeadReplayTest, TornTailIsCutBeforeWritingOn) {
  Log(Records(/*reused_ref=*/false));
  auto segs = fs_->ListDir(dir_.Join("wal"));
  ASSERT_TRUE(segs.ok());
  const std::string last = dir_.Join("wal/" + segs->back());
  std::string data = *fs_->ReadFile(last);
  const size_t end = data.find_last_not_of('\0') + 1;
  ASSERT_TRUE(fs_->Truncate(last, end - 100).ok());
  SeriesSamples want;
  {
    auto h = Head::Open(fs_, dir_.path(), {}, INT64_MIN);
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_EQ((*h)->replay_stats().corruptions_repaired, 0u);
    auto app = (*h)->Appender();
    AppendOne(*app, Nth(0), kScrapes * kScrape, 42);
    ASSERT_TRUE(app->Commit().ok());
    auto q = (*h)->Querier(INT64_MIN, INT64_MAX);
    want = ReadAll(*q);
  }
  EXPECT_EQ(want.at(Nth(0).ToString()).back().v, 42);
  auto h = Head::Open(fs_, dir_.path(), {}, INT64_MIN);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ((*h)->replay_stats().corruptions_repaired, 0u);
  auto q = (*h)->Querier(INT64_MIN, INT64_MAX);
  EXPECT_EQ(ReadAll(*q), want);
}

}  // namespace
}  // namespace strata::tsdb::head
