#include "distributor/validate.h"

#include <algorithm>
#include <limits>

#include "util/go_strings.h"
#include "distributor/validate_messages.h"

namespace strata::distributor {
namespace {

using labels::Label;
using prompb::TimeSeriesView;
using prompb::WriteRequestView;

constexpr std::string_view kReasonNames[kNumDiscardReasons] = {
    "",
    "missing_metric_name",
    "metric_name_invalid",
    "user_label_removal_configuration",
    "max_label_names_per_series",
    "label_invalid",
    "label_name_too_long",
    "label_value_too_long",
    "duplicate_label_names",
    "labels_not_sorted",
    "labels_size_bytes_exceeded",
    "greater_than_max_sample_age",
    "too_far_in_future",
    "exemplar_labels_missing",
    "exemplar_timestamp_invalid",
    "exemplar_labels_too_long",
    "metric_name_too_long",
    "help_too_long",
    "unit_too_long",
    "rate_limited",
};

// The combined rune length of an exemplar's label names and values that OpenMetrics allows.
constexpr size_t kExemplarMaxLabelSetRunes = 128;
// Unsorted label sets up to this size are insertion-sorted in place (no allocation).
constexpr size_t kInsertionSortMax = 64;

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

size_t UvarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// The encoded size of a prometheus.Label's fields, the measure of max_labels_size_bytes.
int64_t LabelProtoSize(const Label& l) {
  size_t n = 0;
  if (!l.name.empty()) n += 1 + UvarintSize(l.name.size()) + l.name.size();
  if (!l.value.empty()) n += 1 + UvarintSize(l.value.size()) + l.value.size();
  return static_cast<int64_t>(n);
}

// The value of the first __name__ label, or "" (Cortex's UnsafeMetricNameFromLabelAdapters).
const Label* FindMetricName(std::span<const Label> ls) {
  for (const Label& l : ls) {
    if (l.name == labels::kMetricName) return &l;
  }
  return nullptr;
}

bool IsSortedByName(std::span<const Label> ls) {
  for (size_t i = 1; i < ls.size(); ++i) {
    if (ls[i - 1].name > ls[i].name) return false;
  }
  return true;
}

// Sorts by name, keeping the order of equal names (the duplicate check reports the second).
void SortByName(std::span<Label> ls) {
  if (IsSortedByName(ls)) return;
  auto by_name = [](const Label& a, const Label& b) { return a.name < b.name; };
  if (ls.size() > kInsertionSortMax) {
    std::stable_sort(ls.begin(), ls.end(), by_name);  // may allocate; rare and bounded
    return;
  }
  for (size_t i = 1; i < ls.size(); ++i) {
    Label l = ls[i];
    size_t j = i;
    for (; j > 0 && by_name(l, ls[j - 1]); --j) ls[j] = ls[j - 1];
    ls[j] = l;
  }
}

// Validates the series of one request into a ValidatedRequest. Builds an error message only
// while the request has none yet.
class SeriesValidator {
 public:
  SeriesValidator(const WriteRequestView& req, const limits::Limits& limits, int64_t now_ms,
                  const ValidationOptions& options, ValidatedRequest* out)
      : req_(req), limits_(limits), options_(options), out_(out) {
    min_timestamp_ms_ = limits.reject_old_samples
                            ? SaturatingAdd(now_ms, -limits.reject_old_samples_max_age_ms)
                            : std::numeric_limits<int64_t>::min();
    max_timestamp_ms_ = SaturatingAdd(now_ms, limits.creation_grace_period_ms);
  }

  // Judges series `index`; appends it to out_->series if valid.
  void Validate(uint32_t index);

 private:
  bool need_message() const { return out_->first_error.empty(); }
  void Fail(std::string message) {
    if (need_message()) out_->first_error = std::move(message);
  }

  DiscardReason CheckMetricName(std::span<const Label> raw);
  DiscardReason CheckLabels(std::span<Label> ls);
  DiscardReason CheckLabel(std::span<const Label> ls, const Label& l, std::string_view last);
  DiscardReason CheckSamples(std::span<const Label> ls, const TimeSeriesView& ts);
  DiscardReason CheckExemplars(std::span<const Label> ls, const TimeSeriesView& ts);
  void Count(const TimeSeriesView& ts, DiscardReason reason);

