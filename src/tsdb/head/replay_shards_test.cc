#include "tsdb/head/replay_shards.h"

#include <map>
#include <random>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"
#include "util/strings.h"

namespace strata::tsdb::head {
namespace {

constexpr int64_t kRange = 7200 * 1000;
constexpr uint64_t kWrittenRefBit = uint64_t{1} << 62;  // refs the recording sink hands out

// Series by label set, as the head's stripes would hold them.
class FakeSeriesSink final : public ReplaySeriesSink {
 public:
  MemSeries* Create(uint64_t ref, labels::Labels lset, uint64_t hash, bool* created) override {
    EXPECT_EQ(hash, lset.Hash());
    absl::MutexLock l(&mu_);
    auto [it, inserted] = by_labels_.try_emplace(std::string(lset.data()));
    if (inserted) it->second = MemSeries::New(ref, lset.data());
    *created = inserted;
    return it->second.get();
  }
  std::map<std::string, std::unique_ptr<MemSeries>> TakeAll() {
    absl::MutexLock l(&mu_);
    return std::move(by_labels_);
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<MemSeries>> by_labels_ ABSL_GUARDED_BY(mu_);
};

// Keeps what is written; chunk refs depend on the order of writes across series (threads), so
// digests name written chunks by their content.
class RecordingChunkSink final : public ChunkSink {
 public:
  uint64_t WriteChunk(uint64_t series_ref, int64_t mint, int64_t maxt, uint8_t encoding,
                      std::string_view data) override {
    absl::MutexLock l(&mu_);
    const uint64_t ref = kWrittenRefBit | written_.size();
    written_[ref] = StrCat(series_ref, "/", mint, "/", maxt, "/", int{encoding}, "/", data);
    return ref;
  }
  std::string Describe(uint64_t ref) {
    if ((ref & kWrittenRefBit) == 0) return StrCat("loaded ", ref);
    absl::MutexLock l(&mu_);
    return StrCat("written ", written_[ref]);
  }

 private:
  absl::Mutex mu_;
  std::map<uint64_t, std::string> written_ ABSL_GUARDED_BY(mu_);
};

// One step of a log as HeadReplayer feeds it to the shards.
struct Step {
  enum Kind { kSeries, kInOrder, kOOO, kMarker, kLoadedChunk } kind;
  uint64_t ref;
  int labels_id = 0;  // kSeries
  int64_t t = 0;
  double v = 0;
  MmappedChunk chunk{};  // kMarker, kLoadedChunk
};

labels::Labels LabelsOf(int id) {
  return labels::Labels{{"__name__", "m"}, {"id", std::to_string(id)}};
}

// A random log: series records (some labels met again under a second ref, some refs logged
// twice), in-order samples (some older than the series' last: dropped), chunks loaded for
// refs, then a WBL part with OOO samples and m-map markers.
std::vector<Step> RandomLog(uint64_t seed, int series, int samples) {
  std::mt19937_64 rng(seed);
  std::vector<Step> log;
  std::vector<uint64_t> refs;
  uint64_t next_ref = 1;
  auto add_series = [&](int labels_id, uint64_t ref) {
    log.push_back(Step{Step::kSeries, ref, labels_id});
    refs.push_back(ref);
  };
  for (int i = 0; i < series; i++) {
    add_series(i, next_ref++);
    if (rng() % 4 == 0) {  // older than the log's samples, or overlapping the first ones
      const int64_t mint = -60000 + int64_t(rng() % 60000);
      log.push_back(Step{Step::kLoadedChunk, refs.back(), 0, 0, 0,
                         MmappedChunk{1000 + refs.back(), mint, mint + 30000, 30}});
    }
  }
  for (int k = 0; k < samples; k++) {
    for (size_t i = 0; i < refs.size(); i++) {
      if (rng() % 3 == 0) continue;
      int64_t t = int64_t(k) * 15000 + int64_t(rng() % 100);
      if (rng() % 10 == 0) t -= 40000;  // behind the series' newest sample
      log.push_back(Step{Step::kInOrder, refs[i], 0, t, double(rng() % 1000)});
    }
    if (rng() % 5 == 0) add_series(int(rng() % series), next_ref++);  // duplicate labels
    if (rng() % 7 == 0) add_series(int(refs[0] - 1), refs[0]);        // same ref again
  }
  for (int k = 0; k < samples; k++) {
    const uint64_t ref = refs[rng() % refs.size()];
    if (rng() % 8 == 0) {
      log.push_back(Step{Step::kMarker, ref, 0, 0, 0, MmappedChunk{5000 + size_t(k), 0, 10, 3}});
    } else {
      log.push_back(Step{Step::kOOO, ref, 0, int64_t(rng() % 100000), double(k)});
    }
  }
  return log;
}

// Replays `log` through ReplayShards with `o`; returns each series' state as text.
std::map<std::string, std::string> Replay(const std::vector<Step>& log, ReplayApplyOptions o,
                                          ReplayApplyCounts* counts) {
  FakeSeriesSink series_sink;
  RecordingChunkSink chunk_sink;
  o.series_sink = &series_sink;
  o.sink = &chunk_sink;
  o.chunk_range_ms = kRange;
  o.ooo_cap_max = 4;
  absl::flat_hash_map<uint64_t, ReplaySlot> slots;
  size_t created = 0;
  {
    ReplayShards shards(o);
    for (const Step& s : log) {
      switch (s.kind) {
        case Step::kSeries:
          slots[s.ref] = shards.AddSeries(s.ref, LabelsOf(s.labels_id));
          break;
        case Step::kInOrder:
          shards.AddSample(slots.at(s.ref), ReplayOp::Kind::kInOrder, s.t, s.v);
          break;
        case Step::kOOO:
          shards.AddSample(slots.at(s.ref), ReplayOp::Kind::kOOO, s.t, s.v);
          break;
        case Step::kMarker:
          shards.AddMarker(slots.at(s.ref), s.chunk);
          break;
        case Step::kLoadedChunk:
          shards.AddLoadedChunk(slots.at(s.ref), s.chunk);
          break;
      }
    }
    *counts = shards.Finish();
    created = shards.TakeCreated().size();
  }
  std::map<std::string, std::unique_ptr<MemSeries>> all = series_sink.TakeAll();
  EXPECT_EQ(created, all.size());
  std::map<std::string, std::string> out;
  for (auto& [key, s] : all) {
    absl::MutexLock l(&s->mu());
    std::string d = StrCat("ref ", s->ref(), " last_t ", s->last_t(), "\n");
    for (const MmappedChunk& c : s->mmapped()) {
      StrAppend(&d, "chunk ", chunk_sink.Describe(c.ref), " ", c.min_time, "-", c.max_time, "\n");
    }
    if (const HeadChunk* h = s->head_chunk()) StrAppend(&d, "head ", h->data(), "\n");
    if (const OOOState* ooo = s->ooo()) {
      for (const MmappedChunk& c : ooo->mmapped) {
        StrAppend(&d, "ooo chunk ", chunk_sink.Describe(c.ref), " ", c.min_time, "\n");
      }
      if (!ooo->head.empty()) StrAppend(&d, "ooo head ", ooo->head.ToXor().bytes(), "\n");
    }
    out[key] = d;
  }
  return out;
}

void ExpectSameCounts(const ReplayApplyCounts& a, const ReplayApplyCounts& b) {
  EXPECT_EQ(a.samples, b.samples);
  EXPECT_EQ(a.ooo_samples, b.ooo_samples);
  EXPECT_EQ(a.ooo_min_t, b.ooo_min_t);
  EXPECT_EQ(a.ooo_max_t, b.ooo_max_t);
}

// Worker threads, many small batches (handed over while the workers are busy), batches applied
// grouped by series or in log order: every series ends up exactly as a single-threaded replay
// leaves it, including series logged under two refs and refs logged twice.
TEST(ReplayShardsTest, ShardedEqualsSingleThreaded) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(seed);
    const std::vector<Step> log = RandomLog(seed, 60, 300);
    ReplayApplyOptions one;
    one.shards = 1;
    ReplayApplyCounts want_counts;
    const auto want = Replay(log, one, &want_counts);
    ASSERT_EQ(want.size(), 60u);
    EXPECT_GT(want_counts.samples, 1000u);
    EXPECT_GT(want_counts.ooo_samples, 100u);

