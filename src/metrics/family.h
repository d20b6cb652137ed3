// Metric families: one metric name, a fixed list of label names, and one child series (a Counter,
// Gauge or Histogram) per distinct list of label values (client_golang's CounterVec & co.).
//
//   // From Registry::NewCounterFamily(name, help, {"user", "reason"}):
//   CounterFamily* discarded = ...;
//   Counter& c = discarded->WithLabels({"user-1", "sample-out-of-order"});  // look up once...
//   c.Inc();                                                                // ...then no lookups
//   discarded->RemovePartialMatch({{"user", "user-1"}});  // tenant gone: drop all its series
//
// Label values are given in the order the label names were declared. On the page, labels appear
// sorted by name and series sorted by their values in that order, as client_golang writes them.
//
// Thread-safety: all methods are safe from any thread, concurrently with scrapes. WithLabels takes
// a reader lock when the child exists, a writer lock to create it.
// Lifetime: a reference returned by WithLabels stays valid until a Remove/RemovePartialMatch
// removes that child or the family is destroyed (with its Registry, or by Registry::Unregister).
// REQUIRES of callers: stop using a child before removing it.
#ifndef STRATA_METRICS_FAMILY_H_
#define STRATA_METRICS_FAMILY_H_

#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "labels/labels.h"
#include "metrics/metric.h"

namespace strata::metrics {

using LabelValues = std::span<const std::string_view>;

// A family's label names in declared order and in exposition (name-sorted) order.
class LabelOrder {
 public:
  explicit LabelOrder(std::vector<std::string> declared);

  size_t size() const { return declared_.size(); }
  const std::vector<std::string>& declared() const { return declared_; }
  const std::vector<std::string>& sorted() const { return sorted_; }
  // The position in declared() of the i-th name of sorted().
  size_t declared_index(size_t sorted_i) const { return perm_[sorted_i]; }
  // The position of `name` in sorted(), or -1.
  int SortedIndexOf(std::string_view name) const;
  // `values` (declared order) copied into name-sorted order. REQUIRES: values.size() == size().
  std::vector<std::string> ToSorted(LabelValues values) const;

 private:
  std::vector<std::string> declared_;
  std::vector<std::string> sorted_;
  std::vector<size_t> perm_;
};

// What the Registry renders. Internal to the metrics module.
class FamilyBase {
 public:
  virtual ~FamilyBase() = default;
  // Appends `# HELP`, `# TYPE` and every series, sorted; nothing when the family has no series.
  virtual void AppendText(std::string* out) const = 0;
};

template <typename T>
class MetricFamily final : public FamilyBase {
 public:
  // Created by the Registry. REQUIRES: valid, distinct names; for histograms, valid buckets.
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names,
               std::vector<double> buckets = {});
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;

  // The child for these label values, created (at zero) on first use.
  // REQUIRES: values.size() == label_names().size() (a programming error otherwise: CHECK-fails).
  T& WithLabels(std::initializer_list<std::string_view> values) {
    return WithLabels(LabelValues(values.begin(), values.size()));
  }
  T& WithLabels(LabelValues values);

  // Drops the child with exactly these values. Returns whether there was one.
  bool Remove(std::initializer_list<std::string_view> values) {
    return Remove(LabelValues(values.begin(), values.size()));
  }
  bool Remove(LabelValues values);

  // Drops every child whose labels include all of `match` (name/value pairs); returns how many.
  // A name the family does not have matches nothing. Empty `match` matches every child.
  size_t RemovePartialMatch(std::initializer_list<labels::Label> match) {
    return RemovePartialMatch(std::span<const labels::Label>(match.begin(), match.size()));
  }
  size_t RemovePartialMatch(std::span<const labels::Label> match);

  // Number of children.
  size_t size() const;
  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return order_.declared(); }

  void AppendText(std::string* out) const override;

 private:
  struct Child {
    template <typename... Args>
    Child(std::vector<std::string> v, Args&&... args)
        : values(std::move(v)), metric(std::forward<Args>(args)...) {}
    std::vector<std::string> values;  // in name-sorted order
    T metric;
  };

  // The map key for `values`: each value, in name-sorted order, length-prefixed.
  void EncodeKey(LabelValues values, std::string* key) const;
  T& Create(LabelValues values, const std::string& key);

  const std::string name_;
  const std::string help_;
  const LabelOrder order_;
  const std::vector<double> buckets_;  // histograms only; their children point into it
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Child>> children_ ABSL_GUARDED_BY(mu_);
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

extern template class MetricFamily<Counter>;
extern template class MetricFamily<Gauge>;
extern template class MetricFamily<Histogram>;

}  // namespace strata::metrics

#endif  // STRATA_METRICS_FAMILY_H_