  const WriteRequestView& req_;
  const limits::Limits& limits_;
  const ValidationOptions& options_;
  ValidatedRequest* const out_;
  int64_t min_timestamp_ms_;  // samples below are too old
  int64_t max_timestamp_ms_;  // samples above are too new
};

void SeriesValidator::Validate(uint32_t index) {
  const TimeSeriesView& ts = req_.timeseries[index];
  DiscardReason reason = CheckMetricName(req_.LabelsOf(ts));
  const size_t begin = out_->labels.size();
  if (reason == DiscardReason::kNone) {
    for (const Label& l : req_.LabelsOf(ts)) {
      if (!l.value.empty()) out_->labels.push_back(l);
    }
    std::span<Label> ls(out_->labels.data() + begin, out_->labels.size() - begin);
    reason = ls.empty() ? DiscardReason::kUserLabelRemovalConfiguration : CheckLabels(ls);
    if (reason == DiscardReason::kNone) reason = CheckSamples(ls, ts);
    if (reason == DiscardReason::kNone) reason = CheckExemplars(ls, ts);
  }
  out_->series_reason[index] = reason;
  Count(ts, reason);
  if (reason != DiscardReason::kNone) {
    out_->labels.resize(begin);
    return;
  }
  const auto end = static_cast<uint32_t>(out_->labels.size());
  out_->series.push_back({index, prompb::Range{static_cast<uint32_t>(begin), end}});
}

void SeriesValidator::Count(const TimeSeriesView& ts, DiscardReason reason) {
  const int64_t samples = ts.samples.size();
  const int64_t histograms = ts.histograms.size();
  const int64_t exemplars = ts.exemplars.size();
  if (reason == DiscardReason::kNone) {
    out_->valid_samples += samples;
    out_->valid_histograms += histograms;
    out_->valid_exemplars += exemplars;
    return;
  }
  const auto r = static_cast<size_t>(reason);
  out_->discarded_samples[r] += samples + histograms;
  out_->discarded_exemplars[r] += exemplars;
}

DiscardReason SeriesValidator::CheckMetricName(std::span<const Label> raw) {
  if (!limits_.enforce_metric_name) return DiscardReason::kNone;
  const Label* name = FindMetricName(raw);
  if (name == nullptr) {
    Fail(std::string(kMissingMetricNameMessage));
    return DiscardReason::kMissingMetricName;
  }
  if (!IsValidMetricName(name->value, options_.name_validation)) {
    if (need_message()) Fail(InvalidMetricNameMessage(name->value));
    return DiscardReason::kMetricNameInvalid;
  }
  return DiscardReason::kNone;
}

// Steps 3-6 of validate.h on the series' non-empty labels.
DiscardReason SeriesValidator::CheckLabels(std::span<Label> ls) {
  if (static_cast<int64_t>(ls.size()) > limits_.max_label_names_per_series) {
    // Counted before sorting, which changes nothing: the message prints the labels sorted.
    if (need_message()) Fail(TooManyLabelsMessage(ls, limits_.max_label_names_per_series));
    return DiscardReason::kMaxLabelNamesPerSeries;
  }
  if (options_.sort_labels) SortByName(ls);
  std::string_view last;  // Cortex starts from "": an empty first name is a "duplicate"
  int64_t size_bytes = 0;
  for (const Label& l : ls) {
    if (DiscardReason r = CheckLabel(ls, l, last); r != DiscardReason::kNone) return r;
    last = l.name;
    size_bytes += LabelProtoSize(l);
  }
  if (limits_.max_labels_size_bytes > 0 && size_bytes > limits_.max_labels_size_bytes) {
    if (need_message()) {
      Fail(LabelsSizeBytesExceededMessage(ls, size_bytes, limits_.max_labels_size_bytes));
    }
    return DiscardReason::kLabelsSizeBytesExceeded;
  }
  return DiscardReason::kNone;
}

DiscardReason SeriesValidator::CheckLabel(std::span<const Label> ls, const Label& l,
                                          std::string_view last) {
  DiscardReason r = DiscardReason::kNone;
  if (!options_.skip_label_name_validation && !IsValidLabelName(l.name, options_.name_validation)) {
    r = DiscardReason::kLabelInvalid;
  } else if (static_cast<int64_t>(l.name.size()) > limits_.max_label_name_length) {
    r = DiscardReason::kLabelNameTooLong;
  } else if (static_cast<int64_t>(l.value.size()) > limits_.max_label_value_length) {
    r = DiscardReason::kLabelValueTooLong;
  } else if (last >= l.name) {
    r = last == l.name ? DiscardReason::kDuplicateLabelNames : DiscardReason::kLabelsNotSorted;
  }
  if (r == DiscardReason::kNone || !need_message()) return r;
  switch (r) {
    case DiscardReason::kLabelInvalid:
      Fail(InvalidLabelMessage(ls, l.name));
      break;
    case DiscardReason::kLabelNameTooLong:
      Fail(LabelNameTooLongMessage(ls, l.name, limits_.max_label_name_length));
      break;
    case DiscardReason::kLabelValueTooLong:
      Fail(LabelValueTooLongMessage(ls, l.name, l.value, limits_.max_label_value_length));
      break;
    case DiscardReason::kDuplicateLabelNames:
      Fail(DuplicateLabelNameMessage(ls, l.name));
      break;
    default:
      Fail(LabelsNotSortedMessage(ls, l.name));
      break;
  }
  return r;
}

// Step 7: the hot loop of validation, two comparisons per sample.
DiscardReason SeriesValidator::CheckSamples(std::span<const Label> ls, const TimeSeriesView& ts) {
  for (const prompb::Sample& s : req_.SamplesOf(ts)) {
    if (s.timestamp_ms >= min_timestamp_ms_ && s.timestamp_ms <= max_timestamp_ms_) continue;
    const Label* name = FindMetricName(ls);
    const std::string_view metric = name == nullptr ? std::string_view() : name->value;
    if (s.timestamp_ms < min_timestamp_ms_) {
      if (need_message()) Fail(TimestampTooOldMessage(metric, s.timestamp_ms));
      return DiscardReason::kGreaterThanMaxSampleAge;
    }
    if (need_message()) Fail(TimestampTooNewMessage(metric, s.timestamp_ms));
    return DiscardReason::kTooFarInFuture;
  }
  return DiscardReason::kNone;
}

// Step 8.
DiscardReason SeriesValidator::CheckExemplars(std::span<const Label> ls, const TimeSeriesView& ts) {
  for (const prompb::ExemplarView& e : req_.ExemplarsOf(ts)) {
    const std::span<const Label> el = req_.LabelsOf(e);
    if (el.empty()) {
      if (need_message()) Fail(ExemplarLabelsMissingMessage(ls, e.timestamp_ms));
      return DiscardReason::kExemplarLabelsMissing;
    }
    if (e.timestamp_ms == 0) {
      if (need_message()) Fail(ExemplarTimestampInvalidMessage(ls, el, e.timestamp_ms));
      return DiscardReason::kExemplarTimestampInvalid;
    }
    size_t runes = 0;
    for (const Label& l : el) runes += RuneCount(l.name) + RuneCount(l.value);
    if (runes > kExemplarMaxLabelSetRunes) {
      if (need_message()) Fail(ExemplarLabelsTooLongMessage(ls, el, e.timestamp_ms));
      return DiscardReason::kExemplarLabelsTooLong;
    }
  }
  return DiscardReason::kNone;
}

DiscardReason CheckMetadata(const prompb::MetricMetadataView& m, int64_t max_length,
                            std::string* first_error) {
  if (m.metric_family_name.empty()) {
    if (first_error->empty()) *first_error = kMetadataMissingMetricNameMessage;
    return DiscardReason::kMissingMetricName;
  }
  struct Field {
    std::string_view kind;
    std::string_view value;
    DiscardReason reason;
  };
  const Field fields[] = {
      {"METRIC_NAME", m.metric_family_name, DiscardReason::kMetricNameTooLong},
      {"HELP", m.help, DiscardReason::kHelpTooLong},
      {"UNIT", m.unit, DiscardReason::kUnitTooLong},
  };
  for (const Field& f : fields) {
    if (static_cast<int64_t>(f.value.size()) <= max_length) continue;
    if (first_error->empty()) {
      *first_error = MetadataTooLongMessage(f.kind, f.value, m.metric_family_name);
    }
    return f.reason;
  }
  return DiscardReason::kNone;
}

}  // namespace

std::string_view DiscardReasonName(DiscardReason reason) {
  const auto i = static_cast<size_t>(reason);
  return i < kNumDiscardReasons ? kReasonNames[i] : std::string_view();
}

bool IsValidMetricName(std::string_view name, NameValidationScheme scheme) {
  if (name.empty()) return false;
  if (scheme == NameValidationScheme::kUtf8) return ValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (c >= '0' && c <= '9' && i > 0);
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name, NameValidationScheme scheme) {
  if (name.empty()) return false;
  if (scheme == NameValidationScheme::kUtf8) return ValidUtf8(name);
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (c >= '0' && c <= '9' && i > 0);
    if (!ok) return false;
  }
  return true;
}

