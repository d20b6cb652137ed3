#include "api/router.h"

#include <algorithm>

#include "util/check.h"

namespace strata::api {

void Router::Handle(std::string path, HttpHandler handler) {
  bool inserted = exact_.emplace(std::move(path), std::move(handler)).second;
  CHECK(inserted);  // Two handlers for one path is a wiring bug, not an input error.
}

void Router::HandlePrefix(std::string prefix, HttpHandler handler) {
  for (const auto& [p, h] : prefixes_) CHECK(p != prefix);
  prefixes_.emplace_back(std::move(prefix), std::move(handler));
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

const HttpHandler* Router::Find(std::string_view path) const {
  if (auto it = exact_.find(path); it != exact_.end()) return &it->second;
  for (const auto& [prefix, handler] : prefixes_) {
    if (path.substr(0, prefix.size()) == prefix) return &handler;
  }
  return nullptr;
}

HttpResponse Router::Serve(const HttpRequest& req) const {
  const HttpHandler* handler = Find(req.path);
  if (handler == nullptr) return NotFoundResponse();
  return (*handler)(req);
}

}  // namespace strata::api
