#include "ingester/ingester.h"

#include <algorithm>
#include <condition_variable>
#include <random>

#include "absl/time/time.h"
#include "storage/merge.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::ingester {
namespace {

std::string Rfc3339Nano(int64_t ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// Cortex's discard reason label and message for a rejected sample.
struct Rejection {
  const char* reason;
  std::string message;
};

Rejection DescribeRejection(storage::AppendResult r, const limits::Limits& l,
                            std::span<const labels::Label> lbls, int64_t t) {
  const std::string series = labels::Labels::FromSorted({lbls.begin(), lbls.end()}).ToString();
  const std::string sample = StrCat("timestamp=", Rfc3339Nano(t), ", series=", series);
  switch (r) {
    case storage::AppendResult::kOutOfOrder:
      return {"sample-out-of-order", StrCat("err: out of order sample. ", sample)};
    case storage::AppendResult::kOutOfBounds:
      return {"sample-out-of-bounds", StrCat("err: out of bounds. ", sample)};
    case storage::AppendResult::kTooOld:
      return {"sample-too-old", StrCat("err: too old sample. ", sample)};
    case storage::AppendResult::kDuplicateSample:
      return {"new-value-for-timestamp",
              StrCat("err: duplicate sample for timestamp. series=", series)};
    case storage::AppendResult::kSeriesLimit:
      return {"per_user_series_limit",
              StrCat("per-user series limit of ", l.max_series_per_user,
                     " exceeded, please contact administrator to raise it (local limit: ",
                     l.max_series_per_user, " global limit: 0 actual local limit: ",
                     l.max_series_per_user, ")")};
    case storage::AppendResult::kMetricSeriesLimit: {
      std::string metric;
      for (const labels::Label& x : lbls) {
        if (x.name == labels::kMetricName) metric = std::string(x.value);
      }
      return {"per_metric_series_limit",
              StrCat("per-metric series limit of ", l.max_series_per_metric, " exceeded for metric ",
                     metric, ", please contact administrator to raise it (local limit: ",
                     l.max_series_per_metric, " global limit: 0 actual local limit: ",
                     l.max_series_per_metric, ")")};
    }
    default:
      return {"unknown", "err: unknown append result"};
  }
}

}  // namespace

Ingester::Ingester(Fs* fs, IngesterConfig cfg, const Clock* clock,
                   const limits::Overrides* overrides)
    : fs_(fs), cfg_(std::move(cfg)), clock_(clock), overrides_(overrides) {}

Ingester::~Ingester() { Stop(); }

absl::StatusOr<std::unique_ptr<Ingester>> Ingester::Open(Fs* fs, IngesterConfig cfg,
                                                         const Clock* clock,
                                                         const limits::Overrides* overrides) {
  std::unique_ptr<Ingester> ing(new Ingester(fs, std::move(cfg), clock, overrides));
  RETURN_IF_ERROR(fs->CreateDirs(ing->cfg_.tsdb_dir));
  RETURN_IF_ERROR_CTX(ing->OpenExisting(), "open existing TSDBs");
  return ing;
}

absl::StatusOr<std::shared_ptr<TenantDB>> Ingester::OpenTenant(const std::string& tenant) {
  tsdb::DBOptions opts;
  opts.block_range_ms = cfg_.block_range_ms;
  opts.retention_ms = cfg_.retention_ms;
  opts.head.stripe_size = cfg_.stripe_size;
  opts.head.ooo_cap_max = cfg_.ooo_cap_max;
  opts.head.wal_compression = cfg_.wal_compression;
  opts.head.wal_segment_bytes = cfg_.wal_segment_bytes;
  if (cfg_.active_series_enabled) opts.head.activity_clock = clock_;
  const std::string dir = JoinPath(cfg_.tsdb_dir, tenant);
  std::unique_ptr<Shipper> shipper;
  if (!cfg_.bucket_dir.empty() && cfg_.ship_interval_ms > 0) {
    shipper = std::make_unique<Shipper>(fs_, cfg_.bucket_dir, tenant, dir);
    // Local retention deletes only blocks that reached the bucket (Cortex blocksToDelete).
    Fs* fs = fs_;
    opts.can_delete_block = [fs, dir](const tsdb::block::BlockMeta& m) {
      auto shipped = ReadShipped(fs, dir);
      return shipped.ok() && shipped->contains(m.ulid.ToString());
    };
  }
  // Jitter spreads idle compactions of tenants that went quiet together (Cortex: up to 25%).
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int64_t jitter = cfg_.head_compaction_idle_timeout_ms > 0
                             ? static_cast<int64_t>(std::uniform_real_distribution<double>(
                                   0, cfg_.idle_timeout_jitter)(rng) *
                                                    cfg_.head_compaction_idle_timeout_ms)
                             : 0;
  ASSIGN_OR_RETURN(std::unique_ptr<TenantDB> t,
                   TenantDB::Open(fs_, tenant, dir, opts, &overrides_->ForTenant(tenant), clock_,
                                  std::move(shipper), cfg_.head_compaction_idle_timeout_ms + jitter));
  counters_.tsdb_opens++;
  counters_.wal_corruptions += t->db().head()->replay_stats().corruptions_repaired;
  counters_.mmap_chunk_corruptions += t->db().head()->replay_stats().mmap_chunk_corruptions;
  counters_.corrupted_blocks += t->db().corrupted_blocks();
  // Whoever drops the last reference (the close loop, a scrape, a query) frees the tenant; the
  // next close-idle tick hands the freed memory back to the OS.
  return std::shared_ptr<TenantDB>(t.release(), [freed = &tenants_freed_](TenantDB* p) {
    delete p;
    freed->fetch_add(1, std::memory_order_relaxed);
  });
}

absl::Status Ingester::OpenExisting() {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(cfg_.tsdb_dir));
  std::vector<std::string> tenants;
  for (const std::string& n : names) {
    if (fs_->IsDirectory(JoinPath(cfg_.tsdb_dir, n))) tenants.push_back(n);
  }
  absl::Mutex result_mu;
  absl::Status first_error;
  std::atomic<size_t> next{0};
  const size_t workers_n = std::max<size_t>(
      1, std::min<size_t>(cfg_.max_tsdb_opening_concurrency, tenants.size()));
  auto open_one = [&](const std::string& tenant) {
    auto t = OpenTenant(tenant);
    if (!t.ok()) {
      absl::MutexLock l(&result_mu);
      if (first_error.ok()) first_error = Annotate(t.status(), StrCat("tenant ", tenant));
      return;
    }
    absl::MutexLock l(&mu_);
    tenants_[tenant] = *std::move(t);
  };
  {
    // WAL replays run in parallel (Cortex max_tsdb_opening_concurrency_on_startup).
    std::vector<std::jthread> workers;
    for (size_t w = 0; w < workers_n && !tenants.empty(); w++) {
      workers.emplace_back([&] {
        for (size_t i = next++; i < tenants.size(); i = next++) open_one(tenants[i]);
      });
    }
  }
  return first_error;
}

