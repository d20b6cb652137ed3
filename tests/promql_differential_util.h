// Helpers of the PromQL differential test (promql_differential_e2e_test.cc): the deterministic
// data set both servers receive, and the comparison of two Prometheus HTTP API answers
// (/api/v1/query, /api/v1/query_range) value by value.
#ifndef STRATA_TESTS_PROMQL_DIFFERENTIAL_UTIL_H_
#define STRATA_TESTS_PROMQL_DIFFERENTIAL_UTIL_H_

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "prompb/write_request.h"

namespace strata::e2e::differential {

// ---------------------------------------------------------------------------------------------
// Data

inline constexpr int64_t kStepMs = 15'000;  // the base "scrape interval"
inline constexpr int kPoints = 481;         // t0 .. t0+2h
inline constexpr int64_t kSpanMs = (kPoints - 1) * kStepMs;

// Prometheus's staleness marker: a NaN with this exact bit pattern.
inline double StaleNaN() { return std::bit_cast<double>(uint64_t{0x7ff0000000000002}); }

// A small deterministic pseudo-random sequence (the same on every platform, unlike the standard
// library's distributions).
class Lcg {
 public:
  explicit Lcg(uint64_t seed) : state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  uint32_t Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 33);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint32_t>(n)); }

 private:
  uint64_t state_;
};

struct DataSet {
  prompb::WriteRequest request;
  // Sent after `request`: samples older than the head's in-order range (out of order, into the
  // OOO head of both servers, whose OOO window is 3h).
  prompb::WriteRequest late;
  std::deque<prompb::TimeSeries> building;  // stable references while MakeDataSet appends
  int64_t samples = 0;                      // every sample in both requests
  int64_t stale_markers = 0;                // of which staleness markers
};

namespace internal {

inline prompb::TimeSeries& AddSeries(DataSet* d, std::vector<prompb::Label> labels) {
  std::sort(labels.begin(), labels.end(),
            [](const prompb::Label& a, const prompb::Label& b) { return a.name < b.name; });
  d->building.emplace_back();
  d->building.back().labels = std::move(labels);
  return d->building.back();
}

inline void Add(DataSet* d, prompb::TimeSeries& ts, int64_t t, double v) {
  ts.samples.push_back({v, t});
  ++d->samples;
  if (std::bit_cast<uint64_t>(v) == 0x7ff0000000000002ULL) ++d->stale_markers;
}

// Rounds to 3 decimals, so values print short.
inline double R3(double v) { return std::round(v * 1000) / 1000; }

}  // namespace internal

