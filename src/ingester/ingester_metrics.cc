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

// The plain counter families, each with the IngesterCounters field it reports.
struct CounterFamily {
  Desc desc;
  std::atomic<uint64_t> IngesterCounters::*field;
};

std::vector<CounterFamily> CounterFamilies() {
  auto c = [](const char* name, const char* help) {
    return Desc{name, help, MetricType::kCounter, {}};
  };
  return {
      {c("cortex_ingester_ingested_samples_total",
         "The total number of samples ingested successfully."),
       &IngesterCounters::ingested_samples},
      {c("cortex_ingester_ingested_samples_failures_total",
         "The total number of samples that errored on ingestion."),
       &IngesterCounters::ingested_samples_failures},
      {c("cortex_ingester_tsdb_compactions_triggered_total",
         "Total number of triggered compactions."),
       &IngesterCounters::compactions_triggered},
      {c("cortex_ingester_tsdb_compactions_total",
         "Total number of TSDB compactions that were executed."),
       &IngesterCounters::compactions},
      {c("cortex_ingester_tsdb_compactions_failed_total",
         "Total number of compactions that failed."),
       &IngesterCounters::compactions_failed},
      {c("cortex_ingester_shipper_uploads_total", "Total number of uploaded blocks."),
       &IngesterCounters::shipper_uploads},
      {c("cortex_ingester_shipper_upload_failures_total", "Total number of block upload failures."),
       &IngesterCounters::shipper_upload_failures},
      {c("cortex_ingester_tsdb_wal_corruptions_total",
         "Total number of WAL, WBL or head chunk corruptions repaired at open."),
       &IngesterCounters::wal_corruptions},
      {c("cortex_ingester_tsdb_mmap_chunk_corruptions_total",
         "Total number of memory-mapped head chunk files found corrupt (and cut off) at open."),
       &IngesterCounters::mmap_chunk_corruptions},
      {c("strata_ingester_tsdb_corrupted_blocks_total",
         "Total number of blocks found damaged (at open or by a query) and set aside (renamed "
         "<ULID>.corrupted, not served)."),
       &IngesterCounters::corrupted_blocks},
      {c("cortex_ingester_tsdb_wal_writes_failed_total",
         "Total number of commits refused because the WAL, WBL or a head chunk file failed a "
         "write."),
       &IngesterCounters::wal_writes_failed},
      {c("strata_ingester_tsdb_reopens_after_write_error_total",
         "Total number of times a tenant's TSDB was closed after a write error, to be reopened "
         "(replaying its log) when the backoff passes."),
       &IngesterCounters::reopens_after_write_error},
  };
}

// Reported after the plain families, by result.
Desc IdleChecksDesc() {
  return {"cortex_ingester_idle_tsdb_checks_total",
          "The total number of various results for idle TSDB checks.", MetricType::kCounter,
          {"result"}};
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
  std::vector<CounterFamily> families = CounterFamilies();
  std::vector<Desc> descs;
  for (const CounterFamily& f : families) descs.push_back(f.desc);
  descs.push_back(IdleChecksDesc());
  return registry->NewCollector(descs, [ing, families](metrics::CollectSink& sink) {
    IngesterCounters& c = ing->counters();
    for (size_t i = 0; i < families.size(); i++) sink.Add(i, {}, (c.*families[i].field).load());
    absl::MutexLock l(&c.idle_checks_mu);
    for (const auto& [result, n] : c.idle_checks) sink.Add(families.size(), {result}, n);
  });
}

}  // namespace strata::ingester
