#include "api/router.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "util/check.h"

namespace strata::api {
namespace {

// The method is client input: anything but the usual ones shares a label value.
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view m : {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}) {
    if (method == m) return m;
  }
  return "other";
}

}  // namespace

std::string Router::RouteName(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string name(path);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return name.empty() ? "root" : name;
}

void Router::Handle(std::string path, HttpHandler handler) {
  std::string name = RouteName(path);
  bool inserted = exact_.emplace(std::move(path), Route{std::move(handler), std::move(name)}).second;
  CHECK(inserted);  // Two handlers for one path is a wiring bug, not an input error.
}

void Router::HandlePrefix(std::string prefix, HttpHandler handler) {
  for (const auto& [p, r] : prefixes_) CHECK(p != prefix);
  // "/api/v1/label/" serves "/api/v1/label/<name>/values": Cortex's label for it.
  std::string name = RouteName(prefix) + "_name_values";
  prefixes_.emplace_back(std::move(prefix), Route{std::move(handler), std::move(name)});
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

const Router::Route* Router::FindRoute(std::string_view path) const {
  if (auto it = exact_.find(path); it != exact_.end()) return &it->second;
  for (const auto& [prefix, route] : prefixes_) {
    if (path.substr(0, prefix.size()) == prefix) return &route;
  }
  return nullptr;
}

const HttpHandler* Router::Find(std::string_view path) const {
  const Route* r = FindRoute(path);
  return r == nullptr ? nullptr : &r->handler;
}

HttpResponse Router::Serve(const HttpRequest& req) const {
  const auto start = std::chrono::steady_clock::now();
  const Route* route = FindRoute(req.path);
  HttpResponse resp = route == nullptr ? NotFoundResponse() : route->handler(req);
  if (durations_ != nullptr) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    // Unknown paths share one label value: a scanner must not create a series per path.
    const std::string_view name = route == nullptr ? std::string_view("notfound") : route->name;
    const std::string code = std::to_string(resp.status);
    durations_->WithLabels({MethodLabel(req.method), name, code, "false"}).Observe(took.count());
  }
  return resp;
}

}  // namespace strata::api
