// The envelope of every Prometheus HTTP API response (web/api/v1 respond/respondError):
//   {"status":"success","data":<data>[,"warnings":["..."]]}
//   {"status":"error","errorType":"bad_data","error":"<message>"}
// and the mapping from error types to HTTP status codes. Clients (Grafana, promtool, the Go and
// Python clients) read errorType and error, so both are Prometheus's words exactly.
#ifndef STRATA_API_API_RESPONSE_H_
#define STRATA_API_API_RESPONSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "api/http_types.h"

namespace strata::api {

enum class ApiErrorType {
  kBadData,      // "bad_data", 400: a bad parameter
  kExecution,    // "execution", 422: the query or storage failed
  kTimeout,      // "timeout", 503
  kCanceled,     // "canceled", 503
  kInternal,     // "internal", 500: storage errors during evaluation
  kUnavailable,  // "unavailable", 500 (Prometheus has no special code for it)
  kNotFound,     // "not_found", 404
};

// "bad_data", "execution", ...
std::string_view ApiErrorTypeName(ApiErrorType t);
// The HTTP status Prometheus answers an error type with.
int ApiErrorHttpStatus(ApiErrorType t);

struct ApiError {
  ApiErrorType type;
  std::string message;
};

// `invalid parameter "<name>": <cause>` (Prometheus invalidParamError; the name quoted like Go's
// %q), as bad_data.
ApiError InvalidParamError(std::string_view name, std::string_view cause);
// The same with a Status's message as the cause.
ApiError InvalidParamError(std::string_view name, const absl::Status& cause);

// The error type of a failed PromQL evaluation (Prometheus returnAPIError): Cancelled →
// canceled, DeadlineExceeded → timeout, the engine's own errors (InvalidArgument,
// FailedPrecondition, ResourceExhausted, OutOfRange) → execution, anything else (storage) →
// internal.
ApiError QueryExecError(const absl::Status& s);

// 200, application/json, {"status":"success","data":<data_json>} plus "warnings" when there are
// any. `data_json` must be valid JSON.
HttpResponse ApiSuccessResponse(std::string_view data_json,
                                const std::vector<std::string>& warnings = {});

// The same in two steps, for large data written straight into the body (no copy):
//   std::string body = StartSuccessBody();
//   AppendQueryData(&body, value);
//   return FinishSuccessResponse(std::move(body), warnings);
std::string StartSuccessBody();
HttpResponse FinishSuccessResponse(std::string body, const std::vector<std::string>& warnings);

// The error envelope with the status code of its type.
HttpResponse ApiErrorResponse(const ApiError& e);

// Adds the CORS headers Prometheus sets when a request carries an Origin header (with its
// default --web.cors.origin '.*', which answers with Access-Control-Allow-Origin: *).
void SetCorsHeaders(const HttpRequest& req, HttpResponse* resp);

}  // namespace strata::api

#endif  // STRATA_API_API_RESPONSE_H_
