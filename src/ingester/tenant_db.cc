#include "ingester/tenant_db.h"

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
  // TODO(strata): series replayed from the WAL do not count against the per-metric limit yet. #4
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

void TenantDB::PostDeletion(const labels::Labels& lset) {
  absl::MutexLock m(&metric_mu_);
  auto it = series_per_metric_.find(std::string(lset.Get(labels::kMetricName)));
  if (it == series_per_metric_.end()) return;
  if (--it->second <= 0) series_per_metric_.erase(it);
}

}  // namespace strata::ingester
