// Decode-only remote-write receiver: the floor under every storage engine. It serves the same
// HTTP server Strata uses (src/api/http_server), and for each push does only the work no receiver
// can avoid — snappy decompression and protobuf decoding (src/prompb) — then reads every label and
// sample once and answers 204. Nothing is stored. bench/compare runs the same pre-encoded load
// against it, so the report can show how far each system's storage costs sit above this floor.
//
//   decode_only_receiver -port=9109
//
// Endpoints: POST /api/v1/push (also /api/v1/write, /api/prom/push), GET /metrics (process_*
// metrics, as remote_write_load reads them, plus decode_only_samples_total), GET /ready.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

#include <unistd.h>

#include "api/http_server.h"
#include "api/http_types.h"
#include "metrics/process_collector.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"
#include "prompb/compression.h"
#include "prompb/decode.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

// Per worker thread, as the distributor keeps them: buffers keep their capacity across requests.
struct Scratch {
  std::string decompressed;
  strata::prompb::WriteRequestView view;
};

}  // namespace

int main(int argc, char** argv) {
  int port = 9109;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    while (*a == '-') a++;
    if (std::strncmp(a, "port=", 5) == 0) {
      port = std::atoi(a + 5);
    } else {
      std::fprintf(stderr, "usage: decode_only_receiver [-port=9109]\n");
      return 2;
    }
  }

  strata::metrics::Registry registry;
  if (auto s = strata::metrics::RegisterProcessCollector(&registry); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  auto samples_family = registry.NewCounterFamily("decode_only_samples_total",
                                                  "Samples decoded (and dropped).", {});
  auto checksum_family = registry.NewGaugeFamily(
      "decode_only_checksum", "Sum of decoded label bytes; keeps the decode observable.", {});
  if (!samples_family.ok() || !checksum_family.ok()) return 1;
  auto& samples_total = (*samples_family)->WithLabels(std::initializer_list<std::string_view>{});
  auto& checksum = (*checksum_family)->WithLabels(std::initializer_list<std::string_view>{});

  strata::api::HttpServer server(strata::api::HttpServerOptions{});
  auto push = [&](const strata::api::HttpRequest& req) -> strata::api::HttpResponse {
    if (auto r = strata::api::CheckMethod(req, {"POST"})) return *r;
    thread_local Scratch s;
    if (auto st = strata::prompb::DecompressSnappy(req.body, 100u << 20, &s.decompressed); !st.ok()) {
      return strata::api::TextResponse(400, std::string(st.message()));
    }
    if (auto st = strata::prompb::DecodeWriteRequest(s.decompressed, &s.view); !st.ok()) {
      return strata::api::TextResponse(400, std::string(st.message()));
    }
    // Read what a storage engine must read: every label and every sample.
    uint64_t label_bytes = 0;
    double values = 0;
    for (const auto& ts : s.view.timeseries) {
      for (const auto& l : s.view.LabelsOf(ts)) label_bytes += l.name.size() + l.value.size();
      for (const auto& smp : s.view.SamplesOf(ts)) values += smp.value;
    }
    samples_total.Add(s.view.samples.size());
    checksum.Set(static_cast<double>(label_bytes) + values * 0x1p-60);
    strata::api::HttpResponse resp;
    resp.status = 204;
    return resp;
  };
  server.Handle("/api/v1/push", push);
  server.Handle("/api/v1/write", push);
  server.Handle("/api/prom/push", push);
  server.Handle("/metrics", [&](const strata::api::HttpRequest&) {
    strata::api::HttpResponse resp;
    resp.content_type = std::string(strata::metrics::kTextContentType);
    resp.body = registry.TextExposition();
    return resp;
  });
  server.Handle("/ready", [](const strata::api::HttpRequest&) {
    return strata::api::TextResponse(200, "ready\n");
  });

  auto bound = server.Start("127.0.0.1", port);
  if (!bound.ok()) {
    std::fprintf(stderr, "%s\n", std::string(bound.status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "decode_only_receiver listening on 127.0.0.1:%d\n", *bound);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  while (!g_stop) pause();
  server.Stop();
  return 0;
}
