// Wires one Strata process (ARCHITECTURE.md §1): ingester, distributor, HTTP API, metrics, and the
// lifecycle loops, from a Config. With target "all" (the default) every role runs here.
#ifndef STRATA_SERVER_SERVER_H_
#define STRATA_SERVER_SERVER_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "api/http_server.h"
#include "distributor/distributor.h"
#include "ingester/ingester.h"
#include "metrics/registry.h"
#include "promql/engine.h"
#include "server/config.h"
#include "util/clock.h"
#include "util/fs.h"

namespace strata::server {

class Server {
 public:
  // REQUIRES: fs and clock outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Create(Config cfg, Fs* fs, const Clock* clock);
  ~Server();

  // Opens the tenants' TSDBs (WAL replay), starts the loops and the HTTP listener. Returns the
  // bound port.
  absl::StatusOr<int> Start();
  // Blocks until RequestShutdown (SIGTERM/SIGINT or /ingester/shutdown).
  void WaitForShutdownRequest();
  void RequestShutdown();
  // Stops accepting requests, lets in-flight ones finish, flushes if configured, syncs logs.
  void Stop();

  ingester::Ingester* ingester() { return ingester_.get(); }
  metrics::Registry* registry() { return &registry_; }

 private:
  Server(Config cfg, Fs* fs, const Clock* clock)
      : cfg_(std::move(cfg)), fs_(fs), clock_(clock), overrides_(cfg_.MakeOverrides()) {}
  void RegisterOpsRoutes();
  // Once a minute, the distributor forgets tenants that stopped pushing (their rate-limiter
  // bucket and per-user metrics).
  void StartTenantCleanup();

  const Config cfg_;
  Fs* const fs_;
  const Clock* const clock_;
  const limits::Overrides overrides_;
  metrics::Registry registry_;
  std::unique_ptr<ingester::Ingester> ingester_;
  std::unique_ptr<distributor::Distributor> distributor_;
  std::unique_ptr<promql::Engine> engine_;
  std::unique_ptr<api::HttpServer> http_;
  std::jthread tenant_cleanup_;
  std::atomic<bool> ready_{false};

  absl::Mutex shutdown_mu_;
  bool shutdown_requested_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  bool stopped_ = false;
};

// The ingester settings of a Config.
ingester::IngesterConfig IngesterConfigFrom(const Config& cfg);

}  // namespace strata::server

#endif  // STRATA_SERVER_SERVER_H_
