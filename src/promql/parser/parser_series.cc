// Metric label sets and series descriptions of test scripts (Prometheus ParseMetric and
// ParseSeriesDesc).
#include <bit>
#include <cstring>

#include "labels/labels.h"
#include "promql/parser/parser.h"
#include "promql/parser/parser_internal.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace internal {
namespace {

constexpr std::string_view kSeriesValues = "series values";

}  // namespace

bool Parser::ParseMetricLabels(std::string* name,
                               std::vector<std::pair<std::string, std::string>>* labels) {
  Token t = Peek();
  if (IsMetricIdentifier(t.type)) {
    Take();
    *name = std::string(t.text);
  }
  if (Peek().type != TokenType::kLeftBrace) return true;
  Take();
  if (Peek().type == TokenType::kRightBrace) {
    Take();
    return true;
  }
  for (;;) {
    Token label = Peek();
    if (label.type != TokenType::kIdentifier) {
      Unexpected("label set", "identifier or \"}\"");
      return false;
    }
    Take();
    if (Peek().type != TokenType::kAssign) {
      Unexpected("label set", "\"=\"");
      return false;
    }
    Take();
    if (Peek().type != TokenType::kString) {
      Unexpected("label set", "string");
      return false;
    }
    labels->emplace_back(std::string(label.text), UnquoteValue(Take()));
    TokenType next = Peek().type;
    if (next == TokenType::kComma) {
      Take();
      if (Peek().type != TokenType::kRightBrace) continue;
      next = TokenType::kRightBrace;
    }
    if (next == TokenType::kRightBrace) {
      Take();
      return true;
    }
    Unexpected("label set", "\",\" or \"}\"");
    return false;
  }
}

bool Parser::ParseRepetitions(uint64_t* n) {
  if (Peek().type != TokenType::kNumber) {
    Unexpected(kSeriesValues, "number");
    return false;
  }
  Token t = Take();
  *n = 0;
  for (char c : t.text) {
    if (c < '0' || c > '9' || *n > (UINT64_MAX - 9) / 10) {
      AddError({t.pos, t.end()},
               StrCat("invalid repetition in series values: strconv.ParseUint: parsing \"", t.text,
                      "\": invalid syntax"));
      return false;
    }
    *n = *n * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

bool Parser::ParseSeriesValue(double* v) {
  Token t = Peek();
  if (t.type == TokenType::kIdentifier) {
    Take();
    if (t.text != "stale") {
      UnexpectedToken(t, kSeriesValues, "number or \"stale\"");
      failed_ = true;
      return false;
    }
    *v = std::bit_cast<double>(kStaleNaNBits);
    return true;
  }
  double sign = 1;
  if (t.type == TokenType::kAdd || t.type == TokenType::kSub) {
    sign = t.type == TokenType::kSub ? -1 : 1;
    Take();
  }
  if (Peek().type != TokenType::kNumber) {
    Unexpected(kSeriesValues, "number");
    return false;
  }
  *v = sign * NumberValue(Take());
  return true;
}

bool Parser::ParseSeriesItem(std::vector<SequenceValue>* values) {
  uint64_t n = 1;
  if (Peek().type == TokenType::kBlank) {  // "_" or "_xN": N omitted values
    Take();
    if (Peek().type == TokenType::kTimes && (Take(), !ParseRepetitions(&n))) return false;
    values->insert(values->end(), n, SequenceValue{0, true});
    return true;
  }
  double start = 0;
  double step = 0;
  if (!ParseSeriesValue(&start)) return false;
  TokenType next = Peek().type;
  if (next == TokenType::kAdd || next == TokenType::kSub) {  // "a+bxN"
    if (!ParseSeriesValue(&step)) return false;
    if (Peek().type != TokenType::kTimes) {
      Unexpected(kSeriesValues, "\"x\"");
      return false;
    }
    next = TokenType::kTimes;
  }
  if (next != TokenType::kTimes) {
    values->push_back(SequenceValue{start, false});
    return true;
  }
  Take();
  if (!ParseRepetitions(&n)) return false;
  // N+1 values, each the previous plus the step, accumulated as Prometheus does.
  for (uint64_t i = 0; i <= n; i++) {
    values->push_back(SequenceValue{start, false});
    start += step;
  }
  return true;
}

bool Parser::ParseSeriesValues(std::vector<SequenceValue>* values) {
  for (;;) {
    TokenType t = Peek().type;
    if (t == TokenType::kEOF) return !failed_;
    if (t != TokenType::kSpace) {
      Unexpected(kSeriesValues, "");
      return false;
    }
    Take();
    t = Peek().type;
    if (t == TokenType::kSpace || t == TokenType::kEOF) continue;
    if (!ParseSeriesItem(values)) return false;
  }
}

}  // namespace internal

namespace {

labels::Labels BuildLabels(const std::string& name,
                           const std::vector<std::pair<std::string, std::string>>& pairs) {
  labels::Builder b;
  for (const auto& [n, v] : pairs) b.Set(n, v);
  if (!name.empty()) b.Set("__name__", name);
  return b.Build();
}

absl::Status FirstError(std::string_view input, const std::vector<ParseError>& errors) {
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(errors.front().ToString(input));
}

}  // namespace

absl::StatusOr<labels::Labels> ParseMetric(std::string_view input) {
  internal::Parser p(input);
  std::string name;
  std::vector<std::pair<std::string, std::string>> pairs;
  if (p.ParseMetricLabels(&name, &pairs)) p.ParseEnd();
  RETURN_IF_ERROR(FirstError(input, p.errors()));
  return BuildLabels(name, pairs);
}

absl::StatusOr<SeriesDescription> ParseSeriesDesc(std::string_view input) {
  internal::Parser p(input, /*series_desc=*/true);
  std::string name;
  std::vector<std::pair<std::string, std::string>> pairs;
  SeriesDescription desc;
  if (p.ParseMetricLabels(&name, &pairs)) p.ParseSeriesValues(&desc.values);
  RETURN_IF_ERROR(FirstError(input, p.errors()));
  desc.labels = BuildLabels(name, pairs);
  return desc;
}

}  // namespace strata::promql::parser
