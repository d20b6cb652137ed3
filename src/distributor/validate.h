// Validation of a decoded remote-write request against a tenant's limits, as Cortex's
// distributor does it (pkg/distributor/distributor.go prepareSeriesKeys/validateSeries,
// pkg/util/validation/validate.go, errors.go), with Cortex's messages byte for byte.
//
// A request is rejected whole (InvalidArgument "empty labels found", HTTP 400, nothing ingested)
// if any series has no labels at all. Otherwise each series and each metadata entry is judged on
// its own: the valid ones are ingested and the FIRST error's message is returned as a 400 body
// (a partial error: Prometheus does not retry 4xx, and the valid data is already in).
//
// Per series, in Cortex's order; the first failure discards the whole series:
//   1. if enforce_metric_name: the first `__name__` label must exist (missing_metric_name) and be
//      a valid metric name (metric_name_invalid); checked before empty labels are dropped, so
//      __name__="" is "sample invalid metric name: \"\"".
//   2. labels with empty values are dropped (Prometheus semantics); none left:
//      user_label_removal_configuration, without a message (Cortex: the same).
//   3. more than max_label_names_per_series labels: max_label_names_per_series.
//   4. labels are sorted by name (Cortex sorts before validating; ValidationOptions::sort_labels).
//   5. each label in order: invalid name (label_invalid), name longer than max_label_name_length
//      bytes (label_name_too_long), value longer than max_label_value_length bytes
//      (label_value_too_long), name equal to the previous one (duplicate_label_names) or, when
//      not sorting, below it (labels_not_sorted).
//   6. sum of the labels' protobuf sizes above max_labels_size_bytes when that is > 0
//      (labels_size_bytes_exceeded). A label's size is that of its encoded prometheus.Label
//      fields: per non-empty string, 1 + uvarint length + bytes.
//   7. each sample: if reject_old_samples, timestamp < now - reject_old_samples_max_age
//      (greater_than_max_sample_age); timestamp > now + creation_grace_period
//      (too_far_in_future).
//   8. each exemplar: no labels (exemplar_labels_missing), timestamp 0
//      (exemplar_timestamp_invalid), label names + values over 128 runes
//      (exemplar_labels_too_long).
// Native histograms are counted with the samples but not inspected (Cortex also checks their
// timestamps, schema and size): Strata keeps them as bytes (prompb/decode.h) and does not store
// them.
// Per metadata entry: empty metric family name (missing_metric_name, "metadata missing metric
// name"; Cortex's enforce_metadata_metric_name, default true, is always on here), then metric
// family name, help, unit longer than max_metadata_length bytes (metric_name_too_long,
// help_too_long, unit_too_long).
//
// Discard accounting differs from Cortex on purpose: for a series rejected by steps 3-7 Cortex
// adds 1 to cortex_discarded_samples_total (step 8: 1 to ..._exemplars_total), whatever the
// series holds; here every float sample and histogram of a discarded series is counted under
// its reason, and its exemplars in discarded_exemplars, as Cortex does for steps 1-2.
//
// Cost: validating allocates nothing once `ValidatedRequest`'s vectors have grown to the
// largest request seen, except (a) the first error's message and (b) sorting a series with more
// than 64 labels that came unsorted. The per-sample loop is two comparisons.
#ifndef STRATA_DISTRIBUTOR_VALIDATE_H_
#define STRATA_DISTRIBUTOR_VALIDATE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "labels/labels.h"
#include "limits/limits.h"
#include "prompb/decode.h"

