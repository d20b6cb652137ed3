// Remote-write load driver: pushes pre-encoded Prometheus remote-write requests to a server and
// reports samples/s, and — read from the server's own /metrics — CPU per sample and RSS growth per
// series. Works against Strata or any remote-write receiver (Prometheus with
// --web.enable-remote-write-receiver: pass -metrics_path=/metrics and -push_path=/api/v1/write).
//
//   remote_write_load -port=9009 -series=100000 -samples=120 -ooo_fraction=0.1 -tenants=1
//                     -connections=2 -batch=2000 [-start_ms=now] [-namespaces=10 -metric_names=4]
//
// Requests are built before the clock starts (as Prometheus sends them: one sample per series per
// request, `batch` samples per request), so the figures measure the receiver, not the generator.
// Connection c sends the batches whose index within a round is c modulo `connections`, in round
// order, so every series' samples arrive in time order (as from Prometheus's shards): an in-order
// receiver never sees a sample overtake an earlier one of the same series.
//
// -start_ms: timestamp of the first round (default 1700000000000); "now" means now minus the
//   load's time span, rounded down to the interval, so the last round lands just before now
//   (receivers with a wall-clock retention, e.g. VictoriaMetrics, keep such data).
// -namespaces=N: adds label namespace="ns-<series % N>" (0: no such label).
// -metric_names=N: spreads series over N metric names, series % N picking one of
//   node_cpu_seconds_total, process_cpu_seconds_total, container_cpu_seconds_total,
//   http_requests_total, then m<k>_total (default 1: every series is node_cpu_seconds_total).
// -openmetrics=PATH: writes the load's samples to PATH as OpenMetrics (see WriteOpenMetrics)
//   instead of pushing them.
// The last output line is machine-readable for bench/compare: "raw server_cpu_seconds=...".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "prompb/compression.h"
#include "prompb/encode.h"

namespace {

struct Options {
  int port = 9009;
  std::string push_path = "/api/v1/push";
  std::string metrics_path = "/metrics";
  int series = 10000;
  int samples = 120;  // per series
  double ooo_fraction = 0;
  int64_t ooo_max_ms = 30 * 60 * 1000;
  int tenants = 1;
  int connections = 2;
  int batch = 2000;  // samples per request
  int64_t interval_ms = 15000;
  int64_t start_ms = 1700000000000;
  int namespaces = 0;
  int metric_names = 1;
  std::string openmetrics;  // if set: write the load there as OpenMetrics and push nothing
};

bool ParseFlag(const char* arg, const char* name, std::string* out) {
  size_t n = std::strlen(name);
  if (std::strncmp(arg, "-", 1) != 0) return false;
  const char* a = arg[1] == '-' ? arg + 2 : arg + 1;
  if (std::strncmp(a, name, n) != 0 || a[n] != '=') return false;
  *out = a + n + 1;
  return true;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  std::string start;
  for (int i = 1; i < argc; i++) {
    std::string v;
    if (ParseFlag(argv[i], "port", &v)) o.port = std::stoi(v);
    else if (ParseFlag(argv[i], "push_path", &v)) o.push_path = v;
    else if (ParseFlag(argv[i], "metrics_path", &v)) o.metrics_path = v;
    else if (ParseFlag(argv[i], "series", &v)) o.series = std::stoi(v);
    else if (ParseFlag(argv[i], "samples", &v)) o.samples = std::stoi(v);
    else if (ParseFlag(argv[i], "ooo_fraction", &v)) o.ooo_fraction = std::stod(v);
    else if (ParseFlag(argv[i], "tenants", &v)) o.tenants = std::stoi(v);
    else if (ParseFlag(argv[i], "connections", &v)) o.connections = std::stoi(v);
    else if (ParseFlag(argv[i], "batch", &v)) o.batch = std::stoi(v);
    else if (ParseFlag(argv[i], "interval_ms", &v)) o.interval_ms = std::stoll(v);
    else if (ParseFlag(argv[i], "start_ms", &v)) start = v;
    else if (ParseFlag(argv[i], "namespaces", &v)) o.namespaces = std::stoi(v);
    else if (ParseFlag(argv[i], "metric_names", &v)) o.metric_names = std::stoi(v);
    else if (ParseFlag(argv[i], "openmetrics", &v)) o.openmetrics = v;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (start == "now") {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    o.start_ms = (now - o.samples * o.interval_ms) / o.interval_ms * o.interval_ms;
  } else if (!start.empty()) {
    o.start_ms = std::stoll(start);
  }
  if (o.connections < 1 || o.batch < 1 || o.tenants < 1 || o.metric_names < 1) {
    std::fprintf(stderr, "connections, batch, tenants and metric_names must be >= 1\n");
    std::exit(2);
  }
  return o;
}

struct Request {
  std::string tenant;
  std::string body;
  int samples;
  int batch_index;  // within its round: picks the connection
};

std::string MetricName(int k) {
  static const char* const kNames[] = {"node_cpu_seconds_total", "process_cpu_seconds_total",
                                       "container_cpu_seconds_total", "http_requests_total"};
  if (k < 4) return kNames[k];
  return "m" + std::to_string(k) + "_total";
}

// The load's samples in push order: one request per (scrape round, batch of series), with labels
// shaped like a node exporter's. Calls on_series(s, ts) for each series of a request, then
// on_request(tenant, batch_index, req) once the request is full.
template <typename OnSeries, typename OnRequest>
void GenerateLoad(const Options& o, OnSeries on_series, OnRequest on_request) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0, 1);
  const int64_t start = o.start_ms;
  for (int round = 0; round < o.samples; round++) {
    for (int first = 0; first < o.series; first += o.batch) {
      strata::prompb::WriteRequest req;
      for (int s = first; s < std::min(o.series, first + o.batch); s++) {
        strata::prompb::TimeSeries ts;
        ts.labels = {{"__name__", MetricName(s % o.metric_names)},
                     {"cpu", std::to_string(s % 64)},
                     {"instance", "host-" + std::to_string(s / 640) + ":9100"},
                     {"job", "node"},
                     {"mode", "user"}};
        if (o.namespaces > 0) ts.labels.push_back({"namespace", "ns-" + std::to_string(s % o.namespaces)});
        ts.labels.push_back({"series", std::to_string(s)});
        int64_t t = start + round * o.interval_ms;
        if (o.ooo_fraction > 0 && round > 0 && unit(rng) < o.ooo_fraction) {
          t -= static_cast<int64_t>(unit(rng) * o.ooo_max_ms) + 1;
        }
        ts.samples.push_back({round * 1.5 + s, t});
        on_series(s, ts);
        req.timeseries.push_back(std::move(ts));
      }
      on_request("tenant-" + std::to_string((first / o.batch) % o.tenants), first / o.batch, req);
    }
  }
}

