// Routing, method and tenant checks, and the query endpoints (query, query_range, format_query,
// metadata, status/buildinfo). series, labels and label values are in query_api_series.cc.
#include "api/query_api.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <memory>
#include <optional>

#include "api/go_parse.h"
#include "api/query_api_internal.h"
#include "api/query_json.h"
#include "api/query_params.h"
#include "api/status_http.h"
#include "api/write_api.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"
#include "util/strings.h"

namespace strata::api {
namespace {

using query_internal::Env;
using query_internal::Fail;

constexpr int64_t kNanosPerMilli = 1'000'000;
// Prometheus caps a range query at this many steps: a week at 60 s or a year at 1 h.
constexpr int64_t kMaxPointsPerSeries = 11'000;

using TenantHandler =
    std::function<HttpResponse(const Env&, const HttpRequest&, const std::string& tenant)>;

// What Go's httprouter answers for a method the route does not have.
HttpResponse MethodNotAllowed(bool allow_post) {
  HttpResponse r = TextResponse(405, "Method Not Allowed\n");
  r.AddHeader("Allow", allow_post ? "GET, OPTIONS, POST" : "GET, OPTIONS");
  r.AddHeader("X-Content-Type-Options", "nosniff");
  return r;
}

// Resolves the tenant (when the route reads data; Cortex authenticates before routing, so this
// comes first), answers OPTIONS with 204 and other methods with 405, and sets CORS headers.
HttpHandler Wrap(std::shared_ptr<const Env> env, bool allow_post, bool needs_tenant,
                 TenantHandler fn) {
  return
      [env = std::move(env), allow_post, needs_tenant, fn = std::move(fn)](const HttpRequest& req) {
        std::string tenant;
        if (needs_tenant) {
          absl::StatusOr<std::string> t = TenantOf(req, env->deps.auth_enabled);
          if (!t.ok()) return ErrorResponse(t.status());
          tenant = *std::move(t);
        }
        HttpResponse resp;
        if (req.method == "OPTIONS") {
          resp = HttpResponse{204, "", "", {}};
        } else if (req.method == "GET" || (allow_post && req.method == "POST")) {
          resp = fn(*env, req, tenant);
        } else {
          return MethodNotAllowed(allow_post);
        }
        SetCorsHeaders(req, &resp);
        return resp;
      };
}

promql::Queryable TenantQueryable(ingester::IngesterService* ingester, const std::string& tenant) {
  return [ingester, tenant](int64_t mint, int64_t maxt) {
    return ingester->Querier(tenant, mint, maxt);
  };
}

// The engine of one request. Prometheus applies `timeout` as a context deadline on top of the
// engine's own; we evaluate with a copy of the engine whose timeout is the shorter of the two.
// Not copyable: `engine` may point into `local`.
struct RequestEngine {
  RequestEngine() = default;
  RequestEngine(const RequestEngine&) = delete;
  RequestEngine& operator=(const RequestEngine&) = delete;

