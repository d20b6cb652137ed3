// HTTP routes of the write path and of ingester operations (ARCHITECTURE.md §4):
//   POST /api/v1/push, /api/v1/write, /api/prom/push   remote write 1.0
//   GET|POST /ingester/flush[?tenant=..&wait=true]      force-compact (+ ship); 204
//   POST /ingester/shutdown                             flush and stop; 204
//   GET /ingester/all_user_stats                        per-tenant series, memory, rate
#ifndef STRATA_API_WRITE_API_H_
#define STRATA_API_WRITE_API_H_

#include <functional>

#include "api/http_server.h"
#include "distributor/distributor.h"
#include "ingester/ingester.h"

namespace strata::api {

struct WriteApiDeps {
  distributor::Distributor* distributor = nullptr;
  ingester::Ingester* ingester = nullptr;
  bool auth_enabled = false;
  // Called by /ingester/shutdown after the flush: stops the process.
  std::function<void()> request_shutdown;
};

// Resolves the tenant of a request from X-Scope-OrgID (Cortex's rules); "fake" without auth.
absl::StatusOr<std::string> TenantOf(const HttpRequest& req, bool auth_enabled);

void RegisterWriteApi(HttpServer& server, WriteApiDeps deps);

}  // namespace strata::api

#endif  // STRATA_API_WRITE_API_H_
