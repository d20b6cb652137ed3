// The request and response values that HttpServer hands to handlers, and the small pure helpers
// around them (URL decoding, form parsing, canned responses). No Boost here: every module that
// registers handlers includes this header, so it must stay cheap to compile.
#ifndef STRATA_API_HTTP_TYPES_H_
#define STRATA_API_HTTP_TYPES_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::api {

// Orders header names ignoring ASCII case, so lookups need not know how the client spelled them.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

// Header name → value. A name sent several times keeps every value, in arrival order.
using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;
// Decoded parameter name → decoded value. Repeated names (match[]) keep every value in order.
using ParamMap = std::multimap<std::string, std::string, std::less<>>;

struct HttpRequest {
  std::string method;     // As sent, e.g. "GET", "POST".
  std::string target;     // The raw request target, e.g. "/api/v1/query?query=up".
  std::string path;       // The percent-decoded path of the target ('+' stays '+').
  std::string raw_query;  // The target after '?', undecoded; empty if none.
  // Query parameters and, for POST/PUT/PATCH with Content-Type
  // application/x-www-form-urlencoded, the body's form parameters. As in Go's Request.Form
  // (which the Prometheus API uses), body values come first, so Param() prefers them.
  ParamMap params;
  HeaderMap headers;
  std::string body;         // Exactly the bytes sent (form bodies are kept too).
  std::string remote_addr;  // "ip:port" of the peer.

  // The first value of header `name` (any case), or "" if absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const { return headers.count(name) > 0; }
  // The first value of parameter `name`, or "" if absent.
  std::string_view Param(std::string_view name) const;
  bool HasParam(std::string_view name) const { return params.count(name) > 0; }
  // Every value of parameter `name`, in order (body values, then query values).
  std::vector<std::string_view> Params(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // Sent as Content-Type unless empty.
  std::string body;          // Content-Length is always set from it.
  // Extra headers, sent as given. Do not set Content-Length or Connection: the server owns them.
  std::vector<std::pair<std::string, std::string>> headers;

  HttpResponse& AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Serves one request. HttpServer runs it on a worker thread, so it may block; it must be
// thread-safe (it runs for many requests at once) and must eventually return.
using HttpHandler = std::function<HttpResponse(const HttpRequest& req)>;

inline constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
inline constexpr std::string_view kApplicationJson = "application/json";

// A text/plain response.
HttpResponse TextResponse(int status, std::string body);
// 404 with Go's text ("404 page not found\n"), which is what Prometheus answers for unknown paths.
HttpResponse NotFoundResponse();
// 405 listing `allowed` in the Allow header, e.g. MethodNotAllowedResponse({"GET", "POST"}).
HttpResponse MethodNotAllowedResponse(std::initializer_list<std::string_view> allowed);
// For handlers: nullopt if req.method is one of `allowed`, else the 405 response to return.
//   if (auto r = CheckMethod(req, {"GET", "POST"})) return *r;
std::optional<HttpResponse> CheckMethod(const HttpRequest& req,
                                        std::initializer_list<std::string_view> allowed);

// Decodes %XX escapes; with `plus_is_space` (query strings and forms) also '+' → ' '.
// InvalidArgument on a '%' not followed by two hex digits.
absl::StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Parses "a=1&b=x%20y&a=2" into `out` (appending; order kept). Empty segments are skipped and a
// segment without '=' has an empty value. InvalidArgument (naming the bad segment) on a bad escape.
absl::Status ParseUrlEncoded(std::string_view in, ParamMap* out);

// True if `content_type` is application/x-www-form-urlencoded (any case, parameters ignored).
bool IsFormContentType(std::string_view content_type);

}  // namespace strata::api

#endif  // STRATA_API_HTTP_TYPES_H_