std::vector<Request> BuildRequests(const Options& o) {
  std::vector<Request> out;
  std::string raw;
  GenerateLoad(
      o, [](int, const strata::prompb::TimeSeries&) {},
      [&](const std::string& tenant, int batch_index, const strata::prompb::WriteRequest& req) {
        Request r;
        r.tenant = tenant;
        r.samples = static_cast<int>(req.timeseries.size());
        r.batch_index = batch_index;
        strata::prompb::EncodeWriteRequest(req, &raw);
        strata::prompb::CompressSnappy(raw, &r.body);
        out.push_back(std::move(r));
      });
  return out;
}

// The same samples as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`
// (Prometheus's own block writer on exactly the data the servers were sent): each series' samples
// in time order, and of samples with the same timestamp only the first pushed, which is the one
// a TSDB keeps (the later one is a duplicate).
int WriteOpenMetrics(const Options& o, const std::string& path) {
  std::vector<std::string> names(o.series);
  std::vector<std::vector<std::pair<int64_t, double>>> samples(o.series);
  GenerateLoad(
      o,
      [&](int s, const strata::prompb::TimeSeries& ts) {
        if (names[s].empty()) {
          names[s] = ts.labels[0].value + "{";
          for (size_t i = 1; i < ts.labels.size(); i++) {
            names[s] += (i > 1 ? "," : "") + ts.labels[i].name + "=\"" + ts.labels[i].value + "\"";
          }
          names[s] += "}";
        }
        samples[s].emplace_back(ts.samples[0].timestamp_ms, ts.samples[0].value);
      },
      [](const std::string&, int, const strata::prompb::WriteRequest&) {});
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  for (int s = 0; s < o.series; s++) {
    auto& v = samples[s];
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < v.size(); i++) {
      if (i > 0 && v[i].first == v[i - 1].first) continue;
      std::fprintf(f, "%s %.17g %lld.%03lld\n", names[s].c_str(), v[i].second,
                   static_cast<long long>(v[i].first / 1000), static_cast<long long>(v[i].first % 1000));
    }
  }
  std::fprintf(f, "# EOF\n");
  return std::fclose(f) == 0 ? 0 : 1;
}

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  return fd;
}