namespace strata::distributor {

// The values of the `reason` label of cortex_discarded_{samples,exemplars,metadata}_total.
enum class DiscardReason : uint8_t {
  kNone = 0,  // valid
  kMissingMetricName,
  kMetricNameInvalid,
  kUserLabelRemovalConfiguration,
  kMaxLabelNamesPerSeries,
  kLabelInvalid,
  kLabelNameTooLong,
  kLabelValueTooLong,
  kDuplicateLabelNames,
  kLabelsNotSorted,
  kLabelsSizeBytesExceeded,
  kGreaterThanMaxSampleAge,
  kTooFarInFuture,
  kExemplarLabelsMissing,
  kExemplarTimestampInvalid,
  kExemplarLabelsTooLong,
  kMetricNameTooLong,  // metadata
  kHelpTooLong,        // metadata
  kUnitTooLong,        // metadata
  kRateLimited,        // not produced here: for the caller's accounting of a 429
};
inline constexpr size_t kNumDiscardReasons = static_cast<size_t>(DiscardReason::kRateLimited) + 1;

// "missing_metric_name", "label_invalid", ...; "" for kNone.
std::string_view DiscardReasonName(DiscardReason reason);

// Cortex's -name-validation-scheme.
enum class NameValidationScheme : uint8_t {
  kLegacy,  // default: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
  kUtf8,    // any non-empty valid UTF-8
};

// Server-wide switches (Cortex's distributor config), not per-tenant limits.
struct ValidationOptions {
  NameValidationScheme name_validation = NameValidationScheme::kLegacy;
  // -validation.skip-label-name-validation: skip step 5's name syntax check. Default false.
  bool skip_label_name_validation = false;
  // true (default, Cortex's distributor): unsorted labels are sorted by name (stably) before
  // step 5, so labels_not_sorted never happens. false: a series whose labels are not sorted
  // is discarded as labels_not_sorted (what Cortex's ValidateLabels does on its own).
  bool sort_labels = true;
};

// The outcome of validating one request. Reuse one across requests: Clear() (called by
// ValidateWriteRequest) keeps capacity. Label views point into the request body: REQUIRES the
// body to outlive their use. Not thread-safe; one per handler thread.
struct ValidatedRequest {
  struct Series {
    uint32_t index = 0;    // into WriteRequestView::timeseries
    prompb::Range labels;  // into `labels`
  };
  // The valid series, in request order.
  std::vector<Series> series;
  // Their labels, back to back; each series' are sorted by name, unique, no empty value: ready
  // for labels::Labels::EncodeSorted / FromSorted.
  std::vector<labels::Label> labels;
  // Per request series (WriteRequestView::timeseries), why it was discarded, or kNone.
  std::vector<DiscardReason> series_reason;
  // Per request metadata entry, why it was discarded, or kNone.
  std::vector<DiscardReason> metadata_reason;

  // Counts over the valid series and metadata.
  int64_t valid_samples = 0;     // float samples
  int64_t valid_histograms = 0;  // native histograms
  int64_t valid_exemplars = 0;
  int64_t valid_metadata = 0;
  // Counts over the discarded ones, by reason (index: DiscardReason). discarded_samples counts
  // float samples and histograms, as cortex_discarded_samples_total does.
  std::array<int64_t, kNumDiscardReasons> discarded_samples{};
  std::array<int64_t, kNumDiscardReasons> discarded_exemplars{};
  std::array<int64_t, kNumDiscardReasons> discarded_metadata{};

  // Cortex's message for the first series error or, if none, the first metadata error; empty if
  // everything is valid. Series are judged before metadata, as in Cortex.
  std::string first_error;

  std::span<const labels::Label> LabelsOf(const Series& s) const {
    return std::span<const labels::Label>(labels.data() + s.labels.begin, s.labels.size());
  }
  // OK, or InvalidArgument(first_error): the partial error to answer with (HTTP 400).
  absl::Status status() const;
  void Clear();
};

// Validates `req` for a tenant with `limits` at wall-clock time `now_ms`, filling `*out`
// (cleared first). Returns InvalidArgument("empty labels found") if some series has no labels:
// then the request must be rejected whole and `*out` holds nothing valid. Otherwise OK, and
// `out->status()` tells whether to answer 200 or 400 after ingesting `out->series`.
// REQUIRES: `req`'s body outlives the label views put in `*out`.
absl::Status ValidateWriteRequest(const prompb::WriteRequestView& req, const limits::Limits& limits,
                                  int64_t now_ms, const ValidationOptions& options,
                                  ValidatedRequest* out);

// Name checks of the given scheme (exposed for the tests and the API layer).
bool IsValidMetricName(std::string_view name, NameValidationScheme scheme);
bool IsValidLabelName(std::string_view name, NameValidationScheme scheme);

}  // namespace strata::distributor

#endif  // STRATA_DISTRIBUTOR_VALIDATE_H_
