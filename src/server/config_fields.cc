#include "server/config_fields.h"

#include "server/config_value.h"
#include "util/status_macros.h"

namespace strata::server {

std::string_view KindExpectation(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kInt:
      return "an integer";
    case Kind::kFloat:
      return "a number";
    case Kind::kBool:
      return "a boolean";
    case Kind::kDuration:
      return "a duration";
    case Kind::kDurationList:
      return "a list of durations";
  }
  return "a value";
}

absl::Status ParseField(Kind, std::string_view text, std::string* out) {
  *out = std::string(text);
  return absl::OkStatus();
}

absl::Status ParseField(Kind kind, std::string_view text, int64_t* out) {
  ASSIGN_OR_RETURN(*out, kind == Kind::kDuration ? ParseDurationValue(text) : ParseIntValue(text));
  return absl::OkStatus();
}

absl::Status ParseField(Kind, std::string_view text, double* out) {
  ASSIGN_OR_RETURN(*out, ParseFloatValue(text));
  return absl::OkStatus();
}

absl::Status ParseField(Kind, std::string_view text, bool* out) {
  ASSIGN_OR_RETURN(*out, ParseBoolValue(text));
  return absl::OkStatus();
}

absl::Status ParseField(Kind, std::string_view text, std::vector<int64_t>* out) {
  ASSIGN_OR_RETURN(*out, ParseDurationListValue(text));
  return absl::OkStatus();
}

std::string FormatField(Kind, const std::string& value) { return value; }

std::string FormatField(Kind kind, int64_t value) {
  return kind == Kind::kDuration ? FormatDurationValue(value) : std::to_string(value);
}

std::string FormatField(Kind, double value) { return FormatFloatValue(value); }

std::string FormatField(Kind, bool value) { return FormatBoolValue(value); }

std::string FormatField(Kind, const std::vector<int64_t>& value) {
  return FormatDurationListValue(value);
}

}  // namespace strata::server
