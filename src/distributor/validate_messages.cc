#include "distributor/validate_messages.h"

#include <algorithm>
#include <map>
#include <vector>

#include "util/go_strings.h"
#include "distributor/validate.h"
#include "util/strings.h"

namespace strata::distributor {
namespace {

// "name=" + %q(value): the form of one label in FormatLabelSet and FormatMetric.
std::string NameEqualsQuoted(const labels::Label& l) {
  std::string s(l.name);
  s.push_back('=');
  AppendGoQuote(&s, l.value);
  return s;
}

void AppendJoined(std::string* out, const std::vector<std::string>& parts) {
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out->append(", ");
    out->append(parts[i]);
  }
}

// %.200q of `s`.
std::string Q(std::string_view s) { return GoQuotePrefix(s, kCortexQuotePrecision); }

// "<message>: %.200q metric %.200q", the shape of Cortex's genericValidationError.
std::string Generic(std::string_view message, std::string_view cause, LabelSpan ls) {
  return StrCat(message, ": ", Q(cause), " metric ", Q(FormatLabelSet(ls)));
}

std::string ExemplarMessage(std::string_view what, LabelSpan series, LabelSpan exemplar,
                            int64_t timestamp_ms) {
  return StrCat(what, ", timestamp: ", timestamp_ms, " series: ", FormatPromLabels(series),
                " labels: ", FormatPromLabels(exemplar));
}

}  // namespace

std::string FormatLabelSet(LabelSpan ls) {
  std::string_view metric_name;
  bool has_metric_name = false;
  std::vector<std::string> parts;
  for (const labels::Label& l : ls) {
    if (l.name == labels::kMetricName && !has_metric_name && !l.value.empty()) {
      metric_name = l.value;
      has_metric_name = true;
    } else {
      parts.push_back(NameEqualsQuoted(l));
    }
  }
  if (parts.empty()) return has_metric_name ? std::string(metric_name) : "{}";
  std::string out(metric_name);
  out.push_back('{');
  AppendJoined(&out, parts);
  out.push_back('}');
  return out;
}

std::string FormatMetric(LabelSpan ls) {
  std::map<std::string_view, std::string_view> m;  // a Go map: the last value of a name wins
  for (const labels::Label& l : ls) m[l.name] = l.value;
  auto name_it = m.find(labels::kMetricName);
  const bool has_name = name_it != m.end();
  std::vector<std::string> parts;
  for (const auto& [name, value] : m) {
    if (name != labels::kMetricName) parts.push_back(NameEqualsQuoted({name, value}));
  }
  if (parts.empty()) return has_name ? std::string(name_it->second) : "{}";
  std::sort(parts.begin(), parts.end());  // whole "name=\"value\"" strings, bytewise, as Go
  std::string out(has_name ? name_it->second : std::string_view());
  out.push_back('{');
  AppendJoined(&out, parts);
  out.push_back('}');
  return out;
}

std::string FormatPromLabels(LabelSpan ls) {
  std::string out = "{";
  for (size_t i = 0; i < ls.size(); ++i) {
    if (i > 0) out.append(", ");
    if (IsValidLabelName(ls[i].name, NameValidationScheme::kLegacy)) {
      out.append(ls[i].name);
    } else {
      AppendGoQuote(&out, ls[i].name);
    }
    out.push_back('=');
    AppendGoQuote(&out, ls[i].value);
  }
  out.push_back('}');
  return out;
}

std::string InvalidMetricNameMessage(std::string_view metric_name) {
  return StrCat("sample invalid metric name: ", Q(metric_name));
}

std::string TooManyLabelsMessage(LabelSpan ls, int64_t limit) {
  return StrCat("series has too many labels (actual: ", ls.size(), ", limit: ", limit,
                ") series: '", FormatMetric(ls), "'");
}

std::string InvalidLabelMessage(LabelSpan ls, std::string_view name) {
  return Generic("sample invalid label", name, ls);
}

std::string LabelNameTooLongMessage(LabelSpan ls, std::string_view name, int64_t limit) {
  return StrCat("label name too long for metric (actual: ", name.size(), ", limit: ", limit,
                ") metric: ", Q(FormatLabelSet(ls)), " label name: ", Q(name));
}

std::string LabelValueTooLongMessage(LabelSpan ls, std::string_view name, std::string_view value,
                                     int64_t limit) {
  return StrCat("label value too long for metric (actual: ", value.size(), ", limit: ", limit,
                ") metric: ", Q(FormatLabelSet(ls)), " label name: ", Q(name),
                " label value: ", Q(value));
}

std::string DuplicateLabelNameMessage(LabelSpan ls, std::string_view name) {
  return Generic("duplicate label name", name, ls);
}

std::string LabelsNotSortedMessage(LabelSpan ls, std::string_view name) {
  return Generic("labels not sorted", name, ls);
}

std::string LabelsSizeBytesExceededMessage(LabelSpan ls, int64_t size_bytes, int64_t limit) {
  return StrCat("labels size bytes exceeded for metric (actual: ", size_bytes, ", limit: ", limit,
                ") metric: ", Q(FormatLabelSet(ls)));
}

std::string TimestampTooOldMessage(std::string_view metric_name, int64_t timestamp_ms) {
  return StrCat("timestamp too old: ", timestamp_ms, " metric: ", Q(metric_name));
}

std::string TimestampTooNewMessage(std::string_view metric_name, int64_t timestamp_ms) {
  return StrCat("timestamp too new: ", timestamp_ms, " metric: ", Q(metric_name));
}

std::string ExemplarLabelsMissingMessage(LabelSpan series, int64_t timestamp_ms) {
  return ExemplarMessage("exemplar missing labels", series, {}, timestamp_ms);
}

std::string ExemplarTimestampInvalidMessage(LabelSpan series, LabelSpan exemplar,
                                            int64_t timestamp_ms) {
  return ExemplarMessage("exemplar missing timestamp", series, exemplar, timestamp_ms);
}

std::string ExemplarLabelsTooLongMessage(LabelSpan series, LabelSpan exemplar,
                                         int64_t timestamp_ms) {
  return ExemplarMessage("exemplar combined labelset exceeds 128 characters", series, exemplar,
                         timestamp_ms);
}

std::string MetadataTooLongMessage(std::string_view kind, std::string_view value,
                                   std::string_view metric_family_name) {
  return StrCat("metadata '", kind, "' value too long: ", Q(value), " metric ",
                Q(metric_family_name));
}

}  // namespace strata::distributor
