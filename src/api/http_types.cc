#include "api/http_types.h"

#include <algorithm>

#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::api {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return AsciiLower(x) < AsciiLower(y); });
}

std::string_view HttpRequest::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

std::string_view HttpRequest::Param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

std::vector<std::string_view> HttpRequest::Params(std::string_view name) const {
  std::vector<std::string_view> values;
  auto [begin, end] = params.equal_range(name);
  for (auto it = begin; it != end; ++it) values.emplace_back(it->second);
  return values;
}

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse resp;
  resp.status = status;
  resp.content_type = std::string(kTextPlain);
  resp.body = std::move(body);
  return resp;
}

HttpResponse NotFoundResponse() { return TextResponse(404, "404 page not found\n"); }

HttpResponse MethodNotAllowedResponse(std::initializer_list<std::string_view> allowed) {
  std::string allow;
  for (std::string_view m : allowed) StrAppend(&allow, allow.empty() ? "" : ", ", m);
  HttpResponse resp = TextResponse(405, "405 method not allowed\n");
  resp.AddHeader("Allow", std::move(allow));
  return resp;
}

std::optional<HttpResponse> CheckMethod(const HttpRequest& req,
                                        std::initializer_list<std::string_view> allowed) {
  for (std::string_view m : allowed) {
    if (req.method == m) return std::nullopt;
  }
  return MethodNotAllowedResponse(allowed);
}

absl::StatusOr<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError(StrCat("invalid URL escape \"", in.substr(i, 3), "\""));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

absl::Status ParseUrlEncoded(std::string_view in, ParamMap* out) {
  while (!in.empty()) {
    size_t amp = in.find('&');
    std::string_view segment = in.substr(0, amp);
    in = amp == std::string_view::npos ? std::string_view() : in.substr(amp + 1);
    if (segment.empty()) continue;
    size_t eq = segment.find('=');
    std::string_view key = segment.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : segment.substr(eq + 1);
    absl::StatusOr<std::string> k = PercentDecode(key, /*plus_is_space=*/true);
    absl::StatusOr<std::string> v = PercentDecode(value, /*plus_is_space=*/true);
    if (!k.ok() || !v.ok()) {
      return Annotate(k.ok() ? v.status() : k.status(), StrCat("parameter \"", segment, "\""));
    }
    out->emplace(std::move(*k), std::move(*v));
  }
  return absl::OkStatus();
}

bool IsFormContentType(std::string_view content_type) {
  std::string_view media = TrimSpaces(content_type.substr(0, content_type.find(';')));
  return EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

}  // namespace strata::api
