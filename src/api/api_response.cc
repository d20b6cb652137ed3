#include "api/api_response.h"

#include "api/query_json.h"
#include "util/go_strings.h"
#include "util/strings.h"

namespace strata::api {

std::string_view ApiErrorTypeName(ApiErrorType t) {
  switch (t) {
    case ApiErrorType::kBadData:
      return "bad_data";
    case ApiErrorType::kExecution:
      return "execution";
    case ApiErrorType::kTimeout:
      return "timeout";
    case ApiErrorType::kCanceled:
      return "canceled";
    case ApiErrorType::kInternal:
      return "internal";
    case ApiErrorType::kUnavailable:
      return "unavailable";
    case ApiErrorType::kNotFound:
      return "not_found";
  }
  return "internal";
}

int ApiErrorHttpStatus(ApiErrorType t) {
  switch (t) {
    case ApiErrorType::kBadData:
      return 400;
    case ApiErrorType::kExecution:
      return 422;
    case ApiErrorType::kTimeout:
    case ApiErrorType::kCanceled:
      return 503;
    case ApiErrorType::kNotFound:
      return 404;
    case ApiErrorType::kInternal:
    case ApiErrorType::kUnavailable:
      return 500;
  }
  return 500;
}

ApiError InvalidParamError(std::string_view name, std::string_view cause) {
  return {ApiErrorType::kBadData, StrCat("invalid parameter ", GoQuote(name), ": ", cause)};
}

ApiError InvalidParamError(std::string_view name, const absl::Status& cause) {
  return InvalidParamError(name, std::string(cause.message()));
}

ApiError QueryExecError(const absl::Status& s) {
  std::string msg(s.message());
  switch (s.code()) {
    case absl::StatusCode::kCancelled:
      return {ApiErrorType::kCanceled, std::move(msg)};
    case absl::StatusCode::kDeadlineExceeded:
      return {ApiErrorType::kTimeout, std::move(msg)};
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kOutOfRange:
      return {ApiErrorType::kExecution, std::move(msg)};
    default:
      return {ApiErrorType::kInternal, std::move(msg)};
  }
}

std::string StartSuccessBody() { return "{\"status\":\"success\",\"data\":"; }

HttpResponse FinishSuccessResponse(std::string body, const std::vector<std::string>& warnings) {
  if (!warnings.empty()) {
    body.append(",\"warnings\":");
    AppendJsonStringArray(&body, warnings);
  }
  body.push_back('}');
  return HttpResponse{200, std::string(kApplicationJson), std::move(body), {}};
}

HttpResponse ApiSuccessResponse(std::string_view data_json,
                                const std::vector<std::string>& warnings) {
  std::string body = StartSuccessBody();
  body.append(data_json);
  return FinishSuccessResponse(std::move(body), warnings);
}

HttpResponse ApiErrorResponse(const ApiError& e) {
  std::string body =
      StrCat("{\"status\":\"error\",\"errorType\":\"", ApiErrorTypeName(e.type), "\",\"error\":");
  AppendJsonString(&body, e.message);
  body.push_back('}');
  return HttpResponse{
      ApiErrorHttpStatus(e.type), std::string(kApplicationJson), std::move(body), {}};
}

void SetCorsHeaders(const HttpRequest& req, HttpResponse* resp) {
  if (req.Header("Origin").empty()) return;
  resp->AddHeader("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, Origin");
  resp->AddHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  resp->AddHeader("Access-Control-Allow-Origin", "*");
  resp->AddHeader("Access-Control-Expose-Headers", "Date");
  resp->AddHeader("Vary", "Origin");
}

}  // namespace strata::api