    ReplayApplyOptions small;  // ~1 op per series per batch: applied in log order
    small.shards = 4;
    small.min_batch = 8;
    small.ops_per_series = 1;
    small.max_buffered_ops = 64;
    ReplayApplyOptions grouped;  // many ops per series per batch
    grouped.shards = 3;
    grouped.min_batch = 2000;
    ReplayApplyOptions one_grouped;  // inline, grouped
    one_grouped.shards = 1;
    one_grouped.min_batch = 500;
    for (const ReplayApplyOptions& o : {small, grouped, one_grouped}) {
      SCOPED_TRACE(StrCat("shards ", o.shards, " min_batch ", o.min_batch));
      ReplayApplyCounts counts;
      EXPECT_EQ(Replay(log, o, &counts), want);
      ExpectSameCounts(counts, want_counts);
    }
  }
}

// A series met again under a second ref is one series: its samples under both refs apply in log
// order (an older one under either ref is dropped), whatever the batches and threads.
TEST(ReplayShardsTest, DuplicateLabelsUnderTwoRefsKeepLogOrder) {
  std::vector<Step> log;
  log.push_back(Step{Step::kSeries, 1, 7});
  for (int64_t t = 0; t < 50; t++) log.push_back(Step{Step::kInOrder, 1, 0, t * 10, 1});
  log.push_back(Step{Step::kSeries, 2, 7});
  for (int64_t t = 50; t < 100; t++) {
    log.push_back(Step{Step::kInOrder, t % 2 == 0 ? 1u : 2u, 0, t * 10, 2});
    log.push_back(Step{Step::kInOrder, 2, 0, t * 10 - 5, 3});  // older than the last: dropped
  }
  for (size_t shards : {1, 2, 4}) {
    SCOPED_TRACE(shards);
    ReplayApplyOptions o;
    o.shards = shards;
    o.min_batch = 16;
    ReplayApplyCounts counts;
    const auto got = Replay(log, o, &counts);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(counts.samples, 100u);
    EXPECT_NE(got.begin()->second.find("ref 1 last_t 990\n"), std::string::npos)
        << got.begin()->second;
  }
}

}  // namespace
}  // namespace strata::tsdb::head
