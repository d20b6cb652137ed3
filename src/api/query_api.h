// The Prometheus HTTP query API (Prometheus 2.42 web/api/v1), per tenant, registered both
// under /api/v1 and under Cortex's /prometheus/api/v1:
//   GET|POST query, query_range, series, labels, format_query
//   GET      label/<name>/values, metadata, status/buildinfo
// Parameters come from the query string and from form-encoded POST bodies. Responses are
// Prometheus's JSON byte for byte (query_json.h, api_response.h); errors carry its errorType,
// message and status code. OPTIONS answers 204, and requests with an Origin header get
// Prometheus's CORS headers.
//
// Tenancy: the tenant comes from X-Scope-OrgID (TenantOf, Cortex's rules); a request without a
// valid one is refused as the write path refuses it (401 "no org id"). Every read of a request
// goes to IngesterService::Querier of that tenant only, so a tenant never sees another's data.
// status/buildinfo and format_query read no data and need no tenant.
//
// Not implemented: the `stats` parameter (ignored), query_exemplars, gzip responses.
#ifndef STRATA_API_QUERY_API_H_
#define STRATA_API_QUERY_API_H_

#include <string>

#include "api/http_server.h"
#include "ingester/ingester_service.h"
#include "promql/engine.h"
#include "util/clock.h"

namespace strata::api {

// What /status/buildinfo reports (Prometheus's PrometheusVersion fields).
struct BuildInfo {
  std::string version = "strata";
  std::string revision;
  std::string branch;
  std::string build_user;
  std::string build_date;
  // Prometheus reports its Go version here; we report the compiler that built us.
  std::string go_version;
};

struct QueryApiDeps {
  // Serves every read. Not owned; must outlive the server's handlers.
  ingester::IngesterService* ingester = nullptr;
  // Evaluates queries; a `timeout` parameter only shortens its timeout. Not owned; must outlive
  // the server's handlers.
  const promql::Engine* engine = nullptr;
  // Whether X-Scope-OrgID is required (else requests without it are tenant "fake").
  bool auth_enabled = false;
  // The "now" of queries without a time parameter. nullptr: the real clock. Not owned.
  const Clock* clock = nullptr;
  BuildInfo build_info;
};

// Registers the routes above on `server`. REQUIRES: before server.Start(); deps.ingester and
// deps.engine non-null; none of the paths registered before.
void RegisterQueryApi(HttpServer& server, QueryApiDeps deps);

}  // namespace strata::api

#endif  // STRATA_API_QUERY_API_H_
