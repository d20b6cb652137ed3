// Per-tenant limits with Cortex's names and defaults (cortex-reference.md §5), and the per-tenant
// overrides from the config file's `overrides:` section. Shared by the distributor (validation,
// ingestion rate) and the ingester (series limits, OOO window).
#ifndef STRATA_LIMITS_LIMITS_H_
#define STRATA_LIMITS_LIMITS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace strata::limits {

struct Limits {
  // Distributor.
  double ingestion_rate = 25000;           // ingestion_rate: samples/s (token bucket refill)
  int64_t ingestion_burst_size = 50000;    // ingestion_burst_size: bucket size
  int64_t max_label_names_per_series = 30;  // max_label_names_per_series
  int64_t max_label_name_length = 1024;     // max_label_name_length
  int64_t max_label_value_length = 2048;    // max_label_value_length (the metric name too)
  int64_t max_labels_size_bytes = 0;        // max_labels_size_bytes: 0 = off
  int64_t max_metadata_length = 1024;       // max_metadata_length
  bool reject_old_samples = false;          // reject_old_samples
  int64_t reject_old_samples_max_age_ms = 14LL * 24 * 3600 * 1000;  // reject_old_samples_max_age
  int64_t creation_grace_period_ms = 10LL * 60 * 1000;  // creation_grace_period: "too new" bound
  bool enforce_metric_name = true;          // enforce_metric_name
  // Ingester. 0 = unlimited.
  int64_t max_series_per_user = 5000000;    // max_series_per_user (in-memory series)
  int64_t max_series_per_metric = 50000;    // max_series_per_metric
  int64_t out_of_order_time_window_ms = 0;  // out_of_order_time_window: 0 = OOO off
};

// The limits in force for each tenant: per-tenant overrides, else the defaults. Immutable.
class Overrides {
 public:
  Overrides() = default;
  Overrides(Limits defaults, std::map<std::string, Limits, std::less<>> per_tenant)
      : defaults_(defaults), per_tenant_(std::move(per_tenant)) {}

  const Limits& ForTenant(std::string_view tenant) const {
    auto it = per_tenant_.find(tenant);
    return it == per_tenant_.end() ? defaults_ : it->second;
  }
  const Limits& defaults() const { return defaults_; }
  const std::map<std::string, Limits, std::less<>>& per_tenant() const { return per_tenant_; }

 private:
  Limits defaults_;
  std::map<std::string, Limits, std::less<>> per_tenant_;
};

}  // namespace strata::limits

#endif  // STRATA_LIMITS_LIMITS_H_
