// Cortex's validation messages (pkg/util/validation/errors.go, validate.go) and the three ways
// it prints a label set in them. Used by validate.cc on its error path only; every function
// allocates. Pure functions; thread-safe.
#ifndef STRATA_DISTRIBUTOR_VALIDATE_MESSAGES_H_
#define STRATA_DISTRIBUTOR_VALIDATE_MESSAGES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "labels/labels.h"

namespace strata::distributor {

using LabelSpan = std::span<const labels::Label>;

// Cortex's formatLabelSet: labels in the order given, duplicates kept; the first __name__ with a
// non-empty value becomes the prefix, every other label is name="value" (value as Go's %q):
// `up{job="a", x="b"}`; `up` alone; `{}` for nothing.
std::string FormatLabelSet(LabelSpan ls);

// Prometheus model.Metric.String() of the labels put in a map (a later duplicate name wins):
// name="value" strings sorted as whole strings (so foo2="x" sorts before foo="y"), after the
// metric name: `m{foo2="bar2", foo="bar"}`; `m` alone; `{}` for nothing.
std::string FormatMetric(LabelSpan ls);

// Prometheus labels.Labels.String(): `{__name__="m", foo="bar"}` in the order given, a name
// quoted (%q) when it is not a legacy label name.
std::string FormatPromLabels(LabelSpan ls);

// Series messages. `ls` is the series' labels as validated (sorted, no empty values).
std::string InvalidMetricNameMessage(std::string_view metric_name);
std::string TooManyLabelsMessage(LabelSpan ls, int64_t limit);
std::string InvalidLabelMessage(LabelSpan ls, std::string_view name);
std::string LabelNameTooLongMessage(LabelSpan ls, std::string_view name, int64_t limit);
std::string LabelValueTooLongMessage(LabelSpan ls, std::string_view name, std::string_view value,
                                     int64_t limit);
std::string DuplicateLabelNameMessage(LabelSpan ls, std::string_view name);
std::string LabelsNotSortedMessage(LabelSpan ls, std::string_view name);
std::string LabelsSizeBytesExceededMessage(LabelSpan ls, int64_t size_bytes, int64_t limit);
std::string TimestampTooOldMessage(std::string_view metric_name, int64_t timestamp_ms);
std::string TimestampTooNewMessage(std::string_view metric_name, int64_t timestamp_ms);
std::string ExemplarLabelsMissingMessage(LabelSpan series, int64_t timestamp_ms);
std::string ExemplarTimestampInvalidMessage(LabelSpan series, LabelSpan exemplar,
                                            int64_t timestamp_ms);
std::string ExemplarLabelsTooLongMessage(LabelSpan series, LabelSpan exemplar,
                                         int64_t timestamp_ms);

inline constexpr std::string_view kMissingMetricNameMessage = "sample missing metric name";
inline constexpr std::string_view kEmptyLabelsMessage = "empty labels found";
inline constexpr std::string_view kMetadataMissingMetricNameMessage =
    "metadata missing metric name";

// "metadata '<kind>' value too long: %.200q metric %.200q"; kind is METRIC_NAME, HELP or UNIT.
std::string MetadataTooLongMessage(std::string_view kind, std::string_view value,
                                   std::string_view metric_family_name);

}  // namespace strata::distributor

#endif  // STRATA_DISTRIBUTOR_VALIDATE_MESSAGES_H_