// The data set: about fifty series over [t0, t0 + 2h], samples every 15 s (some with
// millisecond jitter, one every minute), counters with resets, gauges, classic histograms,
// series with gaps longer than the lookback delta, staleness markers, NaN/±Inf/-0 values and an
// info metric for joins. No sample is older than an hour before the request's very first one
// (all are >= t0, the first series starts at t0): Prometheus's empty head takes its time range
// from the first sample it is given and refuses samples more than an hour older ("out of bounds").
inline DataSet MakeDataSet(int64_t t0) {
  using internal::Add;
  using internal::AddSeries;
  using internal::R3;
  DataSet d;
  const auto at = [t0](int i) { return t0 + i * kStepMs; };
  const char* const hosts[] = {"host-0:9100", "host-1:9100", "host-2:9100"};

  // Counters, job api: 3 instances x {get, post}; resets; host-1 +250 ms, host-2 jittered.
  for (int k = 0; k < 3; ++k) {
    for (int m = 0; m < 2; ++m) {
      auto& ts = AddSeries(&d, {{"__name__", "http_requests_total"},
                                {"job", "api"},
                                {"instance", hosts[k]},
                                {"method", m == 0 ? "get" : "post"},
                                {"code", "200"}});
      double v = 100.0 * k + 10 * m;
      for (int i = 0; i < kPoints; ++i) {
        if ((k == 1 && m == 0 && i == 200) || (k == 2 && m == 1 && (i == 150 || i == 350))) {
          v = i % 5;
        } else if (i > 0) {
          v += (i * 7 + k * 3 + m * 5) % 11 + (i % 4 == 0 ? 0.5 : 0);
        }
        const int64_t jitter = k == 0 ? 0 : k == 1 ? 250 : (i * 37) % 1000;
        Add(&d, ts, at(i) + jitter, v);
      }
    }
  }
  {  // Errors: a slow counter on one instance.
    auto& ts = AddSeries(&d, {{"__name__", "http_requests_total"},
                              {"job", "api"},
                              {"instance", hosts[0]},
                              {"method", "get"},
                              {"code", "500"}});
    double v = 0;
    for (int i = 0; i < kPoints; ++i) {
      if (i % 13 == 0) v += 1;
      Add(&d, ts, at(i), v);
    }
  }
  // Counters, job db: two instances, fast, fractional increments.
  for (int k = 0; k < 2; ++k) {
    auto& ts = AddSeries(&d, {{"__name__", "http_requests_total"},
                              {"job", "db"},
                              {"instance", k == 0 ? "db-0:9187" : "db-1:9187"},
                              {"method", "get"},
                              {"code", "200"}});
    double v = 1000.0 * k;
    for (int i = 0; i < kPoints; ++i) {
      v += 100 + (i % 17) * 3.5;
      Add(&d, ts, at(i) + 100 * k, v);
    }
  }
  // Gauges: temperatures (one mostly below zero), memory in bytes.
  for (int k = 0; k < 3; ++k) {
    auto& ts = AddSeries(
        &d, {{"__name__", "node_temperature_celsius"}, {"job", "node"}, {"instance", hosts[k]}});
    for (int i = 0; i < kPoints; ++i) {
      const double base = k == 2 ? -5 : 40 + 5 * k;
      Add(&d, ts, at(i), R3(base + 10 * std::sin(i / 20.0 + k) + ((i * 13 + k) % 7) * 0.1));
    }
  }
  for (int k = 0; k < 3; ++k) {
    auto& used = AddSeries(&d, {{"__name__", "node_memory_bytes"},
                                {"job", "node"},
                                {"instance", hosts[k]},
                                {"type", "used"}});
    auto& free = AddSeries(&d, {{"__name__", "node_memory_bytes"},
                                {"job", "node"},
                                {"instance", hosts[k]},
                                {"type", "free"}});
    for (int i = 0; i < kPoints; ++i) {
      const double u = 2e9 + i * 1e6 * (k + 1) + (i % 10) * 12345;
      Add(&d, used, at(i), u);
      Add(&d, free, at(i), 8e9 - u);
    }
  }
  // Classic histograms: job api, two instances; host-1 resets at i = 300.
  {
    const char* const les[] = {"0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
    const double bounds[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 1e9};
    for (int k = 0; k < 2; ++k) {
      std::vector<prompb::TimeSeries*> buckets;
      for (const char* le : les) {
        buckets.push_back(&AddSeries(&d, {{"__name__", "request_duration_seconds_bucket"},
                                          {"job", "api"},
                                          {"instance", hosts[k]},
                                          {"le", le}}));
      }
      auto& sum = AddSeries(
          &d,
          {{"__name__", "request_duration_seconds_sum"}, {"job", "api"}, {"instance", hosts[k]}});
      auto& count = AddSeries(
          &d,
          {{"__name__", "request_duration_seconds_count"}, {"job", "api"}, {"instance", hosts[k]}});
      Lcg rng(17 + k);
      std::vector<double> cum(7, 0);
      double s = 0;
      for (int i = 0; i < kPoints; ++i) {
        if (k == 1 && i == 300) {
          std::fill(cum.begin(), cum.end(), 0);
          s = 0;
        }
        const int n = 3 + rng.Below(8);
        for (int o = 0; o < n; ++o) {
          // Latencies between 0.01 and ~4 s, skewed low; the second instance is slower.
          const double x = R3(0.01 + std::pow(rng.Below(1000) / 1000.0, 3) * (k == 0 ? 2 : 4));
          s += x;
          for (int b = 0; b < 7; ++b) {
            if (x <= bounds[b]) cum[b] += 1;
          }
        }
        for (int b = 0; b < 7; ++b) Add(&d, *buckets[b], at(i), cum[b]);
        Add(&d, sum, at(i), R3(s));
        Add(&d, count, at(i), cum[6]);
      }
    }
  }
  {  // Gaps longer than the lookback delta (10 min, 20 min), then one sample every 2 minutes.
    auto& ts = AddSeries(&d, {{"__name__", "sparse_metric"}, {"job", "batch"}, {"instance", "a"}});
    for (int i = 0; i < kPoints; ++i) {
      if (i < 40 || (i >= 80 && i < 120) || (i >= 200 && i < 210) || (i >= 300 && i % 8 == 0)) {
        Add(&d, ts, at(i), i * 1.5);
      }
    }
  }
  {  // Staleness markers: "a" goes stale at t0+60m and comes back at t0+80m; "b" ends stale.
    auto& a = AddSeries(&d, {{"__name__", "stale_metric"}, {"job", "batch"}, {"instance", "a"}});
    auto& b = AddSeries(&d, {{"__name__", "stale_metric"}, {"job", "batch"}, {"instance", "b"}});
    for (int i = 0; i < kPoints; ++i) {
      if (i < 240) Add(&d, a, at(i), i % 10);
      if (i == 240) Add(&d, a, at(i), StaleNaN());
      if (i >= 320) Add(&d, a, at(i), 100 + i);
      if (i < 440) Add(&d, b, at(i), 2.5 * (i % 7));
      if (i == 440) Add(&d, b, at(i), StaleNaN());
    }
  }
  {  // Special values.
    auto& mixed = AddSeries(&d, {{"__name__", "special_values"}, {"kind", "mixed"}});
    auto& nan = AddSeries(&d, {{"__name__", "special_values"}, {"kind", "nan"}});
    auto& inf = AddSeries(&d, {{"__name__", "special_values"}, {"kind", "inf_tail"}});
    const double cycle[] = {1, NAN, 2, INFINITY, 3, -INFINITY, -0.0, 0};
    for (int i = 0; i < kPoints; ++i) {
      Add(&d, mixed, at(i), cycle[i % 8]);
      Add(&d, nan, at(i), NAN);
      Add(&d, inf, at(i), i < 400 ? i * 0.25 : INFINITY);
    }
  }
  // An info metric for joins, and up.
  for (int k = 0; k < 3; ++k) {
    const std::string version = "1." + std::to_string(k) + ".0";
    auto& info = AddSeries(
        &d,
        {{"__name__", "node_info"}, {"job", "node"}, {"instance", hosts[k]}, {"version", version}});
    auto& up = AddSeries(&d, {{"__name__", "up"}, {"job", "api"}, {"instance", hosts[k]}});
    for (int i = 0; i < kPoints; ++i) {
      Add(&d, info, at(i), 1);
      Add(&d, up, at(i), k == 2 && i >= 100 && i < 130 ? 0 : 1);
    }
  }
  for (int k = 0; k < 2; ++k) {
    auto& up = AddSeries(
        &d, {{"__name__", "up"}, {"job", "db"}, {"instance", k == 0 ? "db-0:9187" : "db-1:9187"}});
    for (int i = 0; i < kPoints; ++i) Add(&d, up, at(i), 1);
  }
  {  // A counter scraped every minute (+123 ms), reset once.
    auto& ts = AddSeries(&d, {{"__name__", "slow_counter"}, {"job", "cron"}, {"instance", "c"}});
    double v = 0;
    for (int i = 0; i < kPoints; i += 4) {
      v = i == 240 ? 1 : v + 1 + (i % 3);
      Add(&d, ts, at(i) + 123, v);
    }
  }
  d.request.timeseries.assign(std::make_move_iterator(d.building.begin()),
                              std::make_move_iterator(d.building.end()));
  d.building.clear();

  // Late: samples in sparse_metric's first gap, and a series first seen now whose samples all
  // lie more than an hour before the newest sample (too old for the in-order head).
  {
    auto& ts = AddSeries(&d, {{"__name__", "sparse_metric"}, {"job", "batch"}, {"instance", "a"}});
    for (int i = 42; i < 80; i += 4) Add(&d, ts, at(i), i * 1.5 + 0.25);
    auto& late = AddSeries(&d, {{"__name__", "late_metric"}, {"job", "batch"}, {"instance", "a"}});
    for (int i = 0; i < 200; i += 4) Add(&d, late, at(i) + 500, 1000 - i * 0.5);
  }
  d.late.timeseries.assign(std::make_move_iterator(d.building.begin()),
                           std::make_move_iterator(d.building.end()));
  d.building.clear();
  return d;
}

// ---------------------------------------------------------------------------------------------
// Answers

struct Point {
  int64_t t_ms = 0;
  std::string value;  // as the server printed it
};

struct Series {
  std::string labels;  // {a="b", ...} sorted by name
  std::vector<Point> points;
};

// One HTTP API answer, normalised: what the test compares.
struct Answer {
  int http_status = 0;
  std::string status;  // "success" or "error"; "" when the body was not the API's JSON
  std::string error_type, error;
  std::string result_type;
  std::vector<Series> series;  // a scalar or string is one series with labels ""
  std::string raw;             // the body, for messages
};

inline std::string LabelsString(const nlohmann::json& metric) {
  std::string out = "{";
  for (auto it = metric.begin(); it != metric.end(); ++it) {  // nlohmann's objects are sorted
    if (out.size() > 1) out += ", ";
    out += it.key() + "=" + nlohmann::json(it.value().get<std::string>()).dump();
  }
  return out + "}";
}

inline int64_t TimestampMs(const nlohmann::json& t) {
  return static_cast<int64_t>(std::llround(t.get<double>() * 1000));
}

inline Point ParsePoint(const nlohmann::json& p) {
  return Point{TimestampMs(p.at(0)), p.at(1).get<std::string>()};
}

inline Answer ParseAnswer(int http_status, const std::string& body) {
  Answer a;
  a.http_status = http_status;
  a.raw = body;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("status")) return a;
  try {
    a.status = j.at("status").get<std::string>();
    if (a.status != "success") {
      a.error_type = j.value("errorType", "");
      a.error = j.value("error", "");
      return a;
    }
    const auto& data = j.at("data");
    a.result_type = data.at("resultType").get<std::string>();
    const auto& result = data.at("result");
    if (a.result_type == "scalar" || a.result_type == "string") {
      a.series.push_back({"", {ParsePoint(result)}});
    } else if (a.result_type == "vector") {
      for (const auto& e : result) {
        a.series.push_back({LabelsString(e.at("metric")), {ParsePoint(e.at("value"))}});
      }
    } else if (a.result_type == "matrix") {
      for (const auto& e : result) {
        Series s{LabelsString(e.at("metric")), {}};
        for (const auto& p : e.at("values")) s.points.push_back(ParsePoint(p));
        a.series.push_back(std::move(s));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    a.status = "";
    a.error = std::string("unexpected JSON: ") + e.what();
  }
  return a;
}

inline double ParseGoFloat(const std::string& s) {
  if (s == "NaN") return NAN;
  if (s == "+Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  return std::strtod(s.c_str(), nullptr);
}

// Equal values: NaN == NaN, ±Inf exactly, finite values within a relative 1e-9.
inline bool SameValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const double x = ParseGoFloat(a), y = ParseGoFloat(b);
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  if (std::isinf(x) || std::isinf(y)) return x == y;
  return std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y));
}

