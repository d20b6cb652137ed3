#include "ingester/ingester_metrics.h"

#include "util/status_macros.h"

namespace strata::ingester {
namespace {

using metrics::Desc;
using metrics::MetricType;

// Index of each family in the per-tenant collector below.
enum PerTenant : size_t {
  kMemorySeries,
  kMemoryUsers,
  kActiveSeries,
  kTenantMemory,
  kOOOSeries,
  kIngestionRate,
  kBlocksLoaded,
  kSeriesCreated,
  kSeriesRemoved,
  kOldestUnshipped,
  kOverrides,
  kWalBytes,
  kWblBytes,
  kLargestMetric,
};

std::vector<Desc> PerTenantDescs() {
  return {
      {"cortex_ingester_memory_series", "The current number of series in memory.",
       MetricType::kGauge, {}},
      {"cortex_ingester_memory_users", "The current number of users in memory.",
       MetricType::kGauge, {}},
      {"cortex_ingester_active_series", "Number of currently active series per user.",
       MetricType::kGauge, {"user"}},
      {"strata_ingester_tenant_memory_bytes",
       "Bytes of memory held by the tenant's TSDB head (series, labels, postings, open in-order "
       "and out-of-order chunks) and active-series tracker.",
       MetricType::kGauge, {"user"}},
      {"strata_ingester_ooo_head_series",
       "Series of the tenant holding out-of-order data not yet compacted.", MetricType::kGauge,
       {"user"}},
      {"cortex_ingester_ingestion_rate_samples_per_second",
       "Ingestion rate of the user over the last active-series update period.",
       MetricType::kGauge, {"user"}},
      {"cortex_ingester_tsdb_blocks_loaded", "Number of currently loaded data blocks.",
       MetricType::kGauge, {"user"}},
      // Per open TSDB, so they go with the tenant when it closes (as Cortex removes them).
      {"cortex_ingester_memory_series_created_total",
       "The total number of series that were created per user.", MetricType::kCounter, {"user"}},
      {"cortex_ingester_memory_series_removed_total",
       "The total number of series that were removed per user.", MetricType::kCounter, {"user"}},
      {"cortex_ingester_oldest_unshipped_block_timestamp_seconds",
       "Unix timestamp of the oldest TSDB block not shipped to the storage yet. 0 if ingester has "
       "no blocks or all blocks have been shipped.",
       MetricType::kGauge, {"user"}},
      // Cortex's overrides-exporter metric: the limits in force, so alerts can compare usage.
      {"cortex_overrides", "Resource limit overrides applied to tenants", MetricType::kGauge,
       {"limit_name", "user"}},
      {"cortex_ingester_tsdb_wal_storage_size_bytes",
       "Size of the tenant's write log directory (checkpoints included) in bytes.",
       MetricType::kGauge, {"user"}},
      {"cortex_ingester_tsdb_out_of_order_wbl_storage_size_bytes",
       "Size of the tenant's out-of-order write-behind log directory in bytes.",
       MetricType::kGauge, {"user"}},
      {"strata_ingester_largest_metric_series",
       "In-memory series of the tenant's metric name with the most series (compare with "
       "max_series_per_metric; 0 when that limit is off).",
       MetricType::kGauge, {"user"}},
  };
}

std::vector<Desc> CounterDescs() {
  return {
      {"cortex_ingester_ingested_samples_total",
       "The total number of samples ingested successfully.", MetricType::kCounter, {}},
      {"cortex_ingester_ingested_samples_failures_total",
       "The total number of samples that errored on ingestion.", MetricType::kCounter, {}},
      {"cortex_ingester_tsdb_compactions_triggered_total",
       "Total number of triggered compactions.", MetricType::kCounter, {}},
      {"cortex_ingester_tsdb_compactions_total", "Total number of TSDB compactions that were executed.",
       MetricType::kCounter, {}},
      {"cortex_ingester_tsdb_compactions_failed_total",
       "Total number of compactions that failed.", MetricType::kCounter, {}},
      {"cortex_ingester_shipper_uploads_total", "Total number of uploaded blocks.",
       MetricType::kCounter, {}},
      {"cortex_ingester_shipper_upload_failures_total",
       "Total number of block upload failures.", MetricType::kCounter, {}},
      {"cortex_ingester_tsdb_wal_corruptions_total",
       "Total number of WAL, WBL or head chunk corruptions repaired at open.",
       MetricType::kCounter, {}},
      {"cortex_ingester_tsdb_mmap_chunk_corruptions_total",
       "Total number of memory-mapped head chunk files found corrupt (and cut off) at open.",
       MetricType::kCounter, {}},
      {"strata_ingester_tsdb_corrupted_blocks_total",
       "Total number of blocks found damaged (at open or by a query) and set aside (renamed "
       "<ULID>.corrupted, not served).",
       MetricType::kCounter, {}},
      {"cortex_ingester_tsdb_wal_writes_failed_total",
       "Total number of commits refused because the WAL, WBL or a head chunk file failed a write.",
       MetricType::kCounter, {}},
      {"strata_ingester_tsdb_reopens_after_write_error_total",
       "Total number of times a tenant's TSDB was closed after a write error, to be reopened "
       "(replaying its log) when the backoff passes.",
       MetricType::kCounter, {}},
      {"cortex_ingester_idle_tsdb_checks_total",
       "The total number of various results for idle TSDB checks.", MetricType::kCounter,
       {"result"}},
  };
}

}  // namespace

absl::Status RegisterIngesterMetrics(Ingester* ing, metrics::Registry* registry) {
  RETURN_IF_ERROR(registry->NewCollector(PerTenantDescs(), [ing](metrics::CollectSink& sink) {
    const std::vector<UserStats> stats = ing->AllUserStats();
    double series = 0;
    for (const UserStats& u : stats) {
      series += u.num_series;
      sink.Add(kActiveSeries, {u.tenant}, u.active_series);
      sink.Add(kTenantMemory, {u.tenant}, u.memory_bytes);
      sink.Add(kOOOSeries, {u.tenant}, u.ooo_series);
      sink.Add(kIngestionRate, {u.tenant}, u.ingestion_rate);
      sink.Add(kBlocksLoaded, {u.tenant}, u.loaded_blocks);
      sink.Add(kSeriesCreated, {u.tenant}, u.series_created);
      sink.Add(kSeriesRemoved, {u.tenant}, u.series_removed);
      sink.Add(kOldestUnshipped, {u.tenant}, u.oldest_unshipped_block_ms / 1000.0);
      sink.Add(kOverrides, {"max_series_per_user", u.tenant}, u.limits.max_series_per_user);
      sink.Add(kOverrides, {"max_series_per_metric", u.tenant}, u.limits.max_series_per_metric);
      sink.Add(kOverrides, {"ingestion_rate", u.tenant}, u.limits.ingestion_rate);
      sink.Add(kOverrides, {"ingestion_burst_size", u.tenant}, u.limits.ingestion_burst_size);
      sink.Add(kWalBytes, {u.tenant}, u.wal_bytes);
      sink.Add(kWblBytes, {u.tenant}, u.wbl_bytes);
      sink.Add(kLargestMetric, {u.tenant}, u.largest_metric_series);
    }
    sink.Add(kMemorySeries, {}, series);
    sink.Add(kMemoryUsers, {}, stats.size());
  }));
  return registry->NewCollector(CounterDescs(), [ing](metrics::CollectSink& sink) {
    IngesterCounters& c = ing->counters();
    sink.Add(0, {}, c.ingested_samples.load());
    sink.Add(1, {}, c.ingested_samples_failures.load());
    sink.Add(2, {}, c.compactions_triggered.load());
    sink.Add(3, {}, c.compactions.load());
    sink.Add(4, {}, c.compactions_failed.load());
    sink.Add(5, {}, c.shipper_uploads.load());
    sink.Add(6, {}, c.shipper_upload_failures.load());
    sink.Add(7, {}, c.wal_corruptions.load());
    sink.Add(8, {}, c.mmap_chunk_corruptions.load());
    sink.Add(9, {}, c.corrupted_blocks.load());
    sink.Add(10, {}, c.wal_writes_failed.load());
    sink.Add(11, {}, c.reopens_after_write_error.load());
    absl::MutexLock l(&c.idle_checks_mu);
    for (const auto& [result, n] : c.idle_checks) sink.Add(12, {result}, n);
  });
}

}  // namespace strata::ingester