absl::Status ValidatedRequest::status() const {
  return first_error.empty() ? absl::OkStatus() : absl::InvalidArgumentError(first_error);
}

void ValidatedRequest::Clear() {
  series.clear();
  labels.clear();
  series_reason.clear();
  metadata_reason.clear();
  valid_samples = valid_histograms = valid_exemplars = valid_metadata = 0;
  discarded_samples.fill(0);
  discarded_exemplars.fill(0);
  discarded_metadata.fill(0);
  first_error.clear();
}

absl::Status ValidateWriteRequest(const prompb::WriteRequestView& req, const limits::Limits& limits,
                                  int64_t now_ms, const ValidationOptions& options,
                                  ValidatedRequest* out) {
  out->Clear();
  for (const TimeSeriesView& ts : req.timeseries) {
    if (ts.labels.empty()) return absl::InvalidArgumentError(std::string(kEmptyLabelsMessage));
  }
  out->series_reason.resize(req.timeseries.size(), DiscardReason::kNone);
  SeriesValidator validator(req, limits, now_ms, options, out);
  for (size_t i = 0; i < req.timeseries.size(); ++i) validator.Validate(static_cast<uint32_t>(i));

  out->metadata_reason.resize(req.metadata.size(), DiscardReason::kNone);
  for (size_t i = 0; i < req.metadata.size(); ++i) {
    const DiscardReason r =
        CheckMetadata(req.metadata[i], limits.max_metadata_length, &out->first_error);
    out->metadata_reason[i] = r;
    if (r == DiscardReason::kNone) {
      ++out->valid_metadata;
    } else {
      ++out->discarded_metadata[static_cast<size_t>(r)];
    }
  }
  return absl::OkStatus();
}

}  // namespace strata::distributor
