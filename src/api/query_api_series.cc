// The metadata endpoints of the query API: series, labels and label/<name>/values
// (Prometheus 2.42 web/api/v1/api.go series, labelNames, labelValues), plus `limit` as later
// Prometheus versions have it.
#include <algorithm>
#include <memory>
#include <vector>

#include "api/query_api_internal.h"
#include "api/query_json.h"
#include "api/query_params.h"
#include "storage/merge.h"
#include "util/go_strings.h"
#include "util/strings.h"

namespace strata::api::query_internal {
namespace {

constexpr std::string_view kTruncatedWarning = "results truncated due to limit";

using MatcherSets = std::vector<std::vector<labels::Matcher>>;

// The parameters the three endpoints share, parsed in Prometheus's order.
struct RangeParams {
  int64_t limit = 0;  // 0: none
  int64_t start_ms = kApiMinTimeMs;
  int64_t end_ms = kApiMaxTimeMs;
};

std::optional<ApiError> ParseRange(const HttpRequest& req, RangeParams* out) {
  absl::StatusOr<int64_t> limit = ParseLimitParam(req.Param("limit"));
  if (!limit.ok()) return InvalidParamError("limit", limit.status());
  absl::StatusOr<int64_t> start = ParseTimeParam(req, "start", kApiMinTimeMs);
  if (!start.ok()) return InvalidParamError("start", start.status());
  absl::StatusOr<int64_t> end = ParseTimeParam(req, "end", kApiMaxTimeMs);
  if (!end.ok()) return InvalidParamError("end", end.status());
  *out = RangeParams{*limit, *start, *end};
  return std::nullopt;
}

ApiError ExecError(const absl::Status& s) {
  return {ApiErrorType::kExecution, std::string(s.message())};
}

// Sorted, without duplicates, cut to `limit` (when > 0) with the truncation warning.
HttpResponse StringListResponse(std::vector<std::string> values, int64_t limit) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<std::string> warnings;
  if (limit > 0 && values.size() > static_cast<size_t>(limit)) {
    values.resize(static_cast<size_t>(limit));
    warnings.emplace_back(kTruncatedWarning);
  }
  std::string body = StartSuccessBody();
  AppendJsonStringArray(&body, values);
  return FinishSuccessResponse(std::move(body), warnings);
}

// Runs `lookup` once without matchers, or once per matcher set, and joins the answers.
template <typename Lookup>
HttpResponse LookupStrings(const MatcherSets& sets, int64_t limit, Lookup lookup) {
  std::vector<std::string> all;
  if (sets.empty()) {
    absl::StatusOr<std::vector<std::string>> r = lookup(std::vector<labels::Matcher>{});
    if (!r.ok()) return Fail(ExecError(r.status()));
    all = *std::move(r);
  }
  for (const std::vector<labels::Matcher>& set : sets) {
    absl::StatusOr<std::vector<std::string>> r = lookup(set);
    if (!r.ok()) return Fail(ExecError(r.status()));
    all.insert(all.end(), std::make_move_iterator(r->begin()), std::make_move_iterator(r->end()));
  }
  return StringListResponse(std::move(all), limit);
}

std::unique_ptr<storage::Querier> OpenQuerier(const Env& env, const std::string& tenant,
                                              const RangeParams& p) {
  return env.deps.ingester->Querier(tenant, p.start_ms, p.end_ms);
}

ApiError NoQuerierError() { return {ApiErrorType::kExecution, "storage unavailable"}; }

}  // namespace

HttpResponse HandleSeries(const Env& env, const HttpRequest& req, const std::string& tenant) {
  std::vector<std::string_view> match = req.Params("match[]");
  if (match.empty()) return Fail({ApiErrorType::kBadData, "no match[] parameter provided"});
  RangeParams p;
  if (auto err = ParseRange(req, &p)) return Fail(*err);
  absl::StatusOr<MatcherSets> sets = ParseMatchersParam(match);
  if (!sets.ok()) return Fail(InvalidParamError("match[]", sets.status()));
  std::unique_ptr<storage::Querier> querier = OpenQuerier(env, tenant, p);
  if (querier == nullptr) return Fail(NoQuerierError());

  // Sorted even for one selector (Prometheus leaves that order to the storage), so the answer
  // is deterministic; several selectors are merged, each series once.
  const storage::SelectHints hints{p.start_ms, p.end_ms};
  std::vector<std::unique_ptr<storage::SeriesSet>> selected;
  for (const auto& set : *sets) selected.push_back(querier->Select(true, hints, set));
  std::unique_ptr<storage::SeriesSet> series =
      selected.size() == 1 ? std::move(selected[0]) : storage::MergeSeriesSets(std::move(selected));
  std::string body = StartSuccessBody();
  body.push_back('[');
  int64_t count = 0;
  bool truncated = false;
  while (series->Next()) {
    if (p.limit > 0 && count == p.limit) {
      truncated = true;
      break;
    }
    if (count++ > 0) body.push_back(',');
    AppendJsonLabels(&body, series->At().labels());
  }
  if (!series->status().ok()) return Fail(ExecError(series->status()));
  body.push_back(']');
  std::vector<std::string> warnings;
  if (truncated) warnings.emplace_back(kTruncatedWarning);
  return FinishSuccessResponse(std::move(body), warnings);
}

HttpResponse HandleLabels(const Env& env, const HttpRequest& req, const std::string& tenant) {
  RangeParams p;
  if (auto err = ParseRange(req, &p)) return Fail(*err);
  // Prometheus reports a bad match[] here without naming the parameter.
  absl::StatusOr<MatcherSets> sets = ParseMatchersParam(req.Params("match[]"));
  if (!sets.ok()) return Fail({ApiErrorType::kBadData, std::string(sets.status().message())});
  std::unique_ptr<storage::Querier> querier = OpenQuerier(env, tenant, p);
  if (querier == nullptr) return Fail(NoQuerierError());
  return LookupStrings(*sets, p.limit, [&](const std::vector<labels::Matcher>& ms) {
    return querier->LabelNames(ms);
  });
}

HttpResponse HandleLabelValues(const Env& env, const HttpRequest& req, const std::string& tenant,
                               std::string_view name) {
  if (!IsValidLabelName(name)) {
    return Fail({ApiErrorType::kBadData, StrCat("invalid label name: ", GoQuote(name))});
  }
  RangeParams p;
  if (auto err = ParseRange(req, &p)) return Fail(*err);
  absl::StatusOr<MatcherSets> sets = ParseMatchersParam(req.Params("match[]"));
  if (!sets.ok()) return Fail({ApiErrorType::kBadData, std::string(sets.status().message())});
  std::unique_ptr<storage::Querier> querier = OpenQuerier(env, tenant, p);
  if (querier == nullptr) return Fail(NoQuerierError());
  const std::string label(name);
  return LookupStrings(*sets, p.limit, [&](const std::vector<labels::Matcher>& ms) {
    return querier->LabelValues(label, ms);
  });
}

}  // namespace strata::api::query_internal
