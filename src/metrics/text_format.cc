#include "metrics/text_format.h"

#include <cmath>
#include <limits>

#include "util/check.h"
#include "util/float_format.h"

namespace strata::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Appends `s`, escaping backslash and newline, and the double quote too if `quote`.
void AppendEscaped(std::string* out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (quote && c == '"') {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// <name>_bucket{<pairs>[,]le="<le>"} and a space: a bucket line up to its value.
void AppendBucketSeries(std::string* out, std::string_view name, std::string_view pairs,
                        double le) {
  out->append(name);
  out->append("_bucket{");
  out->append(pairs);
  if (!pairs.empty()) out->push_back(',');
  out->append("le=\"");
  AppendFloat(out, le);
  out->append("\"} ");
}

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(IsNameStart(c) || IsDigit(c) || c == ':')) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!(IsNameStart(c) || IsDigit(c))) return false;
  }
  return true;
}

void AppendFloat(std::string* out, double v) {
  // client_golang writes any zero as "0"; Go's %g would write -0 as "-0".
  if (v == 0) {
    out->push_back('0');
    return;
  }
  AppendGoG(out, v);
}

void AppendEscapedHelp(std::string* out, std::string_view help) { AppendEscaped(out, help, false); }

void AppendEscapedLabelValue(std::string* out, std::string_view value) {
  AppendEscaped(out, value, true);
}

void AppendHeader(std::string* out, std::string_view name, std::string_view help, MetricType type) {
  out->append("# HELP ");
  out->append(name);
  out->push_back(' ');
  AppendEscapedHelp(out, help);
  out->append("\n# TYPE ");
  out->append(name);
  out->push_back(' ');
  out->append(TypeName(type));
  out->push_back('\n');
}

void AppendLabelPairs(std::string* out, std::span<const std::string> names,
                      std::span<const std::string> values) {
  DCHECK(names.size() == values.size());
  for (size_t i = 0; i < names.size(); i++) {
    if (i > 0) out->push_back(',');
    out->append(names[i]);
    out->append("=\"");
    AppendEscapedLabelValue(out, values[i]);
    out->push_back('"');
  }
}

void AppendSample(std::string* out, std::string_view name, std::string_view suffix,
                  std::string_view pairs, double value) {
  out->append(name);
  out->append(suffix);
  if (!pairs.empty()) {
    out->push_back('{');
    out->append(pairs);
    out->push_back('}');
  }
  out->push_back(' ');
  AppendFloat(out, value);
  out->push_back('\n');
}

void AppendHistogram(std::string* out, std::string_view name, std::string_view pairs,
                     const HistogramSnapshot& h) {
  DCHECK(h.upper_bounds.size() == h.cumulative_counts.size());
  for (size_t i = 0; i < h.upper_bounds.size(); i++) {
    AppendBucketSeries(out, name, pairs, h.upper_bounds[i]);
    AppendFloat(out, static_cast<double>(h.cumulative_counts[i]));
    out->push_back('\n');
  }
  AppendBucketSeries(out, name, pairs, std::numeric_limits<double>::infinity());
  AppendFloat(out, static_cast<double>(h.count));
  out->push_back('\n');
  AppendSample(out, name, "_sum", pairs, h.sum);
  AppendSample(out, name, "_count", pairs, static_cast<double>(h.count));
}

}  // namespace strata::metrics