inline std::string SeriesText(const Series& s, size_t max_points = 12) {
  std::string out = s.labels + " =>";
  for (size_t i = 0; i < s.points.size() && i < max_points; ++i) {
    out += " " + s.points[i].value + "@" + std::to_string(s.points[i].t_ms);
  }
  if (s.points.size() > max_points) {
    out += " ... (" + std::to_string(s.points.size()) + " points)";
  }
  return out;
}

// A short description of the answer, for mismatch reports.
inline std::string AnswerText(const Answer& a, size_t max_series = 8) {
  if (a.status.empty())
    return "HTTP " + std::to_string(a.http_status) + ": " + a.raw.substr(0, 300);
  if (a.status != "success") {
    return "HTTP " + std::to_string(a.http_status) + " " + a.error_type + ": " + a.error;
  }
  std::string out = a.result_type + " (" + std::to_string(a.series.size()) + " series)";
  for (size_t i = 0; i < a.series.size() && i < max_series; ++i) {
    out += "\n      " + SeriesText(a.series[i]);
  }
  if (a.series.size() > max_series) out += "\n      ...";
  return out;
}

// The first difference between `want` (the reference) and `got`, or nullopt when they agree.
// Vectors are compared as sets keyed by their labels unless `ordered` (sort(), sort_desc());
// matrices in order (Prometheus returns them sorted by labels). Error messages are not compared,
// only that both failed with the same errorType and HTTP status.
// `*inexact` (if given) is set to the first difference when the answers agree only within the
// tolerance or fail with different error messages, and cleared otherwise.
inline std::optional<std::string> Compare(const Answer& want, const Answer& got, bool ordered,
                                          std::string* inexact = nullptr) {
  std::string ignored;
  if (inexact == nullptr) inexact = &ignored;
  inexact->clear();
  if (want.status.empty())
    return "the reference's answer is not API JSON: " + want.raw.substr(0, 300);
  if (got.status.empty()) return "the answer is not API JSON: " + got.raw.substr(0, 300);
  if (want.status != got.status) return "status " + want.status + " vs " + got.status;
  if (want.http_status != got.http_status) {
    return "HTTP status " + std::to_string(want.http_status) + " vs " +
           std::to_string(got.http_status);
  }
  if (want.status != "success") {
    if (want.error_type != got.error_type) {
      return "errorType " + want.error_type + " vs " + got.error_type;
    }
    if (want.error != got.error) *inexact = "error \"" + want.error + "\" vs \"" + got.error + "\"";
    return std::nullopt;
  }
  if (want.result_type != got.result_type) {
    return "resultType " + want.result_type + " vs " + got.result_type;
  }
  std::vector<Series> w = want.series, g = got.series;
  if (!ordered && want.result_type != "matrix") {
    // Vectors: the API's order is the engine's, unspecified unless the query sorts.
    auto by_labels = [](const Series& a, const Series& b) { return a.labels < b.labels; };
    std::stable_sort(w.begin(), w.end(), by_labels);
    std::stable_sort(g.begin(), g.end(), by_labels);
  }
  for (size_t i = 0; i < std::max(w.size(), g.size()); ++i) {
    if (i >= w.size()) return "extra series " + SeriesText(g[i]);
    if (i >= g.size()) return "missing series " + SeriesText(w[i]);
    if (w[i].labels != g[i].labels) {
      return "series #" + std::to_string(i) + ": " + w[i].labels + " vs " + g[i].labels;
    }
    const auto& wp = w[i].points;
    const auto& gp = g[i].points;
    for (size_t k = 0; k < std::max(wp.size(), gp.size()); ++k) {
      if (k >= wp.size()) {
        return w[i].labels + ": extra point " + gp[k].value + "@" + std::to_string(gp[k].t_ms);
      }
      if (k >= gp.size()) {
        return w[i].labels + ": missing point " + wp[k].value + "@" + std::to_string(wp[k].t_ms);
      }
      if (wp[k].t_ms != gp[k].t_ms) {
        return w[i].labels + ": point #" + std::to_string(k) + " at " + std::to_string(wp[k].t_ms) +
               " vs " + std::to_string(gp[k].t_ms);
      }
      const bool same = want.result_type == "string" ? wp[k].value == gp[k].value
                                                     : SameValue(wp[k].value, gp[k].value);
      if (!same) {
        return w[i].labels + " at " + std::to_string(wp[k].t_ms) + ": " + wp[k].value + " vs " +
               gp[k].value;
      }
      if (wp[k].value != gp[k].value && inexact->empty()) {
        *inexact = w[i].labels + " at " + std::to_string(wp[k].t_ms) + ": " + wp[k].value + " vs " +
                   gp[k].value;
      }
    }
  }
  return std::nullopt;
}

