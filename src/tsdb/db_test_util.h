// Helpers for the DB-level tests (compaction, fault injection, crash/replay, concurrency): an Fs
// that fails chosen calls by exact predicate, per-source sample counting (duplicates on disk are
// invisible to a merged query, so "exactly once" is checked by counting each source apart), and
// a model of what was acknowledged.
#ifndef STRATA_TSDB_DB_TEST_UTIL_H_
#define STRATA_TSDB_DB_TEST_UTIL_H_

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "tsdb/db.h"
#include "tsdb/record/record.h"
#include "tsdb/tsdb_test_util.h"
#include "tsdb/wal/reader.h"
#include "util/fault_fs.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::tsdb::testing {

inline constexpr int64_t kMinute = 60 * 1000;
inline constexpr int64_t kHour = 60 * kMinute;
inline constexpr int64_t kRange = 2 * kHour;

// {__name__="<name>", i="<i>"}.
inline labels::Labels TestSeries(int i, std::string_view name = "m") {
  const std::string v = std::to_string(i);
  return labels::Labels{{"__name__", name}, {"i", v}};
}

// What the tests acknowledged, by series: the expected result of a full query.
class Model {
 public:
  void Add(const labels::Labels& l, int64_t t, double v) { m_[l.ToString()].push_back({t, v}); }
  // Sorted by time, as a query returns it.
  SeriesSamples Sorted() const {
    SeriesSamples out = m_;
    for (auto& [k, v] : out) {
      std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
    }
    return out;
  }
  uint64_t total() const {
    uint64_t n = 0;
    for (const auto& [k, v] : m_) n += v.size();
    return n;
  }

 private:
  SeriesSamples m_;
};

// Appends every sample in one appender and commits; expects every sample to be appended.
inline void AppendAndCommit(DB& db, Model* model,
                            const std::vector<std::tuple<labels::Labels, int64_t, double>>& batch) {
  auto app = db.Appender();
  for (const auto& [l, t, v] : batch) {
    ASSERT_EQ(AppendOne(*app, l, t, v), storage::AppendResult::kAppended) << l.ToString() << "@" << t;
  }
  ASSERT_TRUE(app->Commit().ok());
  if (model != nullptr) {
    for (const auto& [l, t, v] : batch) model->Add(l, t, v);
  }
}

inline uint64_t CountSamples(storage::Querier& q) {
  uint64_t n = 0;
  for (const auto& [k, v] : ReadAll(q)) n += v.size();
  return n;
}

// Samples stored in the blocks (meta.json stats) and in the head, counted apart: a sample held
// twice (in two blocks, or in a block and the head) counts twice. In-order samples below the
// head's MinTime are not the head's: they are the persisted part of a chunk that straddles the
// last truncation and goes with that chunk.
inline uint64_t StoredSamples(DB& db) {
  uint64_t n = 0;
  for (const auto& b : db.Blocks()) n += b->meta().stats.num_samples;
  auto q = db.head()->Querier(INT64_MIN, INT64_MAX);
  n += CountSamples(*q);
  const int64_t head_min = db.head()->MinTime();
  if (head_min != INT64_MIN && db.head()->has_in_order_data()) {
    auto stale = db.head()->InOrderQuerier(INT64_MIN, head_min - 1);
    n -= CountSamples(*stale);
  }
  return n;
}

// "" if equal, else the first difference (whole dumps of thousands of samples help nobody).
inline std::string Diff(const SeriesSamples& got, const SeriesSamples& want) {
  for (const auto& [name, w] : want) {
    auto it = got.find(name);
    if (it == got.end()) return name + ": missing";
    const auto& g = it->second;
    for (size_t i = 0; i < std::max(g.size(), w.size()); i++) {
      if (i >= g.size()) return StrCat(name, ": missing from t=", w[i].t, " (", w.size() - i, ")");
      if (i >= w.size()) return StrCat(name, ": extra from t=", g[i].t, " (", g.size() - i, ")");
      if (!(g[i] == w[i])) {
        return StrCat(name, "[", i, "]: got ", g[i].t, ":", g[i].v, " want ", w[i].t, ":", w[i].v);
      }
    }
  }
  for (const auto& [name, g] : got) {
    if (!want.contains(name)) return name + ": unexpected series";
  }
  return "";
}

// The full query equals the model, and every sample is stored exactly once.
inline void ExpectExactlyOnce(DB& db, const Model& model) {
  auto q = db.Querier(INT64_MIN, INT64_MAX);
  EXPECT_EQ(Diff(ReadAll(*q), model.Sorted()), "");
  EXPECT_EQ(StoredSamples(db), model.total()) << "a sample is stored twice (or lost)";
}

