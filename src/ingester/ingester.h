// The ingester (Cortex pkg/ingester): one TSDB per tenant, opened lazily on the first push and
// reopened at start-up, and the lifecycle that gives memory back — periodic head compaction, idle
// compaction of BOTH the in-order and the out-of-order head, closing idle TSDBs, shipping blocks.
//
// Every loop step is a public Tick function taking the time from the injected Clock, so tests
// drive the lifecycle without sleeping; Start() runs the same ticks from background threads.
//
// Unlike Cortex, a push is never refused because its tenant is being compacted: the TSDB accepts
// appends during compaction (see tsdb::Head::SealBelow and docs/ARCHITECTURE.md §3).
#ifndef STRATA_INGESTER_INGESTER_H_
#define STRATA_INGESTER_INGESTER_H_

#include <atomic>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ingester/ingester_service.h"
#include "ingester/tenant_db.h"
#include "limits/limits.h"
#include "prompb/write_request.h"
#include "storage/storage.h"
#include "util/clock.h"
#include "util/fs.h"

namespace strata::ingester {

struct IngesterConfig {
  std::string tsdb_dir = "./data/tsdb";
  std::string bucket_dir = "./data/blocks";  // filesystem bucket; "" disables shipping
  int64_t block_range_ms = 2 * 3600 * 1000;
  int64_t retention_ms = 6 * 3600 * 1000;
  int64_t head_compaction_interval_ms = 60 * 1000;
  int head_compaction_concurrency = 5;
  int64_t head_compaction_idle_timeout_ms = 3600 * 1000;  // 0: off
  int64_t close_idle_tsdb_timeout_ms = 0;                 // 0: off
  int64_t close_idle_tsdb_interval_ms = 5 * 60 * 1000;    // Cortex's DefaultCloseIdleTSDBInterval
  int64_t ship_interval_ms = 60 * 1000;                   // 0: off
  bool flush_blocks_on_shutdown = false;
  int max_tsdb_opening_concurrency = 10;
  bool active_series_enabled = true;
  int64_t active_series_update_period_ms = 60 * 1000;
  int64_t active_series_idle_timeout_ms = 10 * 60 * 1000;
  size_t stripe_size = 32;
  size_t ooo_cap_max = 32;
  bool wal_compression = false;
  uint64_t wal_segment_bytes = 128ull << 20;
  // Random jitter fraction of the idle timeout, drawn once per tenant (Cortex: up to 25%).
  double idle_timeout_jitter = 0.25;
};

// Per-tenant figures for /ingester/all_user_stats and metrics.
struct UserStats {
  std::string tenant;
  uint64_t num_series = 0;
  uint64_t active_series = 0;
  uint64_t ooo_series = 0;
  uint64_t memory_bytes = 0;
  uint64_t loaded_blocks = 0;
  uint64_t wal_bytes = 0, wbl_bytes = 0;
  int64_t largest_metric_series = 0;  // see TenantDB::LargestMetricSeries
  double ingestion_rate = 0;  // samples/s over the last rate window
  uint64_t series_created = 0, series_removed = 0;  // since the TSDB was opened
  int64_t oldest_unshipped_block_ms = 0;            // 0: none, or shipping is off
  limits::Limits limits;                            // in force for the tenant
};

// Counters the server exports as Cortex metrics.
struct IngesterCounters {
  std::atomic<uint64_t> ingested_samples{0};
  std::atomic<uint64_t> ingested_samples_failures{0};
  std::atomic<uint64_t> compactions_triggered{0};
  std::atomic<uint64_t> compactions{0};
  std::atomic<uint64_t> compactions_failed{0};
  std::atomic<uint64_t> shipper_uploads{0};
  std::atomic<uint64_t> shipper_upload_failures{0};
  std::atomic<uint64_t> tsdb_opens{0};
  std::atomic<uint64_t> wal_corruptions{0};
  std::atomic<uint64_t> mmap_chunk_corruptions{0};
  std::atomic<uint64_t> corrupted_blocks{0};
  std::atomic<uint64_t> wal_writes_failed{0};        // commits refused by a write error
  std::atomic<uint64_t> reopens_after_write_error{0};
  std::map<std::string, uint64_t> idle_checks ABSL_GUARDED_BY(idle_checks_mu);  // result → count
  absl::Mutex idle_checks_mu;
};

class Ingester final : public IngesterService {
 public:
  // Reopens every tenant found in tsdb_dir (in parallel). REQUIRES: fs, clock and overrides
  // outlive the ingester.
  static absl::StatusOr<std::unique_ptr<Ingester>> Open(Fs* fs, IngesterConfig cfg,
                                                        const Clock* clock,
                                                        const limits::Overrides* overrides);
  ~Ingester() override;

  // Appends the samples of `series` for `tenant`, creating its TSDB if needed.
  PushResult Push(const std::string& tenant, std::span<const PushSeries> series) override;
  // A querier over the tenant's data; an empty querier for an unknown tenant.
  std::unique_ptr<storage::Querier> Querier(const std::string& tenant, int64_t mint,
                                            int64_t maxt) override;