  std::optional<promql::Engine> local;
  const promql::Engine* engine = nullptr;
  // A timeout of zero or less: the deadline has passed before evaluation starts.
  bool expired = false;
};

std::optional<ApiError> ApplyTimeout(const Env& env, const HttpRequest& req, RequestEngine* out) {
  out->engine = env.deps.engine;
  std::string_view param = req.Param("timeout");
  if (param.empty()) return std::nullopt;
  absl::StatusOr<int64_t> ns = ParseDurationNs(param);
  if (!ns.ok()) return InvalidParamError("timeout", ns.status());
  if (*ns <= 0) {
    out->expired = true;
    return std::nullopt;
  }
  // Round up, so that a sub-millisecond timeout is not "no timeout".
  int64_t ms = *ns / kNanosPerMilli + (*ns % kNanosPerMilli != 0 ? 1 : 0);
  promql::EngineOptions opts = env.deps.engine->options();
  if (opts.timeout_ms <= 0 || ms < opts.timeout_ms) {
    opts.timeout_ms = ms;
    out->engine = &out->local.emplace(opts);
  }
  return std::nullopt;
}

HttpResponse Execute(promql::Query& query, const RequestEngine& engine) {
  if (engine.expired) return Fail({ApiErrorType::kTimeout, "query timed out in query execution"});
  absl::StatusOr<promql::Result> result = query.Exec();
  if (!result.ok()) return Fail(QueryExecError(result.status()));
  std::string body = StartSuccessBody();
  AppendQueryData(&body, result->value);
  return FinishSuccessResponse(std::move(body), result->warnings);
}

HttpResponse HandleQuery(const Env& env, const HttpRequest& req, const std::string& tenant) {
  absl::StatusOr<int64_t> ts = ParseTimeParam(req, "time", env.clock->NowMs());
  if (!ts.ok()) return Fail(InvalidParamError("time", ts.status()));
  RequestEngine engine;
  if (auto err = ApplyTimeout(env, req, &engine)) return Fail(*err);
  auto query = engine.engine->NewInstantQuery(TenantQueryable(env.deps.ingester, tenant),
                                              req.Param("query"), *ts);
  if (!query.ok()) return Fail(InvalidParamError("query", query.status()));
  return Execute(**query, engine);
}

// Prometheus: end.Sub(start)/step > 11000, with Sub saturating at the largest Duration.
bool TooManyPoints(int64_t start_ms, int64_t end_ms, int64_t step_ns) {
  __int128 span_ns = (static_cast<__int128>(end_ms) - start_ms) * kNanosPerMilli;
  span_ns = std::min<__int128>(span_ns, std::numeric_limits<int64_t>::max());
  return span_ns / step_ns > kMaxPointsPerSeries;
}

HttpResponse HandleQueryRange(const Env& env, const HttpRequest& req, const std::string& tenant) {
  absl::StatusOr<int64_t> start = ParseTime(req.Param("start"));
  if (!start.ok()) return Fail(InvalidParamError("start", start.status()));
  absl::StatusOr<int64_t> end = ParseTime(req.Param("end"));
  if (!end.ok()) return Fail(InvalidParamError("end", end.status()));
  if (*end < *start) {
    return Fail(InvalidParamError("end", "end timestamp must not be before start time"));
  }
  absl::StatusOr<int64_t> step = ParseDurationNs(req.Param("step"));
  if (!step.ok()) return Fail(InvalidParamError("step", step.status()));
  if (*step <= 0) {
    return Fail(InvalidParamError(
        "step",
        "zero or negative query resolution step widths are not accepted. Try a positive integer"));
  }
  if (TooManyPoints(*start, *end, *step)) {
    return Fail({ApiErrorType::kBadData,
                 "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
                 "query resolution (?step=XX)"});
  }
  RequestEngine engine;
  if (auto err = ApplyTimeout(env, req, &engine)) return Fail(*err);
  auto query =
      engine.engine->NewRangeQuery(TenantQueryable(env.deps.ingester, tenant), req.Param("query"),
                                   *start, *end, *step / kNanosPerMilli);
  // Unlike instant queries, Prometheus does not name the parameter here.
  if (!query.ok()) return Fail({ApiErrorType::kBadData, std::string(query.status().message())});
  return Execute(**query, engine);
}

HttpResponse HandleFormatQuery(const Env&, const HttpRequest& req, const std::string&) {
  absl::StatusOr<promql::parser::ExprPtr> expr = promql::parser::ParseExpr(req.Param("query"));
  if (!expr.ok()) return Fail(InvalidParamError("query", expr.status()));
  std::string body = StartSuccessBody();
  AppendJsonString(&body, promql::parser::Pretty(**expr));
  return FinishSuccessResponse(std::move(body), {});
}

// No metadata store yet: always the empty object, after Prometheus's check of `limit`.
HttpResponse HandleMetadata(const Env&, const HttpRequest& req, const std::string&) {
  std::string_view limit = req.Param("limit");
  if (!limit.empty() && !ParseGoAtoi(limit).ok()) {
    return Fail({ApiErrorType::kBadData, "limit must be a number"});
  }
  return ApiSuccessResponse("{}");
}

std::string CompilerVersion() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

HttpResponse HandleBuildInfo(const Env& env, const HttpRequest&, const std::string&) {
  const BuildInfo& b = env.deps.build_info;
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"version", b.version},      {"revision", b.revision},    {"branch", b.branch},
      {"buildUser", b.build_user}, {"buildDate", b.build_date}, {"goVersion", b.go_version}};
  std::string data = "{";
  for (const auto& [name, value] : fields) {
    if (data.size() > 1) data.push_back(',');
    AppendJsonString(&data, name);
    data.push_back(':');
    AppendJsonString(&data, value);
  }
  data.push_back('}');
  return ApiSuccessResponse(data);
}

// The <name> of <prefix><name>/values, or nullopt when the path has another shape (a 404 in
// Prometheus's router: the name is one non-empty path segment).
std::optional<std::string_view> LabelValuesName(std::string_view path, std::string_view prefix) {
  constexpr std::string_view kSuffix = "/values";
  if (path.size() < prefix.size() + kSuffix.size() || !path.ends_with(kSuffix)) {
    return std::nullopt;
  }
  std::string_view name = path.substr(prefix.size(), path.size() - prefix.size() - kSuffix.size());
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  return name;
}

HttpHandler LabelValuesRoute(std::shared_ptr<const Env> env, std::string prefix) {
  auto handle = [prefix](const Env& e, const HttpRequest& req, const std::string& tenant) {
    return query_internal::HandleLabelValues(e, req, tenant, *LabelValuesName(req.path, prefix));
  };
  HttpHandler wrapped = Wrap(std::move(env), /*allow_post=*/false, /*needs_tenant=*/true, handle);
  return [prefix = std::move(prefix), wrapped = std::move(wrapped)](const HttpRequest& req) {
    if (!LabelValuesName(req.path, prefix)) return NotFoundResponse();
    return wrapped(req);
  };
}

}  // namespace

void RegisterQueryApi(HttpServer& server, QueryApiDeps deps) {
  const Clock* clock = deps.clock != nullptr ? deps.clock : RealClock::Default();
  if (deps.build_info.go_version.empty()) deps.build_info.go_version = CompilerVersion();
  auto env = std::make_shared<const Env>(Env{std::move(deps), clock});
  constexpr bool kPost = true, kGetOnly = false, kTenant = true, kNoTenant = false;
  for (std::string base : {"/prometheus/api/v1", "/api/v1"}) {
    server.Handle(base + "/query", Wrap(env, kPost, kTenant, HandleQuery));
    server.Handle(base + "/query_range", Wrap(env, kPost, kTenant, HandleQueryRange));
    server.Handle(base + "/series", Wrap(env, kPost, kTenant, query_internal::HandleSeries));
    server.Handle(base + "/labels", Wrap(env, kPost, kTenant, query_internal::HandleLabels));
    server.HandlePrefix(base + "/label/", LabelValuesRoute(env, base + "/label/"));
    server.Handle(base + "/metadata", Wrap(env, kGetOnly, kTenant, HandleMetadata));
    server.Handle(base + "/status/buildinfo", Wrap(env, kGetOnly, kNoTenant, HandleBuildInfo));
    server.Handle(base + "/format_query", Wrap(env, kPost, kNoTenant, HandleFormatQuery));
  }
}

}  // namespace strata::api
