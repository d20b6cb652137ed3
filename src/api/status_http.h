// The one place where Status codes become HTTP status codes (docs/STYLE.md §3).
#ifndef STRATA_API_STATUS_HTTP_H_
#define STRATA_API_STATUS_HTTP_H_

#include "absl/status/status.h"
#include "api/http_types.h"

namespace strata::api {

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound 404,
// FailedPrecondition 422, ResourceExhausted 429, Unavailable/DeadlineExceeded/Cancelled 503,
// anything else 500.
int HttpStatusFor(const absl::Status& s);

// A plain-text error response (Cortex's push errors are plain text): the status's message.
HttpResponse ErrorResponse(const absl::Status& s);

}  // namespace strata::api

#endif  // STRATA_API_STATUS_HTTP_H_
