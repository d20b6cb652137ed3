// libFuzzer target: the PromQL parser (ParseExpr, as GET /api/v1/query calls it) and the series
// selector parser (ParseMetricSelector, as match[] is parsed) over the same text.
//
// Invariant checked beyond "does not crash": printer.h promises that ToString of a parsed query
// parses back to the same tree, so ToString(ParseExpr(ToString(e))) must equal ToString(e).
// Pretty() must not crash either.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "promql/parser/parser.h"
#include "promql/parser/printer.h"

namespace parser = strata::promql::parser;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Queries come from URLs and form bodies; longer inputs only slow the search down.
  if (size > 4096) return 0;
  std::string_view query(reinterpret_cast<const char*>(data), size);
  (void)parser::ParseMetricSelector(query);
  auto expr = parser::ParseExpr(query);
  if (!expr.ok()) return 0;
  const std::string printed = parser::ToString(**expr);
  (void)parser::Pretty(**expr);
  auto again = parser::ParseExpr(printed);
  if (!again.ok()) {
    std::fprintf(stderr, "promql_parser_fuzz: %s\nprints as %s\nwhich does not parse: %s\n",
                 std::string(query).c_str(), printed.c_str(),
                 std::string(again.status().message()).c_str());
    std::abort();
  }
  const std::string reprinted = parser::ToString(**again);
  if (reprinted != printed) {
    std::fprintf(stderr, "promql_parser_fuzz: %s\nprints as %s\nwhich reprints as %s\n",
                 std::string(query).c_str(), printed.c_str(), reprinted.c_str());
    std::abort();
  }
  return 0;
}
