// The Prometheus text exposition format, version 0.0.4: the pieces a scrape page is made of.
//
//   # HELP <name> <help, with \ and newline escaped>
//   # TYPE <name> counter|gauge|histogram
//   <name>{<label>="<value, with \ " and newline escaped>",...} <value>
//
// Values are written as client_golang writes them (expfmt writeFloat): 0 and -0 as "0", NaN,
// +Inf, -Inf, else Go's shortest %g ("100000", "1.234567e+06", "1e-05"). Label pairs appear in
// the order given; callers pass them sorted by name, as client_golang does.
#ifndef STRATA_METRICS_TEXT_FORMAT_H_
#define STRATA_METRICS_TEXT_FORMAT_H_

#include <span>
#include <string>
#include <string_view>

#include "metrics/metric.h"

namespace strata::metrics {

// The Content-Type of a page written with these functions.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]* (the reserved "__" prefix is the Registry's concern).
bool IsValidLabelName(std::string_view name);

void AppendFloat(std::string* out, double v);
// Escapes \ and newline (HELP text).
void AppendEscapedHelp(std::string* out, std::string_view help);
// Escapes \, " and newline (label values).
void AppendEscapedLabelValue(std::string* out, std::string_view value);

// The `# HELP` and `# TYPE` lines of a family.
void AppendHeader(std::string* out, std::string_view name, std::string_view help, MetricType type);

// The text between the braces of a series: a="x",b="y" (empty without labels).
// REQUIRES: names.size() == values.size().
void AppendLabelPairs(std::string* out, std::span<const std::string> names,
                      std::span<const std::string> values);

// One sample line: <name><suffix>{<pairs>} <value>. `pairs` comes from AppendLabelPairs.
void AppendSample(std::string* out, std::string_view name, std::string_view suffix,
                  std::string_view pairs, double value);

// The _bucket lines (cumulative, ending with le="+Inf"), _sum and _count of one histogram series.
void AppendHistogram(std::string* out, std::string_view name, std::string_view pairs,
                     const HistogramSnapshot& h);

}  // namespace strata::metrics

#endif  // STRATA_METRICS_TEXT_FORMAT_H_