// Whether the API's order of the answer is part of the result: the query sorts at the top.
inline bool OrderMatters(const std::string& query) {
  return query.rfind("sort(", 0) == 0 || query.rfind("sort_desc(", 0) == 0;
}

struct CorpusQuery {
  std::string query;
  // Run as instant queries only: Prometheus's own range-query answer is not deterministic.
  bool instant_only = false;
};

// The queries of a corpus file: one a line; blank lines and lines starting with '#' skipped; a
// line "instant-only: <query>" is run as instant queries only.
inline std::vector<CorpusQuery> ReadCorpus(const std::string& path) {
  constexpr std::string_view kInstantOnly = "instant-only:";
  std::vector<CorpusQuery> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    const bool instant_only = std::string_view(line).substr(b).starts_with(kInstantOnly);
    if (instant_only) b = line.find_first_not_of(" \t", b + kInstantOnly.size());
    const size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos || b > e) continue;
    out.push_back({line.substr(b, e - b + 1), instant_only});
  }
  return out;
}

// `query` with each ${t0}, ${t0+N} and ${t0-N} (N in seconds) replaced by that Unix time in
// seconds, for @ modifiers and comparisons with timestamps.
inline std::string ExpandTimes(const std::string& query, int64_t t0_ms) {
  std::string out;
  size_t pos = 0;
  for (size_t b; (b = query.find("${t0", pos)) != std::string::npos;) {
    const size_t e = query.find('}', b);
    if (e == std::string::npos) break;
    const std::string offset = query.substr(b + 4, e - b - 4);
    const double n = offset.empty() ? 0 : std::strtod(offset.c_str(), nullptr);
    const int64_t t_ms = t0_ms + static_cast<int64_t>(std::llround(n * 1000));
    std::string frac = std::to_string(t_ms % 1000 + 1000).substr(1);
    out += query.substr(pos, b - pos) + std::to_string(t_ms / 1000) + "." + frac;
    pos = e + 1;
  }
  return out + query.substr(pos);
}

