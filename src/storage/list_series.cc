#include "storage/list_series.h"

#include <algorithm>

#include "util/status_macros.h"

namespace strata::storage {

bool ListSeriesIterator::Seek(int64_t t) {
  if (i_ != static_cast<size_t>(-1) && i_ < samples_->size() && (*samples_)[i_].t >= t) return true;
  size_t from = i_ == static_cast<size_t>(-1) ? 0 : i_;
  auto it = std::lower_bound(samples_->begin() + std::min(from, samples_->size()), samples_->end(),
                             t, [](const Sample& s, int64_t x) { return s.t < x; });
  i_ = static_cast<size_t>(it - samples_->begin());
  return i_ < samples_->size();
}

absl::StatusOr<std::vector<std::pair<labels::Labels, std::vector<Sample>>>> ExpandSeriesSet(
    SeriesSet& set) {
  std::vector<std::pair<labels::Labels, std::vector<Sample>>> out;
  while (set.Next()) {
    const Series& s = set.At();
    std::vector<Sample> samples;
    auto it = s.Iterator();
    while (it->Next()) samples.push_back(it->At());
    RETURN_IF_ERROR(it->status());
    out.emplace_back(s.labels(), std::move(samples));
  }
  RETURN_IF_ERROR(set.status());
  return out;
}

}  // namespace strata::storage