absl::StatusOr<std::shared_ptr<TenantDB>> Ingester::GetOrOpen(const std::string& tenant) {
  {
    absl::MutexLock l(&mu_);
    if (auto it = tenants_.find(tenant); it != tenants_.end()) return it->second;
    RETURN_IF_ERROR(RecoveryWait(tenant));
  }
  absl::MutexLock open(&open_mu_);
  {
    absl::MutexLock l(&mu_);
    if (auto it = tenants_.find(tenant); it != tenants_.end()) return it->second;
    RETURN_IF_ERROR(RecoveryWait(tenant));
  }
  auto t = OpenTenant(tenant);
  if (!t.ok()) {
    log::Error("failed to open TSDB",
               {{"user", tenant}, {"err", std::string(t.status().message())}});
    NoteFailedReopen(tenant, t.status());
    return t.status();
  }
  absl::MutexLock l(&mu_);
  tenants_[tenant] = *t;
  if (auto it = recovering_.find(tenant); it != recovering_.end()) it->second.waiting = false;
  return t;
}

namespace {
constexpr int64_t kFirstReopenBackoffMs = 1000;
constexpr int64_t kMaxReopenBackoffMs = 60 * 1000;
constexpr int64_t kForgetFailuresAfterMs = 10 * 60 * 1000;
}  // namespace

