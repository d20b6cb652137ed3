// One tenant's TSDB inside the ingester (Cortex userTSDB): the tsdb::DB plus what the lifecycle
// needs — last successful append, active series, series limits, a shipper, and a state that lets
// an idle close wait for in-flight pushes.
#ifndef STRATA_INGESTER_TENANT_DB_H_
#define STRATA_INGESTER_TENANT_DB_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "ingester/shipper.h"
#include "limits/limits.h"
#include "tsdb/db.h"

namespace strata::ingester {

class TenantDB final : public tsdb::head::SeriesLifecycle {
 public:
  // Opens (creating) the TSDB in `dir`. `limits` must outlive the TenantDB. `shipper` may be null.
  static absl::StatusOr<std::unique_ptr<TenantDB>> Open(Fs* fs, std::string tenant, std::string dir,
                                                        tsdb::DBOptions opts,
                                                        const limits::Limits* limits,
                                                        const Clock* clock,
                                                        std::unique_ptr<Shipper> shipper,
                                                        int64_t idle_timeout_ms);
  ~TenantDB() override;

  const std::string& tenant() const { return tenant_; }
  const std::string& dir() const { return dir_; }
  tsdb::DB& db() { return *db_; }
  // Series that received a sample within the active-series idle timeout, as of the last
  // Ingester::ActiveSeriesTick (Cortex updates its gauge on the same period).
  uint64_t active_series() const { return active_series_.load(std::memory_order_relaxed); }
  void set_active_series(uint64_t n) { active_series_.store(n, std::memory_order_relaxed); }
  Shipper* shipper() { return shipper_.get(); }
  const limits::Limits& limits() const { return *limits_; }

  int64_t last_update_ms() const { return last_update_ms_.load(); }
  void set_last_update_ms(int64_t t) { last_update_ms_.store(t); }
  // Idle timeout for forced compaction with this tenant's jitter applied.
  int64_t idle_timeout_ms() const { return idle_timeout_ms_; }
  bool IsIdle(int64_t now_ms, int64_t timeout_ms) const {
    return timeout_ms > 0 && last_update_ms() + timeout_ms < now_ms;
  }

  // Push admission: false once closing started (the caller answers 503 and the client retries).
  bool BeginPush();
  void EndPush();
  // Refuses new pushes and waits for in-flight ones. Returns false if already closing.
  bool StartClosing();
  // Admits pushes again after a StartClosing that turned out premature.
  void AbortClosing();

  // SeriesLifecycle: per-user and per-metric series limits (Cortex PreCreation/PostDeletion),
  // and the created/removed counters.
  storage::AppendResult PreCreation(const labels::Labels& lset, size_t num_series) override;
  void PostCreation(const labels::Labels& lset, bool replayed) override;
  void CreationAborted(const labels::Labels& lset) override;
  void PostDeletion(const labels::Labels& lset) override;
  uint64_t series_created() const { return series_created_.load(); }
  // In-memory series of the tenant's largest metric name (0 when max_series_per_metric is off):
  // how close the tenant is to the per-metric limit.
  int64_t LargestMetricSeries();
  uint64_t series_removed() const { return series_removed_.load(); }

  // Samples appended since the last call (for the ingestion rate).
  uint64_t TakeAppendedSamples() { return appended_since_.exchange(0); }
  void AddAppended(uint64_t n) { appended_since_.fetch_add(n, std::memory_order_relaxed); }
  double ingestion_rate() const { return rate_.load(); }
  void set_ingestion_rate(double r) { rate_.store(r); }

 private:
  TenantDB(std::string tenant, std::string dir, const limits::Limits* limits,
           std::unique_ptr<Shipper> shipper, int64_t idle_timeout_ms)
      : tenant_(std::move(tenant)), dir_(std::move(dir)), limits_(limits),
        shipper_(std::move(shipper)), idle_timeout_ms_(idle_timeout_ms) {}

  const std::string tenant_;
  const std::string dir_;
  const limits::Limits* const limits_;
  std::unique_ptr<Shipper> shipper_;
  const int64_t idle_timeout_ms_;
  std::unique_ptr<tsdb::DB> db_;
  std::atomic<uint64_t> active_series_{0};
  std::atomic<int64_t> last_update_ms_{0};
  std::atomic<uint64_t> appended_since_{0};
  std::atomic<double> rate_{0};
  std::atomic<uint64_t> series_created_{0};
  std::atomic<uint64_t> series_removed_{0};

  absl::Mutex push_mu_;
  int pushes_in_flight_ ABSL_GUARDED_BY(push_mu_) = 0;
  bool closing_ ABSL_GUARDED_BY(push_mu_) = false;

  absl::Mutex metric_mu_;
  absl::flat_hash_map<std::string, int64_t> series_per_metric_ ABSL_GUARDED_BY(metric_mu_);
  // Moves a metric's count by `delta` (dropping it at zero); no-op when the limit is off.
  void CountMetricSeries(const labels::Labels& lset, int delta);
};

}  // namespace strata::ingester

#endif  // STRATA_INGESTER_TENANT_DB_H_
