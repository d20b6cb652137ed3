// The storage interfaces between the query side and every data source (blocks, head, OOO head,
// and later remote ingesters): Prometheus storage/interface.go in C++.
//
// promql/ and api/ read only through these; tsdb/ implements them. Nothing here knows tsdb/.
#ifndef STRATA_STORAGE_STORAGE_H_
#define STRATA_STORAGE_STORAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/labels.h"
#include "labels/matcher.h"

namespace strata::storage {

struct Sample {
  int64_t t;
  double v;
  friend bool operator==(const Sample&, const Sample&) = default;
};

// Iterates one series' samples in increasing timestamp order. Errors are sticky: Next/Seek return
// false and status() says why. Single-threaded.
class SeriesIterator {
 public:
  virtual ~SeriesIterator() = default;
  // Advances to the next sample; false at the end or on error.
  virtual bool Next() = 0;
  // Advances to the first sample with timestamp >= t; never moves backwards (if the current
  // sample already qualifies it stays). False if there is none.
  virtual bool Seek(int64_t t) = 0;
  // The current sample. REQUIRES: the last Next/Seek returned true.
  virtual Sample At() const = 0;
  virtual absl::Status status() const = 0;
};

// A series: its labels and a way to iterate its samples. Iterator() may be called more than once;
// each call starts from the beginning. While the querier that selected it is open, Iterator() may
// be called from several threads at once and each iterator used on any one thread (the PromQL
// engine's split range queries): implementations read only data that querier keeps alive.
class Series {
 public:
  virtual ~Series() = default;
  virtual const labels::Labels& labels() const = 0;
  virtual std::unique_ptr<SeriesIterator> Iterator() const = 0;
};

// Iterates series, sorted by labels when the Select asked for it.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // REQUIRES: the last Next returned true. The series stays valid until the SeriesSet is
  // destroyed (so merging sets can hold on to series of their inputs while advancing them).
  virtual const Series& At() const = 0;
  virtual absl::Status status() const = 0;
};

struct SelectHints {
  int64_t start_ms = INT64_MIN;  // the query's time range, closed
  int64_t end_ms = INT64_MAX;
};

// Reads a time range [mint, maxt] (closed) of one data source. Thread-compatible: one user at a
// time; the data it reads stays valid until it is destroyed.
class Querier {
 public:
  virtual ~Querier() = default;
  // Series matching all `matchers` (at least one must be given).
  virtual std::unique_ptr<SeriesSet> Select(bool sorted, const SelectHints& hints,
                                            const std::vector<labels::Matcher>& matchers) = 0;
  // Sorted distinct values of `name` among series matching `matchers` (all series if empty).
  virtual absl::StatusOr<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<labels::Matcher>& matchers) = 0;
  // Sorted distinct label names among series matching `matchers` (all series if empty).
  virtual absl::StatusOr<std::vector<std::string>> LabelNames(
      const std::vector<labels::Matcher>& matchers) = 0;
};

// A SeriesSet that fails at once with `status`.
std::unique_ptr<SeriesSet> ErrorSeriesSet(absl::Status status);
std::unique_ptr<SeriesSet> EmptySeriesSet();

}  // namespace strata::storage

#endif  // STRATA_STORAGE_STORAGE_H_
