#include "api/write_api.h"

#include <thread>

#include "api/status_http.h"
#include "distributor/tenant_id.h"
#include "util/strings.h"

namespace strata::api {

absl::StatusOr<std::string> TenantOf(const HttpRequest& req, bool auth_enabled) {
  std::optional<std::string_view> header;
  if (req.HasHeader("X-Scope-OrgID")) header = req.Header("X-Scope-OrgID");
  return distributor::TenantFromHeader(header, auth_enabled);
}

namespace {

HttpResponse HandlePush(const WriteApiDeps& d, const HttpRequest& req) {
  if (auto bad = CheckMethod(req, {"POST"})) return *bad;
  auto tenant = TenantOf(req, d.auth_enabled);
  if (!tenant.ok()) return ErrorResponse(tenant.status());
  absl::Status s = d.distributor->PushCompressed(*tenant, req.body);
  if (!s.ok()) return ErrorResponse(s);
  return HttpResponse{200, "", "", {}};
}

std::vector<std::string> TenantsParam(const HttpRequest& req) {
  std::vector<std::string> out;
  for (std::string_view t : req.Params("tenant")) out.emplace_back(t);
  return out;
}

HttpResponse HandleFlush(const WriteApiDeps& d, const HttpRequest& req) {
  if (auto bad = CheckMethod(req, {"GET", "POST"})) return *bad;
  std::vector<std::string> tenants = TenantsParam(req);
  if (req.Param("wait") == "true") {
    d.ingester->Flush(tenants);
  } else {
    // Cortex answers at once and flushes in the background.
    ingester::Ingester* ing = d.ingester;
    std::thread([ing, tenants] { ing->Flush(tenants); }).detach();
  }
  return HttpResponse{204, "", "", {}};
}

HttpResponse HandleShutdown(const WriteApiDeps& d, const HttpRequest& req) {
  if (auto bad = CheckMethod(req, {"GET", "POST"})) return *bad;
  d.ingester->Flush({});
  if (d.request_shutdown) d.request_shutdown();
  return HttpResponse{204, "", "", {}};
}

HttpResponse HandleAllUserStats(const WriteApiDeps& d, const HttpRequest& req) {
  std::vector<ingester::UserStats> stats = d.ingester->AllUserStats();
  const bool json = req.Header("Accept").find("json") != std::string_view::npos ||
                    req.Param("format") == "json";
  std::string body;
  if (json) {
    body = "[";
    for (size_t i = 0; i < stats.size(); i++) {
      const auto& u = stats[i];
      StrAppend(&body, i ? "," : "", "{\"userID\":\"", u.tenant, "\",\"numSeries\":", u.num_series,
                ",\"activeSeries\":", u.active_series, ",\"oooSeries\":", u.ooo_series,
                ",\"memoryBytes\":", u.memory_bytes, ",\"loadedBlocks\":", u.loaded_blocks,
                ",\"ingestionRate\":", u.ingestion_rate, "}");
    }
    body += "]\n";
    return HttpResponse{200, std::string(kApplicationJson), std::move(body), {}};
  }
  body = "User\tSeries\tActive series\tOOO series\tMemory bytes\tBlocks\tIngestion rate\n";
  for (const auto& u : stats) {
    StrAppend(&body, u.tenant, "\t", u.num_series, "\t", u.active_series, "\t", u.ooo_series, "\t",
              u.memory_bytes, "\t", u.loaded_blocks, "\t", u.ingestion_rate, "\n");
  }
  return TextResponse(200, std::move(body));
}

}  // namespace

void RegisterWriteApi(HttpServer& server, WriteApiDeps deps) {
  auto push = [deps](const HttpRequest& r) { return HandlePush(deps, r); };
  for (const char* path : {"/api/v1/push", "/api/v1/write", "/api/prom/push"}) {
    server.Handle(path, push);
  }
  server.Handle("/ingester/flush", [deps](const HttpRequest& r) { return HandleFlush(deps, r); });
  server.Handle("/ingester/shutdown",
                [deps](const HttpRequest& r) { return HandleShutdown(deps, r); });
  server.Handle("/ingester/all_user_stats",
                [deps](const HttpRequest& r) { return HandleAllUserStats(deps, r); });
}

}  // namespace strata::api
