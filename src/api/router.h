// Maps a decoded request path to its handler: exact paths first, then the longest prefix.
#ifndef STRATA_API_ROUTER_H_
#define STRATA_API_ROUTER_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.h"
#include "metrics/family.h"

namespace strata::api {

// Not thread-safe while routes are added; Find() is safe from many threads once adding is done.
class Router {
 public:
  // REQUIRES: `path` not added before.
  void Handle(std::string path, HttpHandler handler);
  // REQUIRES: `prefix` not added before.
  void HandlePrefix(std::string prefix, HttpHandler handler);

  // The handler for `path`, or nullptr. The pointer lives as long as the Router.
  const HttpHandler* Find(std::string_view path) const;

  // Runs the matching handler, or answers 404; records the request in the duration histogram.
  HttpResponse Serve(const HttpRequest& req) const;

  // Times every request into `durations` (labels method, route, status_code, ws: Cortex's
  // cortex_request_duration_seconds). Call before serving; nullptr turns it off.
  void Instrument(metrics::HistogramFamily* durations) { durations_ = durations; }

  // Cortex's route label for a path: "/prometheus/api/v1/query" → "prometheus_api_v1_query";
  // characters other than letters, digits and '_' become '_'.
  static std::string RouteName(std::string_view path);

 private:
  struct Route {
    HttpHandler handler;
    std::string name;  // the route label
  };
  // The route for `path`, or nullptr.
  const Route* FindRoute(std::string_view path) const;

  std::map<std::string, Route, std::less<>> exact_;
  // Sorted longest first, so the first match is the longest.
  std::vector<std::pair<std::string, Route>> prefixes_;
  metrics::HistogramFamily* durations_ = nullptr;
};

}  // namespace strata::api

#endif  // STRATA_API_ROUTER_H_
