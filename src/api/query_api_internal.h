// Shared by the handler files of the query API (query_api.cc, query_api_series.cc); not for
// use elsewhere.
#ifndef STRATA_API_QUERY_API_INTERNAL_H_
#define STRATA_API_QUERY_API_INTERNAL_H_

#include <string>
#include <string_view>

#include "api/api_response.h"
#include "api/http_types.h"
#include "api/query_api.h"

namespace strata::api::query_internal {

// What every handler reads; immutable once registered, shared by all requests.
struct Env {
  QueryApiDeps deps;
  const Clock* clock;  // deps.clock or the real clock
};

inline HttpResponse Fail(const ApiError& e) { return ApiErrorResponse(e); }

// The handlers of the data endpoints. `tenant` is the resolved X-Scope-OrgID.
HttpResponse HandleSeries(const Env& env, const HttpRequest& req, const std::string& tenant);
HttpResponse HandleLabels(const Env& env, const HttpRequest& req, const std::string& tenant);
// `name` is the <name> of /label/<name>/values, still unvalidated.
HttpResponse HandleLabelValues(const Env& env, const HttpRequest& req, const std::string& tenant,
                               std::string_view name);

}  // namespace strata::api::query_internal

#endif  // STRATA_API_QUERY_API_INTERNAL_H_