void Ingester::Recovery::Fail(int64_t now, const absl::Status& error) {
  cause = std::string(error.message());
  failures = Forgotten(now) ? 1 : failures + 1;
  last_failure_ms = now;
  retry_at_ms =
      now + std::min(kMaxReopenBackoffMs, kFirstReopenBackoffMs << std::min(failures - 1, 6));
}

bool Ingester::Recovery::Forgotten(int64_t now) const {
  return failures == 0 || now - last_failure_ms >= kForgetFailuresAfterMs;
}

void Ingester::StartRecovery(const std::shared_ptr<TenantDB>& t, const absl::Status& cause) {
  // Waits for in-flight pushes; false if a concurrent push or the idle close got there first.
  if (!t->StartClosing()) return;
  const int64_t now = clock_->NowMs();
  absl::MutexLock l(&mu_);
  auto it = tenants_.find(t->tenant());
  if (it == tenants_.end() || it->second != t) return;
  tenants_.erase(it);
  Recovery& r = recovering_[t->tenant()];
  r.old = t;
  r.waiting = true;
  r.Fail(now, cause);
  counters_.reopens_after_write_error++;
  log::Error("TSDB write failed; closing it, to be reopened after a backoff",
             {{"user", t->tenant()},
              {"err", std::string(cause.message())},
              {"backoff", StrCat(r.retry_at_ms - now, "ms")}});
}

bool Ingester::Recovering(const std::string& tenant) const {
  auto it = recovering_.find(tenant);
  return it != recovering_.end() && it->second.waiting;
}

absl::Status Ingester::RecoveryWait(const std::string& tenant) const {
  if (!Recovering(tenant)) return absl::OkStatus();
  const Recovery& r = recovering_.at(tenant);
  if (r.old.expired() && clock_->NowMs() >= r.retry_at_ms) return absl::OkStatus();
  return absl::UnavailableError(
      StrCat("TSDB is being reopened after a write error (", r.cause, "); retry later"));
}

void Ingester::ReopenRecoveringTenants() {
  const int64_t now = clock_->NowMs();
  std::vector<std::string> ready;
  {
    absl::MutexLock l(&mu_);
    std::erase_if(recovering_, [now](const auto& kv) {
      return !kv.second.waiting && kv.second.Forgotten(now);
    });
    for (const auto& [tenant, r] : recovering_) {
      if (r.waiting && RecoveryWait(tenant).ok()) ready.push_back(tenant);
    }
  }
  for (const std::string& tenant : ready) (void)GetOrOpen(tenant);
}

void Ingester::NoteFailedReopen(const std::string& tenant, const absl::Status& cause) {
  const int64_t now = clock_->NowMs();
  absl::MutexLock l(&mu_);
  if (Recovering(tenant)) recovering_.at(tenant).Fail(now, cause);
}

std::vector<std::shared_ptr<TenantDB>> Ingester::Tenants() const {
  absl::MutexLock l(&mu_);
  std::vector<std::shared_ptr<TenantDB>> out;
  for (const auto& [name, t] : tenants_) out.push_back(t);
  return out;
}

size_t Ingester::NumTenants() const {
  absl::MutexLock l(&mu_);
  return tenants_.size();
}

std::shared_ptr<TenantDB> Ingester::GetTenantForTesting(const std::string& tenant) {
  absl::MutexLock l(&mu_);
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? nullptr : it->second;
}