// Counts the samples in Samples records of a WAL-format directory (0 if it does not exist).
inline uint64_t LoggedSamples(Fs* fs, const std::string& dir) {
  if (!fs->IsDirectory(dir)) return 0;
  auto r = wal::Reader::Open(fs, wal::SegmentRange{dir});
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return 0;
  record::Decoder dec;
  std::vector<record::RefSample> samples;
  uint64_t n = 0;
  while ((*r)->Next()) {
    auto t = record::Type((*r)->record());
    if (!t.ok() || *t != record::RecordType::kSamples) continue;
    EXPECT_TRUE(dec.Samples((*r)->record(), &samples).ok());
    n += samples.size();
  }
  EXPECT_TRUE((*r)->status().ok()) << (*r)->status();
  return n;
}

// Entries of `dir` whose name contains `part`.
inline std::vector<std::string> ListMatching(Fs* fs, const std::string& dir, std::string_view part) {
  std::vector<std::string> out;
  auto names = fs->ListDir(dir);
  if (!names.ok()) return out;
  for (const std::string& n : *names) {
    if (n.find(part) != std::string::npos) out.push_back(n);
  }
  return out;
}

// Forwards to `base`, first asking a hook whether the call should fail. Covers the Fs-level
// calls (not WritableFile::Append/Sync: use FaultInjectionFs underneath for those). Unlike
// FaultInjectionFs it matches whole paths and can skip calls, e.g. "fail the fsync of the data
// directory itself, not of the block directory below it".
class HookFs final : public Fs {
 public:
  // Returns non-OK to fail the call with that status.
  using Hook = std::function<absl::Status(FsOp op, const std::string& path)>;
  explicit HookFs(Fs* base) : base_(base) {}

  void SetHook(Hook h) {
    absl::MutexLock l(&mu_);
    hook_ = std::move(h);
  }
  void ClearHook() { SetHook(nullptr); }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    if (auto s = Ask(FsOp::kCreate, p); !s.ok()) return s;
    return base_->NewWritableFile(p);
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    if (auto s = Ask(FsOp::kCreate, p); !s.ok()) return s;
    return base_->NewAppendableFile(p);
  }
  absl::StatusOr<std::unique_ptr<ReadOnlyRegion>> MapFile(const std::string& p) override {
    if (auto s = Ask(FsOp::kRead, p); !s.ok()) return s;
    return base_->MapFile(p);
  }
  absl::StatusOr<std::string> ReadFile(const std::string& p) override {
    if (auto s = Ask(FsOp::kRead, p); !s.ok()) return s;
    return base_->ReadFile(p);
  }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& p) override {
    return base_->ListDir(p);
  }
  absl::Status CreateDirs(const std::string& p) override {
    if (auto s = Ask(FsOp::kMkdir, p); !s.ok()) return s;
    return base_->CreateDirs(p);
  }
  absl::Status RemoveFile(const std::string& p) override {
    if (auto s = Ask(FsOp::kRemove, p); !s.ok()) return s;
    return base_->RemoveFile(p);
  }
  absl::Status RemoveAll(const std::string& p) override {
    if (auto s = Ask(FsOp::kRemove, p); !s.ok()) return s;
    return base_->RemoveAll(p);
  }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    if (auto s = Ask(FsOp::kRename, from); !s.ok()) return s;
    return base_->Rename(from, to);
  }
  absl::Status SyncDir(const std::string& p) override {
    if (auto s = Ask(FsOp::kSyncDir, p); !s.ok()) return s;
    return base_->SyncDir(p);
  }
  absl::Status Truncate(const std::string& p, uint64_t size) override {
    if (auto s = Ask(FsOp::kTruncate, p); !s.ok()) return s;
    return base_->Truncate(p, size);
  }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  bool IsDirectory(const std::string& p) override { return base_->IsDirectory(p); }
  absl::StatusOr<uint64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }

 private:
  absl::Status Ask(FsOp op, const std::string& path) {
    Hook h;
    {
      absl::MutexLock l(&mu_);
      h = hook_;
    }
    return h ? h(op, path) : absl::OkStatus();
  }

  Fs* const base_;
  absl::Mutex mu_;
  Hook hook_ ABSL_GUARDED_BY(mu_);
};

// A hook failing the `nth` (1-based) call of `op` whose path satisfies `match`, once.
inline HookFs::Hook FailNth(FsOp op, std::function<bool(const std::string&)> match, int nth,
                            absl::Status error = absl::InternalError("injected")) {
  auto seen = std::make_shared<int>(0);
  return [=](FsOp o, const std::string& p) -> absl::Status {
    if (o != op || !match(p)) return absl::OkStatus();
    return ++*seen == nth ? error : absl::OkStatus();
  };
}

}  // namespace strata::tsdb::testing

#endif  // STRATA_TSDB_DB_TEST_UTIL_H_
