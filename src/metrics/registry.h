// The Registry: every metric Strata exposes on /metrics, and the page itself.
//
//   Registry registry;
//   ASSIGN_OR_RETURN(CounterFamily* discarded,
//                    registry.NewCounterFamily("cortex_discarded_samples_total",
//                                              "The total number of samples that were discarded.",
//                                              {"reason", "user"}));
//   ...
//   std::string page = registry.TextExposition();  // serve with kTextContentType
//
// Names: metric names must match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
// without the reserved "__" prefix, distinct within a family, and not "le" in a histogram;
// otherwise InvalidArgument. A name already taken is AlreadyExists; a histogram "x" also takes
// x_bucket, x_sum and x_count, since its page lines use them.
//
// Ownership: the Registry owns every family and collector; the pointers it returns stay valid
// until Unregister of that name or the Registry's destruction.
// Thread-safety: all methods are thread-safe. Scrapes run concurrently with updates and with each
// other; registration waits for running scrapes. Collector functions run during
// TextExposition, under the Registry's reader lock: they must not call back into the Registry.
#ifndef STRATA_METRICS_REGISTRY_H_
#define STRATA_METRICS_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "metrics/collector.h"
#include "metrics/family.h"
#include "metrics/metric.h"
#include "metrics/text_format.h"

namespace strata::metrics {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families with labels. Label values are later given in `label_names` order.
  absl::StatusOr<CounterFamily*> NewCounterFamily(std::string name, std::string help,
                                                  std::vector<std::string> label_names);
  absl::StatusOr<GaugeFamily*> NewGaugeFamily(std::string name, std::string help,
                                              std::vector<std::string> label_names);
  // `buckets`: upper bounds, strictly increasing, no NaN; a trailing +Inf is dropped (it is
  // always implied); empty means only the +Inf bucket. Otherwise InvalidArgument.
  absl::StatusOr<HistogramFamily*> NewHistogramFamily(std::string name, std::string help,
                                                      std::vector<std::string> label_names,
                                                      std::vector<double> buckets);

  // Single series without labels (a family with no label names and its one child).
  absl::StatusOr<Counter*> NewCounter(std::string name, std::string help);
  absl::StatusOr<Gauge*> NewGauge(std::string name, std::string help);
  absl::StatusOr<Histogram*> NewHistogram(std::string name, std::string help,
                                          std::vector<double> buckets);

  // A series without labels whose value `fn` computes at each scrape (client_golang GaugeFunc,
  // CounterFunc). `fn` runs on the scraping thread; see the class comment.
  absl::Status NewGaugeFunc(std::string name, std::string help, std::function<double()> fn);
  absl::Status NewCounterFunc(std::string name, std::string help, std::function<double()> fn);

  // Families whose samples `fn` adds at each scrape (collector.h). All names are validated and
  // taken together: on error none is registered. REQUIRES: `descs` not empty.
  absl::Status NewCollector(std::vector<Desc> descs, CollectFn fn);

  // Removes the family or collector that registered `name` (for a collector: all its families)
  // and destroys it. NotFound if no registration has that name (x_bucket of a histogram x does
  // not count). REQUIRES: nobody uses that family's pointers any more.
  absl::Status Unregister(std::string_view name);

  // The page in text format 0.0.4 (kTextContentType): families sorted by name, each series
  // sorted by label values; families without series are left off.
  void AppendTextExposition(std::string* out) const;
  std::string TextExposition() const;

 private:
  // Where a family's samples come from: a family object, or a collector's Desc.
  struct Entry {
    MetricType type = MetricType::kGauge;
    FamilyBase* family = nullptr;
    const Collector* collector = nullptr;
    size_t desc_index = 0;
  };

  template <typename T>
  absl::StatusOr<MetricFamily<T>*> AddFamily(std::string name, std::string help, MetricType type,
                                             std::vector<std::string> label_names,
                                             std::vector<double> buckets = {});
  absl::Status CheckNamesFree(const std::vector<Desc>& descs) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Records `entry` (of type entry.type) under `name`. REQUIRES: CheckNamesFree passed.
  void Take(std::string_view name, Entry entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_ ABSL_GUARDED_BY(mu_);  // by family name
  // Every name a page line may start with: family names plus histograms' _bucket/_sum/_count.
  std::set<std::string, std::less<>> taken_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<FamilyBase>> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Collector>> collectors_ ABSL_GUARDED_BY(mu_);
};

// Validates the names of one family as the Registry does (see the file comment).
absl::Status ValidateDesc(const Desc& desc);
// Validates and normalizes histogram buckets as NewHistogramFamily does.
absl::StatusOr<std::vector<double>> ValidateBuckets(std::vector<double> buckets);

}  // namespace strata::metrics

#endif  // STRATA_METRICS_REGISTRY_H_
