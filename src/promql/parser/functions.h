// The PromQL function table of Prometheus 2.42 (promql/parser/functions.go): names, argument
// types and return types used by the parser's type checks. Evaluation lives in the engine.
#ifndef STRATA_PROMQL_PARSER_FUNCTIONS_H_
#define STRATA_PROMQL_PARSER_FUNCTIONS_H_

#include <span>
#include <string_view>
#include <vector>

#include "promql/parser/ast.h"

namespace strata::promql::parser {

struct Function {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types.size() arguments. N > 0: the last argument is optional and may be
  // repeated up to N times in all (so between size()-1 and size()-1+N arguments). -1: the last
  // argument may repeat without limit (at least size()-1 arguments).
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
};

// The function called `name` (case-sensitive), or nullptr. The result has static storage.
const Function* GetFunction(std::string_view name);

// Every function, sorted by name.
std::span<const Function> AllFunctions();

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_FUNCTIONS_H_
