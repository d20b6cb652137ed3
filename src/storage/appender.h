// Writing samples: the Appender of Prometheus storage/interface.go, with per-sample outcomes as a
// cheap enum instead of errors (docs/STYLE.md §3): the ingest path rejects samples routinely.
#ifndef STRATA_STORAGE_APPENDER_H_
#define STRATA_STORAGE_APPENDER_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "labels/labels.h"

namespace strata::storage {

// What happened to one appended sample. Rejections leave the rest of the batch committable.
enum class AppendResult : uint8_t {
  kAppended = 0,
  kDuplicateIgnored,   // same timestamp and same value as the newest sample: a no-op
  kOutOfOrder,         // "out of order sample"
  kOutOfBounds,        // "out of bounds": older than the head's appendable window
  kTooOld,             // "too old sample": out of order and outside the OOO window
  kDuplicateSample,    // "duplicate sample for timestamp": same timestamp, other value
  kSeriesLimit,        // a new series would exceed the per-user series limit
  kMetricSeriesLimit,  // a new series would exceed the per-metric series limit
};

// Prometheus's wording for each rejection ("" for kAppended and kDuplicateIgnored).
std::string_view AppendResultMessage(AppendResult r);

inline bool IsAccepted(AppendResult r) {
  return r == AppendResult::kAppended || r == AppendResult::kDuplicateIgnored;
}

// Collects samples and commits them together. Used by one thread, then discarded: not reused after
// Commit or Rollback.
class Appender {
 public:
  virtual ~Appender() = default;
  // Appends (t, v) to the series `labels`, creating the series if needed. `labels` must be sorted by
  // name with unique names and non-empty values (the distributor validates); they are copied only
  // when a new series is created. The sample becomes visible and durable at Commit.
  virtual AppendResult Append(std::span<const labels::Label> labels, int64_t t, double v) = 0;
  // Makes the appended samples durable (logged) and visible. On error no acknowledgement may be
  // given for this batch.
  virtual absl::Status Commit() = 0;
  // Drops everything appended.
  virtual void Rollback() = 0;
};

}  // namespace strata::storage

#endif  // STRATA_STORAGE_APPENDER_H_