// An HTTP body as sent, with chunked transfer encoding (Go's server uses it for answers it did
// not buffer whole) undone. `response` is the whole response, headers included.
inline std::optional<std::string> HttpBody(const std::string& response) {
  const size_t hdr_end = response.find("\r\n\r\n");
  if (hdr_end == std::string::npos) return std::nullopt;
  std::string headers = response.substr(0, hdr_end);
  for (char& c : headers) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string body = response.substr(hdr_end + 4);
  if (headers.find("\r\ntransfer-encoding: chunked") == std::string::npos) return body;
  std::string out;
  for (size_t pos = 0;;) {
    const size_t eol = body.find("\r\n", pos);
    if (eol == std::string::npos) return std::nullopt;
    const size_t n = std::strtoul(body.substr(pos, eol - pos).c_str(), nullptr, 16);
    if (n == 0) return out;
    if (eol + 2 + n > body.size()) return std::nullopt;
    out.append(body, eol + 2, n);
    pos = eol + 2 + n + 2;
  }
}

// A time in the API's format: seconds with milliseconds.
inline std::string ApiTime(int64_t ms) {
  std::string frac = std::to_string(ms % 1000 + 1000).substr(1);
  return std::to_string(ms / 1000) + "." + frac;
}

}  // namespace strata::e2e::differential

#endif  // STRATA_TESTS_PROMQL_DIFFERENTIAL_UTIL_H_