PushResult Ingester::Push(const std::string& tenant, std::span<const PushSeries> series) {
  PushResult res;
  std::shared_ptr<TenantDB> t;
  for (int attempt = 0; attempt < 2 && t == nullptr; attempt++) {
    auto opened = GetOrOpen(tenant);
    if (!opened.ok()) {
      // A full disk or a tenant being reopened: the client should retry (503); else a 500.
      const absl::Status& s = opened.status();
      const bool retry = absl::IsUnavailable(s) || absl::IsResourceExhausted(s);
      res.status =
          absl::Status(retry ? absl::StatusCode::kUnavailable : absl::StatusCode::kInternal,
                       StrCat("user=", tenant, ": ", s.message()));
      return res;
    }
    // A tenant closed as idle between lookup and admission: it is gone from the map, retry once.
    if ((*opened)->BeginPush()) t = *std::move(opened);
  }
  if (t == nullptr) {
    res.status = absl::UnavailableError(StrCat("user=", tenant, ": TSDB is closing"));
    return res;
  }
  if (absl::Status broken = t->db().head()->write_error(); !broken.ok()) {
    t->EndPush();
    StartRecovery(t, broken);
    res.status = absl::UnavailableError(StrCat("user=", tenant, ": ", broken.message()));
    return res;
  }
  const int64_t now = clock_->NowMs();
  auto app = t->db().Appender();
  for (const PushSeries& s : series) {
    for (const prompb::Sample& smp : s.samples) {
      storage::AppendResult r = app->Append(s.labels, smp.timestamp_ms, smp.value);
      if (storage::IsAccepted(r)) {
        res.appended++;
        continue;
      }
      Rejection rej = DescribeRejection(r, t->limits(), s.labels, smp.timestamp_ms);
      res.discarded[rej.reason]++;
      if (res.status.ok()) {
        res.status = absl::InvalidArgumentError(StrCat("user=", tenant, ": ", rej.message));
      }
    }
  }
  absl::Status committed = app->Commit();
  if (!committed.ok()) {
    // The log's state is unknown: nothing of this request may be acknowledged.
    res.status = absl::UnavailableError(StrCat("user=", tenant, ": ", committed.message()));
    counters_.ingested_samples_failures += res.appended;
    counters_.wal_writes_failed++;
    res.appended = 0;
  } else if (res.appended > 0) {
    t->set_last_update_ms(now);
    t->AddAppended(res.appended);
  }
  counters_.ingested_samples += res.appended;
  for (const auto& [reason, n] : res.discarded) counters_.ingested_samples_failures += n;
  t->EndPush();
  if (absl::Status broken = t->db().head()->write_error(); !broken.ok()) StartRecovery(t, broken);
  return res;
}

std::unique_ptr<storage::Querier> Ingester::Querier(const std::string& tenant, int64_t mint,
                                                    int64_t maxt) {
  std::shared_ptr<TenantDB> t;
  {
    absl::MutexLock l(&mu_);
    if (auto it = tenants_.find(tenant); it != tenants_.end()) t = it->second;
    // Closed after a write error: its data is on disk but not served until it is reopened.
    if (t == nullptr && Recovering(tenant)) {
      if (!RecoveryWait(tenant).ok()) return nullptr;
    } else if (t == nullptr) {
      return storage::MergeQueriers({});
    }
  }
  if (t == nullptr) {
    auto opened = GetOrOpen(tenant);
    if (!opened.ok()) return nullptr;
    t = *std::move(opened);
  }
  // The querier keeps the tenant alive (a close waits for nothing, but the DB is freed only when
  // the last shared_ptr goes).
  class Pinned final : public storage::Querier {
   public:
    Pinned(std::shared_ptr<TenantDB> t, std::unique_ptr<storage::Querier> q)
        : t_(std::move(t)), q_(std::move(q)) {}
    std::unique_ptr<storage::SeriesSet> Select(bool sorted, const storage::SelectHints& h,
                                               const std::vector<labels::Matcher>& m) override {
      return q_->Select(sorted, h, m);
    }
    absl::StatusOr<std::vector<std::string>> LabelValues(
        const std::string& n, const std::vector<labels::Matcher>& m) override {
      return q_->LabelValues(n, m);
    }
    absl::StatusOr<std::vector<std::string>> LabelNames(
        const std::vector<labels::Matcher>& m) override {
      return q_->LabelNames(m);
    }

   private:
    std::shared_ptr<TenantDB> t_;
    std::unique_ptr<storage::Querier> q_;
  };
  auto q = t->db().Querier(mint, maxt);
  return std::make_unique<Pinned>(std::move(t), std::move(q));
}

}  // namespace strata::ingester
