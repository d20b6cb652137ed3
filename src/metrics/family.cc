#include "metrics/family.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <type_traits>

#include "metrics/text_format.h"
#include "util/check.h"
#include "util/strings.h"

namespace strata::metrics {
namespace {

template <typename T>
constexpr MetricType kTypeOf = std::is_same_v<T, Counter> ? MetricType::kCounter
                               : std::is_same_v<T, Gauge> ? MetricType::kGauge
                                                          : MetricType::kHistogram;

void AppendChild(std::string* out, std::string_view name, std::string_view pairs,
                 const Counter& c) {
  AppendSample(out, name, "", pairs, c.value());
}
void AppendChild(std::string* out, std::string_view name, std::string_view pairs, const Gauge& g) {
  AppendSample(out, name, "", pairs, g.value());
}
void AppendChild(std::string* out, std::string_view name, std::string_view pairs,
                 const Histogram& h) {
  AppendHistogram(out, name, pairs, h.Snapshot());
}

}  // namespace

LabelOrder::LabelOrder(std::vector<std::string> declared)
    : declared_(std::move(declared)), perm_(declared_.size()) {
  std::iota(perm_.begin(), perm_.end(), size_t{0});
  std::sort(perm_.begin(), perm_.end(),
            [this](size_t a, size_t b) { return declared_[a] < declared_[b]; });
  for (size_t i : perm_) sorted_.push_back(declared_[i]);
}

int LabelOrder::SortedIndexOf(std::string_view name) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name);
  if (it == sorted_.end() || *it != name) return -1;
  return static_cast<int>(it - sorted_.begin());
}

std::vector<std::string> LabelOrder::ToSorted(LabelValues values) const {
  DCHECK(values.size() == size());
  std::vector<std::string> out;
  out.reserve(size());
  for (size_t i : perm_) out.emplace_back(values[i]);
  return out;
}

template <typename T>
MetricFamily<T>::MetricFamily(std::string name, std::string help,
                              std::vector<std::string> label_names, std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      order_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

template <typename T>
void MetricFamily<T>::EncodeKey(LabelValues values, std::string* key) const {
  key->clear();
  for (size_t i = 0; i < order_.size(); i++) {
    std::string_view v = values[order_.declared_index(i)];
    // Host-order length prefix: the key lives only in this process's memory.
    auto len = static_cast<uint32_t>(v.size());
    key->append(reinterpret_cast<const char*>(&len), sizeof len);
    key->append(v);
  }
}

template <typename T>
T& MetricFamily<T>::WithLabels(LabelValues values) {
  CHECK(values.size() == order_.size());
  // One buffer per thread, so a lookup of an existing child allocates nothing.
  thread_local std::string key;
  EncodeKey(values, &key);
  {
    absl::ReaderMutexLock l(&mu_);
    auto it = children_.find(AbslView(key));
    if (it != children_.end()) return it->second->metric;
  }
  return Create(values, key);
}

template <typename T>
T& MetricFamily<T>::Create(LabelValues values, const std::string& key) {
  absl::MutexLock l(&mu_);
  auto [it, inserted] = children_.try_emplace(key);
  if (inserted) {  // else another thread created it between our two locks
    if constexpr (std::is_same_v<T, Histogram>) {
      it->second =
          std::make_unique<Child>(order_.ToSorted(values), std::span<const double>(buckets_));
    } else {
      it->second = std::make_unique<Child>(order_.ToSorted(values));
    }
  }
  return it->second->metric;
}

template <typename T>
bool MetricFamily<T>::Remove(LabelValues values) {
  if (values.size() != order_.size()) return false;
  std::string key;
  EncodeKey(values, &key);
  absl::MutexLock l(&mu_);
  return children_.erase(AbslView(key)) > 0;
}

template <typename T>
size_t MetricFamily<T>::RemovePartialMatch(std::span<const labels::Label> match) {
  std::vector<std::pair<int, std::string_view>> want;  // (sorted index, value)
  for (const labels::Label& m : match) {
    int i = order_.SortedIndexOf(m.name);
    if (i < 0) return 0;
    want.emplace_back(i, m.value);
  }
  absl::MutexLock l(&mu_);
  return absl::erase_if(children_, [&want](const auto& kv) {
    for (const auto& [i, v] : want) {
      if (kv.second->values[i] != v) return false;
    }
    return true;
  });
}

template <typename T>
size_t MetricFamily<T>::size() const {
  absl::ReaderMutexLock l(&mu_);
  return children_.size();
}

template <typename T>
void MetricFamily<T>::AppendText(std::string* out) const {
  // Rendering under the reader lock keeps children alive; updates to them never take it.
  absl::ReaderMutexLock l(&mu_);
  if (children_.empty()) return;
  std::vector<const Child*> sorted;
  sorted.reserve(children_.size());
  for (const auto& kv : children_) sorted.push_back(kv.second.get());
  std::sort(sorted.begin(), sorted.end(),
            [](const Child* a, const Child* b) { return a->values < b->values; });
  AppendHeader(out, name_, help_, kTypeOf<T>);
  std::string pairs;
  for (const Child* c : sorted) {
    pairs.clear();
    AppendLabelPairs(&pairs, order_.sorted(), c->values);
    AppendChild(out, name_, pairs, c->metric);
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

}  // namespace strata::metrics
