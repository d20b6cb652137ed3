// Measures parsing (lexing, parsing and type checking) and printing of typical queries.
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "promql/parser/lexer.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"

namespace strata::promql::parser {
namespace {

const std::vector<std::string>& Queries() {
  static const std::vector<std::string>* const kQueries = new std::vector<std::string>{
      "up",
      R"(http_requests_total{job="api", code=~"5.."})",
      R"(sum by (job) (rate(http_requests_total{job="api"}[5m])))",
      R"(histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="api", handler="/query"}[5m]))))",
      R"(sum(rate(errors_total[5m])) / on(job) group_left sum(rate(requests_total[5m])) > bool 0.05 or vector(0))",
      R"(max_over_time(deriv(rate(node_cpu_seconds_total{mode!="idle"}[1m])[30m:1m] offset 1h @ 1700000000)[1h:]))",
  };
  return *kQueries;
}

void BM_ParseExpr(benchmark::State& state) {
  const std::string& q = Queries()[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    absl::StatusOr<ExprPtr> e = ParseExpr(q);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * q.size()));
}
BENCHMARK(BM_ParseExpr)->DenseRange(0, 5);

void BM_Lex(benchmark::State& state) {
  const std::string& q = Queries()[static_cast<size_t>(state.range(0))];
  for (auto _ : state) {
    Lexer l(q);
    for (Token t = l.Next(); t.type != TokenType::kEOF; t = l.Next()) benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_Lex)->Arg(2)->Arg(5);

void BM_ToString(benchmark::State& state) {
  ExprPtr e = *ParseExpr(Queries()[static_cast<size_t>(state.range(0))]);
  for (auto _ : state) benchmark::DoNotOptimize(ToString(*e));
}
BENCHMARK(BM_ToString)->Arg(2)->Arg(5);

void BM_ParseError(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ParseExpr("sum by (job) (rate(foo[5m]) bar)"));
}
BENCHMARK(BM_ParseError);

}  // namespace
}  // namespace strata::promql::parser