  // Lifecycle steps (the background loops call these).
  void CompactionTick(bool force = false, const std::vector<std::string>& only_tenants = {});
  void RegularCompactionTick() { CompactionTick(false, {}); }
  void CloseIdleTick();
  void ShipTick();
  void ActiveSeriesTick();
  // Force-compacts (and ships) the given tenants, all if empty: /ingester/flush.
  void Flush(const std::vector<std::string>& tenants);

  // Background loops on real time; Stop ends them (and flushes first if configured).
  void Start();
  void Stop();

  std::vector<UserStats> AllUserStats();
  size_t NumTenants() const;
  IngesterCounters& counters() { return counters_; }
  std::shared_ptr<TenantDB> GetTenantForTesting(const std::string& tenant);

 private:
  Ingester(Fs* fs, IngesterConfig cfg, const Clock* clock, const limits::Overrides* overrides);
  absl::Status OpenExisting();
  absl::StatusOr<std::shared_ptr<TenantDB>> GetOrOpen(const std::string& tenant);
  // Write-error recovery. A TSDB whose WAL, WBL or head chunk file failed a write (disk full, a
  // failed fsync) refuses every commit from then on: its log may end in a torn record. The
  // tenant leaves the map (pushes and queries get 503) and is reopened, replaying its log, which
  // cuts the torn tail, once the old TSDB's last holder let go and a backoff passed (1 s,
  // doubling up to 1 min while failures repeat, so a disk that stays full costs few replays).
  void StartRecovery(const std::shared_ptr<TenantDB>& t, const absl::Status& cause);
  // Whether `tenant` was closed after a write error and not reopened yet.
  bool Recovering(const std::string& tenant) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // OK unless `tenant` must still wait to be reopened (then Unavailable, saying why).
  absl::Status RecoveryWait(const std::string& tenant) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reopens the tenants whose wait is over (a failure waits another backoff); forgets old ones.
  void ReopenRecoveringTenants();
  // A failed reopen of a recovering tenant waits another, longer backoff.
  void NoteFailedReopen(const std::string& tenant, const absl::Status& cause);
  absl::StatusOr<std::shared_ptr<TenantDB>> OpenTenant(const std::string& tenant);
  std::vector<std::shared_ptr<TenantDB>> Tenants() const;
  // Compacts one tenant per the regular / idle / forced rules; records counters. Returns whether
  // it was an idle or forced compaction (one that empties the head).
  bool CompactTenant(TenantDB& t, bool force);
  // One tenant's idle-close check; returns Cortex's result label.
  std::string MaybeCloseIdle(const std::shared_ptr<TenantDB>& t);
  absl::Status ShipTenant(TenantDB& t);
  void RunLoop(std::stop_token st, int64_t interval_ms, void (Ingester::*tick)());
  template <typename Fn>
  static void ForEachTenant(const std::vector<std::shared_ptr<TenantDB>>& tenants, int concurrency,
                            Fn fn);

  Fs* const fs_;
  const IngesterConfig cfg_;
  const Clock* const clock_;
  const limits::Overrides* const overrides_;
  IngesterCounters counters_;
  // TenantDBs destroyed since the last malloc_trim. Declared before tenants_, which it outlives.
  std::atomic<uint64_t> tenants_freed_{0};

  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<TenantDB>> tenants_ ABSL_GUARDED_BY(mu_);
  // Kept after the reopen (waiting = false) so that failures in a row back off further; forgotten
  // once quiet for 10 min.
  struct Recovery {
    std::weak_ptr<TenantDB> old;  // closed when its last holder lets go
    std::string cause;
    bool waiting = false;  // out of the map, not reopened yet
    int failures = 0;      // in a row: reset once 10 min pass without one
    int64_t last_failure_ms = 0;
    int64_t retry_at_ms = 0;
    // Counts a failure at `now` and sets the next retry: 1 s, doubling up to 1 min.
    void Fail(int64_t now, const absl::Status& error);
    bool Forgotten(int64_t now) const;
  };
  std::map<std::string, Recovery> recovering_ ABSL_GUARDED_BY(mu_);
  absl::Mutex open_mu_;  // serialises lazy creation so a tenant is opened once


  std::vector<std::jthread> loops_;
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
};

// Runs fn over the tenants with at most `concurrency` threads.
template <typename Fn>
void Ingester::ForEachTenant(const std::vector<std::shared_ptr<TenantDB>>& tenants, int concurrency,
                             Fn fn) {
  if (tenants.empty()) return;
  const size_t n = std::max<size_t>(1, std::min<size_t>(concurrency, tenants.size()));
  if (n == 1) {
    for (const auto& t : tenants) fn(t);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::jthread> workers;
  for (size_t w = 0; w < n; w++) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < tenants.size(); i = next++) fn(tenants[i]);
    });
  }
}

}  // namespace strata::ingester

#endif  // STRATA_INGESTER_INGESTER_H_
