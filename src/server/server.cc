#include "server/server.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/query_api.h"
#include "api/status_http.h"
#include "api/write_api.h"
#include "ingester/ingester_metrics.h"
#include "metrics/process_collector.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::server {

ingester::IngesterConfig IngesterConfigFrom(const Config& cfg) {
  const TsdbConfig& t = cfg.blocks_storage.tsdb;
  ingester::IngesterConfig ic;
  ic.tsdb_dir = t.dir;
  ic.bucket_dir = cfg.blocks_storage.filesystem.dir;
  ic.block_range_ms = t.block_range_ms();
  ic.retention_ms = t.retention_period_ms;
  ic.head_compaction_interval_ms = t.head_compaction_interval_ms;
  ic.head_compaction_concurrency = static_cast<int>(t.head_compaction_concurrency);
  ic.head_compaction_idle_timeout_ms = t.head_compaction_idle_timeout_ms;
  ic.close_idle_tsdb_timeout_ms = t.close_idle_tsdb_timeout_ms;
  // Cortex checks every 5 minutes; a shorter timeout is checked more often so a tenant closes
  // soon after it became idle.
  ic.close_idle_tsdb_interval_ms =
      std::min<int64_t>(5 * kMinuteMs, std::max<int64_t>(kSecondMs, t.close_idle_tsdb_timeout_ms / 2));
  ic.ship_interval_ms = t.ship_interval_ms;
  ic.flush_blocks_on_shutdown = t.flush_blocks_on_shutdown;
  ic.max_tsdb_opening_concurrency = static_cast<int>(t.max_tsdb_opening_concurrency_on_startup);
  ic.active_series_enabled = cfg.ingester.active_series_metrics_enabled;
  ic.active_series_update_period_ms = cfg.ingester.active_series_metrics_update_period_ms;
  ic.active_series_idle_timeout_ms = cfg.ingester.active_series_metrics_idle_timeout_ms;
  ic.stripe_size = static_cast<size_t>(t.stripe_size);
  ic.ooo_cap_max = static_cast<size_t>(t.out_of_order_cap_max);
  ic.wal_compression = t.wal_compression_type == "snappy";
  ic.wal_segment_bytes = static_cast<uint64_t>(t.wal_segment_size_bytes);
  return ic;
}

absl::StatusOr<std::unique_ptr<Server>> Server::Create(Config cfg, Fs* fs, const Clock* clock) {
  RETURN_IF_ERROR(Validate(cfg));
  return std::unique_ptr<Server>(new Server(std::move(cfg), fs, clock));
}

Server::~Server() { Stop(); }

void Server::RegisterOpsRoutes() {
  http_->Handle("/ready", [this](const api::HttpRequest&) {
    return ready_ ? api::TextResponse(200, "ready\n") : api::TextResponse(503, "not ready\n");
  });
  http_->Handle("/config", [this](const api::HttpRequest&) {
    return api::HttpResponse{200, "text/plain; charset=utf-8", ToYaml(cfg_), {}};
  });
  http_->Handle("/metrics", [this](const api::HttpRequest&) {
    return api::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                             registry_.TextExposition(), {}};
  });
}

absl::StatusOr<int> Server::Start() {
  log::Info("Starting Strata", {{"target", cfg_.target}});
  RETURN_IF_ERROR(metrics::RegisterProcessCollector(&registry_));
  ASSIGN_OR_RETURN(ingester_, ingester::Ingester::Open(fs_, IngesterConfigFrom(cfg_), clock_,
                                                       &overrides_));
  RETURN_IF_ERROR(ingester::RegisterIngesterMetrics(ingester_.get(), &registry_));
  distributor::DistributorConfig dc;
  dc.max_recv_msg_size = static_cast<size_t>(cfg_.distributor.max_recv_msg_size);
  distributor_ = std::make_unique<distributor::Distributor>(dc, ingester_.get(), &overrides_,
                                                            clock_, &registry_);

  api::HttpServerOptions ho;
  ho.max_body_bytes = static_cast<uint64_t>(cfg_.distributor.max_recv_msg_size);
  ho.idle_timeout_ms = cfg_.server.http_server_idle_timeout_ms;
  ho.header_timeout_ms = cfg_.server.http_server_read_timeout_ms;
  ho.body_timeout_ms = cfg_.server.http_server_read_timeout_ms;
  ho.write_timeout_ms = cfg_.server.http_server_write_timeout_ms;
  ho.shutdown_timeout_ms = cfg_.server.graceful_shutdown_timeout_ms;
  http_ = std::make_unique<api::HttpServer>(ho);
  ASSIGN_OR_RETURN(auto* durations,
                   registry_.NewHistogramFamily(
                       "cortex_request_duration_seconds",
                       "Time (in seconds) spent serving HTTP requests.",
                       {"method", "route", "status_code", "ws"},
                       {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}));
  http_->Instrument(durations);
  api::WriteApiDeps wd;
  wd.distributor = distributor_.get();
  wd.ingester = ingester_.get();
  wd.auth_enabled = cfg_.auth_enabled;
  wd.request_shutdown = [this] { RequestShutdown(); };
  api::RegisterWriteApi(*http_, wd);
  promql::EngineOptions eo;
  eo.lookback_delta_ms = cfg_.querier.lookback_delta_ms;
  eo.max_samples = cfg_.querier.max_samples;
  eo.timeout_ms = cfg_.querier.timeout_ms;
  eo.range_query_parts = static_cast<int>(cfg_.querier.range_query_parts);
  if (eo.range_query_parts == 0) {
    eo.range_query_parts = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  engine_ = std::make_unique<promql::Engine>(eo);
  api::QueryApiDeps qd;
  qd.ingester = ingester_.get();
  qd.engine = engine_.get();
  qd.auth_enabled = cfg_.auth_enabled;
  qd.clock = clock_;
  api::RegisterQueryApi(*http_, qd);
  RegisterOpsRoutes();
  ASSIGN_OR_RETURN(int port, http_->Start(cfg_.server.http_listen_address,
                                          static_cast<int>(cfg_.server.http_listen_port)));
  ingester_->Start();
  StartTenantCleanup();
  ready_ = true;
  log::Info("Strata started", {{"http_listen_port", StrCat(port)}});
  return port;
}

void Server::StartTenantCleanup() {
  tenant_cleanup_ = std::jthread([this](std::stop_token st) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lk(m);
    for (;;) {
      cv.wait_for(lk, st, std::chrono::minutes(1), [] { return false; });
      if (st.stop_requested()) return;
      distributor_->PurgeInactiveTenants(distributor::kInactiveTenantTimeoutMs);
    }
  });
}

void Server::RequestShutdown() {
  absl::MutexLock l(&shutdown_mu_);
  shutdown_requested_ = true;
}

void Server::WaitForShutdownRequest() {
  absl::MutexLock l(&shutdown_mu_);
  shutdown_mu_.Await(absl::Condition(&shutdown_requested_));
}

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  ready_ = false;
  log::Info("Stopping Strata");
  if (http_ != nullptr) http_->Stop();
  if (tenant_cleanup_.joinable()) {
    tenant_cleanup_.request_stop();
    tenant_cleanup_.join();
  }
  if (ingester_ != nullptr) ingester_->Stop();
  log::Info("Strata stopped");
}

}  // namespace strata::server
