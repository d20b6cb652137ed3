// Remote-write receive cost: snappy decompression and protobuf decoding of a request shaped like
// what Prometheus sends (one sample per series, ~10 labels each), separately and together.
#include <cstdio>
#include <random>
#include <string>

#include "benchmark/benchmark.h"
#include "prompb/compression.h"
#include "prompb/decode.h"
#include "prompb/encode.h"
#include "prompb/write_request.h"

namespace strata::prompb {
namespace {

constexpr size_t kLimit = 100 << 20;

// `num_series` series of one sample each, labels sorted by name as Prometheus sends them:
// __name__, container, endpoint, instance, job, method, namespace, pod, service, status_code.
WriteRequest RealisticRequest(int num_series) {
  static const char* const kNames[] = {"http_requests_total",
                                       "http_request_duration_seconds_bucket",
                                       "process_cpu_seconds_total",
                                       "go_goroutines",
                                       "node_network_receive_bytes_total",
                                       "container_memory_working_set_bytes",
                                       "grpc_server_handled_total",
                                       "kube_pod_status_phase"};
  static const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  static const char* const kCodes[] = {"200", "201", "304", "404", "500", "503"};
  std::mt19937_64 rng(42);
  WriteRequest req;
  char buf[64];
  for (int i = 0; i < num_series; i++) {
    TimeSeries& ts = req.timeseries.emplace_back();
    const int pod = i / 40;
    ts.labels.push_back({"__name__", kNames[i % std::size(kNames)]});
    ts.labels.push_back({"container", "api-server"});
    ts.labels.push_back({"endpoint", "http-metrics"});
    std::snprintf(buf, sizeof buf, "10.42.%d.%d:8080", pod / 250, pod % 250);
    ts.labels.push_back({"instance", buf});
    ts.labels.push_back({"job", "kubernetes-pods"});
    ts.labels.push_back({"method", kMethods[(i / 8) % 4]});
    ts.labels.push_back({"namespace", "production"});
    std::snprintf(buf, sizeof buf, "api-server-7d9f8b6c4-%05d", pod);
    ts.labels.push_back({"pod", buf});
    ts.labels.push_back({"service", "api-server"});
    ts.labels.push_back({"status_code", kCodes[(i / 32) % 6]});
    const double value = static_cast<double>(rng() % 1000000) / 7.0;
    ts.samples.push_back({value, 1700000000000 + static_cast<int64_t>(i % 15000)});
  }
  return req;
}

struct Bodies {
  std::string body;
  std::string compressed;
  explicit Bodies(int num_series) {
    EncodeWriteRequest(RealisticRequest(num_series), &body);
    CompressSnappy(body, &compressed);
  }
};

void Report(benchmark::State& state, const Bodies& b, int samples) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * b.body.size()));
  // Seconds per sample, shown with an SI prefix ("115n" = 115 ns).
  state.counters["per_sample"] = benchmark::Counter(
      samples, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.SetLabel(std::to_string(b.body.size()) + " B body, " + std::to_string(b.compressed.size()) +
                 " B snappy");
}

void BM_DecompressSnappy(benchmark::State& state) {
  const Bodies b(static_cast<int>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    absl::Status st = DecompressSnappy(b.compressed, kLimit, &out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out.data());
  }
  Report(state, b, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_DecompressSnappy)->Arg(500)->Arg(2000)->Arg(10000);

void BM_DecodeWriteRequest(benchmark::State& state) {
  const Bodies b(static_cast<int>(state.range(0)));
  WriteRequestView view;
  for (auto _ : state) {
    absl::Status st = DecodeWriteRequest(b.body, &view);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(view.samples.data());
  }
  Report(state, b, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_DecodeWriteRequest)->Arg(500)->Arg(2000)->Arg(10000);

void BM_DecompressAndDecode(benchmark::State& state) {
  const Bodies b(static_cast<int>(state.range(0)));
  std::string body;
  WriteRequestView view;
  for (auto _ : state) {
    absl::Status st = DecompressSnappy(b.compressed, kLimit, &body);
    if (st.ok()) st = DecodeWriteRequest(body, &view);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(view.samples.data());
  }
  Report(state, b, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_DecompressAndDecode)->Arg(500)->Arg(2000)->Arg(10000);

// The sending side, for the load generator.
void BM_EncodeAndCompress(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const WriteRequest req = RealisticRequest(n);
  const Bodies b(n);
  std::string body, compressed;
  for (auto _ : state) {
    EncodeWriteRequest(req, &body);
    CompressSnappy(body, &compressed);
    benchmark::DoNotOptimize(compressed.data());
  }
  Report(state, b, n);
}
BENCHMARK(BM_EncodeAndCompress)->Arg(2000);

}  // namespace
}  // namespace strata::prompb