// Sends one request on a keep-alive connection; returns the HTTP status and fills `body`.
int Roundtrip(int fd, const std::string& head, const std::string& payload, std::string* body) {
  std::string msg = head + payload;
  for (size_t off = 0; off < msg.size();) {
    ssize_t n = ::write(fd, msg.data() + off, msg.size() - off);
    if (n <= 0) return 0;
    off += n;
  }
  std::string resp;
  char buf[65536];
  size_t need = std::string::npos;
  while (need == std::string::npos || resp.size() < need) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return 0;
    resp.append(buf, n);
    size_t hdr = resp.find("\r\n\r\n");
    if (hdr != std::string::npos && need == std::string::npos) {
      size_t cl = resp.find("Content-Length: ");
      if (cl == std::string::npos) cl = resp.find("content-length: ");
      size_t len = cl == std::string::npos ? 0 : std::strtoul(resp.c_str() + cl + 16, nullptr, 10);
      need = hdr + 4 + len;
    }
  }
  *body = resp.substr(resp.find("\r\n\r\n") + 4);
  return std::atoi(resp.substr(9, 3).c_str());
}

// Reads one metric from the server's /metrics. The request asks for the connection to close and the
// answer is read to EOF, so chunked responses (Go servers: Prometheus, VictoriaMetrics) work too.
double MetricOf(const Options& o, const char* name) {
  int fd = Connect(o.port);
  const std::string req = "GET " + o.metrics_path +
                          " HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n"
                          "Connection: close\r\n\r\n";
  for (size_t off = 0; off < req.size();) {
    ssize_t n = ::write(fd, req.data() + off, req.size() - off);
    if (n <= 0) break;
    off += n;
  }
  std::string body;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) body.append(buf, n);
  ::close(fd);
  size_t p = 0;
  while ((p = body.find(name, p)) != std::string::npos) {
    if ((p == 0 || body[p - 1] == '\n') && body[p + std::strlen(name)] == ' ') {
      return std::strtod(body.c_str() + p + std::strlen(name) + 1, nullptr);
    }
    p++;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  if (!o.openmetrics.empty()) return WriteOpenMetrics(o, o.openmetrics);
  std::fprintf(stderr, "building %d x %d samples...\n", o.series, o.samples);
  const std::vector<Request> reqs = BuildRequests(o);
  const double cpu0 = MetricOf(o, "process_cpu_seconds_total");
  const double rss0 = MetricOf(o, "process_resident_memory_bytes");
  std::atomic<int64_t> samples_ok{0}, errors{0};
  auto t0 = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> workers;
    for (int c = 0; c < o.connections; c++) {
      workers.emplace_back([&, c] {
        int fd = Connect(o.port);
        std::string body;
        int64_t reported = 0;
        for (size_t i = 0; i < reqs.size(); i++) {
          const Request& r = reqs[i];
          if (r.batch_index % o.connections != c) continue;
          std::string head = "POST " + o.push_path + " HTTP/1.1\r\nHost: x\r\nX-Scope-OrgID: " +
                             r.tenant + "\r\nContent-Type: application/x-protobuf\r\n" +
                             "Content-Encoding: snappy\r\nContent-Length: " +
                             std::to_string(r.body.size()) + "\r\n\r\n";
          int status = Roundtrip(fd, head, r.body, &body);
          if (status / 100 == 2) {
            samples_ok += r.samples;
          } else {
            if (reported++ < 3) {
              std::fprintf(stderr, "HTTP %d: %.200s\n", status, body.c_str());
            }
            errors++;
            if (status == 0) {
              ::close(fd);
              fd = Connect(o.port);
            }
          }
        }
        ::close(fd);
      });
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu1 = MetricOf(o, "process_cpu_seconds_total");
  const double rss1 = MetricOf(o, "process_resident_memory_bytes");
  const double total = static_cast<double>(samples_ok.load());
  std::printf("samples=%.0f seconds=%.3f samples_per_s=%.0f errors=%lld\n", total, secs,
              total / secs, static_cast<long long>(errors.load()));
  if (cpu0 >= 0 && cpu1 >= 0) {
    std::printf("server_cpu_us_per_sample=%.3f rss_growth_bytes_per_series=%.0f\n",
                (cpu1 - cpu0) * 1e6 / total, (rss1 - rss0) / o.series);
  }
  std::printf("raw server_cpu_seconds=%.3f rss_before=%.0f rss_after=%.0f samples=%.0f seconds=%.3f "
              "errors=%lld start_ms=%lld end_ms=%lld\n",
              cpu1 - cpu0, rss0, rss1, total, secs, static_cast<long long>(errors.load()),
              static_cast<long long>(o.start_ms),
              static_cast<long long>(o.start_ms + (o.samples - 1) * o.interval_ms));
  return errors.load() == 0 ? 0 : 1;
}
