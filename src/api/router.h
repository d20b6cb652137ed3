// Maps a decoded request path to its handler: exact paths first, then the longest prefix.
#ifndef STRATA_API_ROUTER_H_
#define STRATA_API_ROUTER_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.h"

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

  // Runs the matching handler, or answers 404.
  HttpResponse Serve(const HttpRequest& req) const;

 private:
  std::map<std::string, HttpHandler, std::less<>> exact_;
  // Sorted longest first, so the first match is the longest.
  std::vector<std::pair<std::string, HttpHandler>> prefixes_;
};

}  // namespace strata::api

#endif  // STRATA_API_ROUTER_H_
