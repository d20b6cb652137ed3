#include "promql/parser/functions.h"

#include <algorithm>

namespace strata::promql::parser {
namespace {

const std::vector<Function>& Table() {
  // Sorted by name for binary search.
  static const std::vector<Function>* const kTable = new std::vector<Function>{
      {"abs", {ValueType::kVector}, 0, ValueType::kVector},
      {"absent", {ValueType::kVector}, 0, ValueType::kVector},
      {"absent_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"acos", {ValueType::kVector}, 0, ValueType::kVector},
      {"acosh", {ValueType::kVector}, 0, ValueType::kVector},
      {"asin", {ValueType::kVector}, 0, ValueType::kVector},
      {"asinh", {ValueType::kVector}, 0, ValueType::kVector},
      {"atan", {ValueType::kVector}, 0, ValueType::kVector},
      {"atanh", {ValueType::kVector}, 0, ValueType::kVector},
      {"avg_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"ceil", {ValueType::kVector}, 0, ValueType::kVector},
      {"changes", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"clamp",
       {ValueType::kVector, ValueType::kScalar, ValueType::kScalar},
       0,
       ValueType::kVector},
      {"clamp_max", {ValueType::kVector, ValueType::kScalar}, 0, ValueType::kVector},
      {"clamp_min", {ValueType::kVector, ValueType::kScalar}, 0, ValueType::kVector},
      {"cos", {ValueType::kVector}, 0, ValueType::kVector},
      {"cosh", {ValueType::kVector}, 0, ValueType::kVector},
      {"count_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"day_of_month", {ValueType::kVector}, 1, ValueType::kVector},
      {"day_of_week", {ValueType::kVector}, 1, ValueType::kVector},
      {"day_of_year", {ValueType::kVector}, 1, ValueType::kVector},
      {"days_in_month", {ValueType::kVector}, 1, ValueType::kVector},
      {"deg", {ValueType::kVector}, 0, ValueType::kVector},
      {"delta", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"deriv", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"exp", {ValueType::kVector}, 0, ValueType::kVector},
      {"floor", {ValueType::kVector}, 0, ValueType::kVector},
      {"histogram_count", {ValueType::kVector}, 0, ValueType::kVector},
      {"histogram_fraction",
       {ValueType::kScalar, ValueType::kScalar, ValueType::kVector},
       0,
       ValueType::kVector},
      {"histogram_quantile", {ValueType::kScalar, ValueType::kVector}, 0, ValueType::kVector},
      {"histogram_sum", {ValueType::kVector}, 0, ValueType::kVector},
      {"holt_winters",
       {ValueType::kMatrix, ValueType::kScalar, ValueType::kScalar},
       0,
       ValueType::kVector},
      {"hour", {ValueType::kVector}, 1, ValueType::kVector},
      {"idelta", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"increase", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"irate", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"label_join",
       {ValueType::kVector, ValueType::kString, ValueType::kString, ValueType::kString},
       -1,
       ValueType::kVector},
      {"label_replace",
       {ValueType::kVector, ValueType::kString, ValueType::kString, ValueType::kString,
        ValueType::kString},
       0,
       ValueType::kVector},
      {"last_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"ln", {ValueType::kVector}, 0, ValueType::kVector},
      {"log10", {ValueType::kVector}, 0, ValueType::kVector},
      {"log2", {ValueType::kVector}, 0, ValueType::kVector},
      {"max_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"min_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"minute", {ValueType::kVector}, 1, ValueType::kVector},
      {"month", {ValueType::kVector}, 1, ValueType::kVector},
      {"pi", {}, 0, ValueType::kScalar},
      {"predict_linear", {ValueType::kMatrix, ValueType::kScalar}, 0, ValueType::kVector},
      {"present_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"quantile_over_time", {ValueType::kScalar, ValueType::kMatrix}, 0, ValueType::kVector},
      {"rad", {ValueType::kVector}, 0, ValueType::kVector},
      {"rate", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"resets", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"round", {ValueType::kVector, ValueType::kScalar}, 1, ValueType::kVector},
      {"scalar", {ValueType::kVector}, 0, ValueType::kScalar},
      {"sgn", {ValueType::kVector}, 0, ValueType::kVector},
      {"sin", {ValueType::kVector}, 0, ValueType::kVector},
      {"sinh", {ValueType::kVector}, 0, ValueType::kVector},
      {"sort", {ValueType::kVector}, 0, ValueType::kVector},
      {"sort_desc", {ValueType::kVector}, 0, ValueType::kVector},
      {"sqrt", {ValueType::kVector}, 0, ValueType::kVector},
      {"stddev_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"stdvar_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"sum_over_time", {ValueType::kMatrix}, 0, ValueType::kVector},
      {"tan", {ValueType::kVector}, 0, ValueType::kVector},
      {"tanh", {ValueType::kVector}, 0, ValueType::kVector},
      {"time", {}, 0, ValueType::kScalar},
      {"timestamp", {ValueType::kVector}, 0, ValueType::kVector},
      {"vector", {ValueType::kScalar}, 0, ValueType::kVector},
      {"year", {ValueType::kVector}, 1, ValueType::kVector},
  };
  return *kTable;
}

}  // namespace

const Function* GetFunction(std::string_view name) {
  const std::vector<Function>& t = Table();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const Function& f, std::string_view n) { return f.name < n; });
  if (it == t.end() || it->name != name) return nullptr;
  return &*it;
}

std::span<const Function> AllFunctions() { return Table(); }

}  // namespace strata::promql::parser
