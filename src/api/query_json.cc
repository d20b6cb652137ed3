#include "api/query_json.h"

#include <charconv>
#include <cmath>
#include <variant>

#include "util/go_strings.h"

namespace strata::api {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// True for the ASCII bytes Go writes as they are inside a JSON string.
bool IsSafeAscii(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

void AppendEscapedAscii(std::string* out, unsigned char c) {
  switch (c) {
    case '"':
      out->append("\\\"");
      return;
    case '\\':
      out->append("\\\\");
      return;
    case '\n':
      out->append("\\n");
      return;
    case '\r':
      out->append("\\r");
      return;
    case '\t':
      out->append("\\t");
      return;
    default:
      // Control characters, and <, > and & (HTML escaping; Go's encoding/json default).
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
  }
}

// Go's strconv.AppendFloat(v, 'e', -1, 64) for finite v: the shortest round-trip digits in
// scientific form with at least two exponent digits ("1e-07", "1.2345678e+21"), which is
// also what std::to_chars writes.
void AppendScientific(std::string* out, double v) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  out->append(buf, res.ptr);
}

// promql.Scalar/String MarshalJSON: [float64(t)/1000, "v"] through encoding/json.
// float64(t)/1000 is never below 1e-6 or at or above 1e21 in magnitude (unless zero), so
// encoding/json prints it in 'f' form, the same digits promql::AppendValue writes.
void AppendGoJsonSeconds(std::string* out, int64_t t_ms) {
  promql::AppendValue(out, static_cast<double>(t_ms) / 1000);
}

void AppendVector(std::string* out, const promql::Vector& vec) {
  out->push_back('[');
  for (size_t i = 0; i < vec.size(); i++) {
    if (i > 0) out->push_back(',');
    out->append("{\"metric\":");
    AppendJsonLabels(out, vec[i].metric);
    out->append(",\"value\":[");
    AppendJsonTimestamp(out, vec[i].t);
    out->push_back(',');
    AppendJsonSampleValue(out, vec[i].v);
    out->append("]}");
  }
  out->push_back(']');
}

void AppendMatrix(std::string* out, const promql::Matrix& m) {
  out->push_back('[');
  for (size_t i = 0; i < m.size(); i++) {
    if (i > 0) out->push_back(',');
    out->append("{\"metric\":");
    AppendJsonLabels(out, m[i].metric);
    const std::vector<promql::Point>& points = m[i].points;
    if (!points.empty()) {
      out->append(",\"values\":[");
      for (size_t j = 0; j < points.size(); j++) {
        if (j > 0) out->push_back(',');
        out->push_back('[');
        AppendJsonTimestamp(out, points[j].t);
        out->push_back(',');
        AppendJsonSampleValue(out, points[j].v);
        out->push_back(']');
      }
      out->push_back(']');
    }
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    // Copy the longest run of bytes that need no escaping in one go.
    size_t run = i;
    while (run < s.size() && IsSafeAscii(static_cast<unsigned char>(s[run]))) run++;
    out->append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendEscapedAscii(out, c);
      i++;
      continue;
    }
    DecodedRune r = DecodeRune(s.substr(i));
    if (r.rune == kRuneError && r.width == 1) {
      out->append("\\ufffd");
    } else if (r.rune == 0x2028 || r.rune == 0x2029) {
      // Valid JSON, but not valid JavaScript; Go escapes them for JSONP.
      out->append(r.rune == 0x2028 ? "\\u2028" : "\\u2029");
    } else {
      out->append(s.data() + i, r.width);
    }
    i += r.width;
  }
  out->push_back('"');
}

void AppendJsonLabels(std::string* out, const labels::Labels& l) {
  out->push_back('{');
  bool first = true;
  for (const labels::Label& label : l) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, label.name);
    out->push_back(':');
    AppendJsonString(out, label.value);
  }
  out->push_back('}');
}

void AppendJsonStringArray(std::string* out, const std::vector<std::string>& v) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); i++) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

void AppendJsonTimestamp(std::string* out, int64_t t_ms) {
  // Integer arithmetic on the magnitude (in uint64_t, so INT64_MIN has one too).
  uint64_t mag = static_cast<uint64_t>(t_ms);
  if (t_ms < 0) {
    out->push_back('-');
    mag = ~mag + 1;
  }
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, mag / 1000);
  out->append(buf, res.ptr);
  uint64_t fraction = mag % 1000;
  if (fraction == 0) return;
  out->push_back('.');
  out->push_back(static_cast<char>('0' + fraction / 100));
  out->push_back(static_cast<char>('0' + fraction / 10 % 10));
  out->push_back(static_cast<char>('0' + fraction % 10));
}

void AppendJsonSampleValue(std::string* out, double v) {
  out->push_back('"');
  double abs = std::fabs(v);
  if (std::isfinite(v) && abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    AppendScientific(out, v);
  } else {
    promql::AppendValue(out, v);  // 'f' form, and NaN, +Inf, -Inf
  }
  out->push_back('"');
}

void AppendQueryData(std::string* out, const promql::Value& v) {
  out->append("{\"resultType\":");
  if (const auto* s = std::get_if<promql::Scalar>(&v)) {
    out->append("\"scalar\",\"result\":[");
    AppendGoJsonSeconds(out, s->t);
    out->append(",\"");
    promql::AppendValue(out, s->v);
    out->append("\"]");
  } else if (const auto* str = std::get_if<promql::String>(&v)) {
    out->append("\"string\",\"result\":[");
    AppendGoJsonSeconds(out, str->t);
    out->push_back(',');
    AppendJsonString(out, str->v);
    out->push_back(']');
  } else if (const auto* vec = std::get_if<promql::Vector>(&v)) {
    out->append("\"vector\",\"result\":");
    AppendVector(out, *vec);
  } else {
    out->append("\"matrix\",\"result\":");
    AppendMatrix(out, std::get<promql::Matrix>(v));
  }
  out->push_back('}');
}

}  // namespace strata::api
