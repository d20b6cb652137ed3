// Measures writing a range-query result as Prometheus JSON: series × 120 points (an hour at 30 s).
#include <string>

#include "api/query_json.h"
#include "benchmark/benchmark.h"
#include "util/strings.h"

namespace strata::api {
namespace {

promql::Matrix MakeMatrix(int series, int points) {
  promql::Matrix m;
  for (int s = 0; s < series; s++) {
    promql::Series ser{labels::Labels{{"__name__", "http_requests_total"},
                                      {"instance", StrCat("10.0.0.", s % 256, ":9090")},
                                      {"job", "api"},
                                      {"path", StrCat("/v1/items/", s)}},
                       {}};
    for (int p = 0; p < points; p++) {
      ser.points.push_back({1700000000000 + p * 30'000 + (p % 7), 1234.5 + p * 0.25 + s});
    }
    m.push_back(std::move(ser));
  }
  return m;
}

void BM_AppendQueryDataMatrix(benchmark::State& state) {
  const promql::Value v = MakeMatrix(static_cast<int>(state.range(0)), 120);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out;
    AppendQueryData(&out, v);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 120);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_AppendQueryDataMatrix)->Arg(10)->Arg(1000);

}  // namespace
}  // namespace strata::api
