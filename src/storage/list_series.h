// In-memory series and series sets: for tests, and for small results built in memory.
#ifndef STRATA_STORAGE_LIST_SERIES_H_
#define STRATA_STORAGE_LIST_SERIES_H_

#include <memory>
#include <vector>

#include "storage/storage.h"

namespace strata::storage {

// Iterates a borrowed vector of samples (sorted by t). REQUIRES: the vector outlives it.
class ListSeriesIterator final : public SeriesIterator {
 public:
  explicit ListSeriesIterator(const std::vector<Sample>* samples) : samples_(samples) {}
  bool Next() override { return ++i_ < samples_->size(); }
  bool Seek(int64_t t) override;
  Sample At() const override { return (*samples_)[i_]; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  const std::vector<Sample>* samples_;
  size_t i_ = static_cast<size_t>(-1);  // before the first sample
};

class ListSeries final : public Series {
 public:
  ListSeries(labels::Labels labels, std::vector<Sample> samples)
      : labels_(std::move(labels)), samples_(std::move(samples)) {}
  const labels::Labels& labels() const override { return labels_; }
  std::unique_ptr<SeriesIterator> Iterator() const override {
    return std::make_unique<ListSeriesIterator>(&samples_);
  }
  const std::vector<Sample>& samples() const { return samples_; }

 private:
  labels::Labels labels_;
  std::vector<Sample> samples_;
};

// Owns a list of series and yields them in the given order.
class ListSeriesSet final : public SeriesSet {
 public:
  explicit ListSeriesSet(std::vector<std::unique_ptr<Series>> series)
      : series_(std::move(series)) {}
  bool Next() override { return ++i_ < series_.size(); }
  const Series& At() const override { return *series_[i_]; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  std::vector<std::unique_ptr<Series>> series_;
  size_t i_ = static_cast<size_t>(-1);
};

// Reads a whole SeriesSet into memory (for tests and tools).
absl::StatusOr<std::vector<std::pair<labels::Labels, std::vector<Sample>>>> ExpandSeriesSet(
    SeriesSet& set);

}  // namespace strata::storage

#endif  // STRATA_STORAGE_LIST_SERIES_H_
