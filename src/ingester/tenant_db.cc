#include "ingester/tenant_db.h"

#include <algorithm>

#include "util/status_macros.h"

namespace strata::ingester {

absl::StatusOr<std::unique_ptr<TenantDB>> TenantDB::Open(Fs* fs, std::string tenant,
                                                         std::string dir, tsdb::DBOptions opts,
                                                         const limits::Limits* limits,
                                                         const Clock* clock,
                                                         std::unique_ptr<Shipper> shipper,
                                                         int64_t idle_timeout_ms) {
  std::unique_ptr<TenantDB> t(
      new TenantDB(std::move(tenant), std::move(dir), limits, std::move(shipper), idle_timeout_ms));
  opts.head.lifecycle = t.get();
  opts.head.ooo_time_window_ms = limits->out_of_order_time_window_ms;
  ASSIGN_OR_RETURN(t->db_, tsdb::DB::Open(fs, t->dir_, opts, clock));
  // Cortex: an old TSDB with data becomes idle relative to its newest sample, an empty one to now.
  const int64_t head_max = t->db_->head()->MaxTime();
  t->last_update_ms_ = t->db_->head()->has_in_order_data() ? head_max : clock->NowMs();
  return t;
}

TenantDB::~TenantDB() = default;

bool TenantDB::BeginPush() {
  absl::MutexLock l(&push_mu_);
  if (closing_) return false;
  pushes_in_flight_++;
  return true;
}

void TenantDB::EndPush() {
  absl::MutexLock l(&push_mu_);
  pushes_in_flight_--;
}

void TenantDB::AbortClosing() {
  absl::MutexLock l(&push_mu_);
  closing_ = false;
}

bool TenantDB::StartClosing() {
  absl::MutexLock l(&push_mu_);
  if (closing_) return false;
  closing_ = true;
  push_mu_.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &pushes_in_flight_));
  return true;
}

storage::AppendResult TenantDB::PreCreation(const labels::Labels& lset, size_t num_series) {
  const limits::Limits& l = *limits_;
  if (l.max_series_per_user > 0 && static_cast<int64_t>(num_series) >= l.max_series_per_user) {
    return storage::AppendResult::kSeriesLimit;
  }
  if (l.max_series_per_metric > 0) {
    absl::MutexLock m(&metric_mu_);
    int64_t& n = series_per_metric_[std::string(lset.Get(labels::kMetricName))];
    if (n >= l.max_series_per_metric) return storage::AppendResult::kMetricSeriesLimit;
    n++;
  }
  return storage::AppendResult::kAppended;
}

void TenantDB::PostCreation(const labels::Labels& lset, bool replayed) {
  series_created_.fetch_add(1, std::memory_order_relaxed);
  // PreCreation counted appended series; replayed ones still take their place under the limit.
  if (replayed) CountMetricSeries(lset, +1);
}

void TenantDB::CreationAborted(const labels::Labels& lset) { CountMetricSeries(lset, -1); }

void TenantDB::PostDeletion(const labels::Labels& lset) {
  series_removed_.fetch_add(1, std::memory_order_relaxed);
  CountMetricSeries(lset, -1);
}

int64_t TenantDB::LargestMetricSeries() {
  absl::MutexLock m(&metric_mu_);
  int64_t largest = 0;
  for (const auto& [name, n] : series_per_metric_) largest = std::max(largest, n);
  return largest;
}

void TenantDB::CountMetricSeries(const labels::Labels& lset, int delta) {
  if (limits_->max_series_per_metric <= 0) return;
  absl::MutexLock m(&metric_mu_);
  const std::string name(lset.Get(labels::kMetricName));
  if (delta > 0) {
    series_per_metric_[name] += delta;
    return;
  }
  auto it = series_per_metric_.find(name);
  if (it == series_per_metric_.end()) return;
  if ((it->second += delta) <= 0) series_per_metric_.erase(it);
}

}  // namespace strata::ingester
