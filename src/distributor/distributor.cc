#include "distributor/distributor.h"

#include "prompb/compression.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::distributor {
namespace {

// Per handler thread: the buffers of one request, reused so a push allocates nothing in steady
// state once they have grown.
struct Scratch {
  std::string decompressed;
  prompb::WriteRequestView view;
  ValidatedRequest validated;
  std::vector<ingester::PushSeries> series;
};

Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

Distributor::Distributor(DistributorConfig cfg, ingester::IngesterService* ingester,
                         const limits::Overrides* overrides, const Clock* clock,
                         metrics::Registry* registry)
    : cfg_(cfg), ingester_(ingester), overrides_(overrides), clock_(clock), rate_limiter_(clock) {
  if (registry == nullptr) return;
  if (auto f = registry->NewCounterFamily("cortex_discarded_samples_total",
                                          "The total number of samples that were discarded.",
                                          {"reason", "user"});
      f.ok()) {
    discarded_ = *f;
  }
  if (auto f = registry->NewCounterFamily(
          "cortex_distributor_received_samples_total",
          "The total number of received samples, excluding rejected and deduped samples.",
          {"user"});
      f.ok()) {
    received_ = *f;
  }
  if (auto f = registry->NewCounterFamily("cortex_distributor_samples_in_total",
                                          "The total number of samples that have come in to the "
                                          "distributor, including rejected or deduped samples.",
                                          {"user"});
      f.ok()) {
    samples_in_ = *f;
  }
}

void Distributor::CountDiscarded(const std::string& tenant, std::string_view reason, uint64_t n) {
  if (discarded_ != nullptr && n > 0) discarded_->WithLabels({reason, tenant}).Add(n);
}

absl::Status Distributor::PushCompressed(const std::string& tenant, std::string_view body) {
  Scratch& s = ThreadScratch();
  RETURN_IF_ERROR(prompb::DecompressSnappy(body, cfg_.max_recv_msg_size, &s.decompressed));
  RETURN_IF_ERROR(prompb::DecodeWriteRequest(s.decompressed, &s.view));
  return Push(tenant, s.view);
}

absl::Status Distributor::Push(const std::string& tenant, const prompb::WriteRequestView& req) {
  Scratch& s = ThreadScratch();
  const limits::Limits& limits = overrides_->ForTenant(tenant);
  const int64_t now = clock_->NowMs();
  active_.Touch(tenant, now);
  if (samples_in_ != nullptr) samples_in_->WithLabels({tenant}).Add(req.samples.size());
  RETURN_IF_ERROR(ValidateWriteRequest(req, limits, now, cfg_.validation, &s.validated));
  const ValidatedRequest& v = s.validated;
  for (size_t r = 0; r < kNumDiscardReasons; r++) {
    CountDiscarded(tenant, DiscardReasonName(static_cast<DiscardReason>(r)), v.discarded_samples[r]);
  }
  if (v.valid_samples + v.valid_metadata > 0 &&
      !rate_limiter_.AllowN(tenant, now, v.valid_samples + v.valid_metadata, limits)) {
    CountDiscarded(tenant, DiscardReasonName(DiscardReason::kRateLimited), v.valid_samples);
    return RateLimitedError(limits.ingestion_rate, v.valid_samples, v.valid_metadata);
  }
  s.series.clear();
  for (const ValidatedRequest::Series& vs : v.series) {
    s.series.push_back(
        ingester::PushSeries{v.LabelsOf(vs), req.SamplesOf(req.timeseries[vs.index])});
  }
  ingester::PushResult res;
  if (!s.series.empty()) res = ingester_->Push(tenant, s.series);
  if (received_ != nullptr) received_->WithLabels({tenant}).Add(res.appended);
  for (const auto& [reason, n] : res.discarded) CountDiscarded(tenant, reason, n);
  // A server-side failure wins: the client must retry. Then the first validation error, then
  // the first sample rejected by the TSDB (both 400: the valid part is ingested).
  if (!res.status.ok() && !absl::IsInvalidArgument(res.status)) return res.status;
  RETURN_IF_ERROR(v.status());
  return res.status;
}

size_t Distributor::PurgeInactiveTenants(int64_t inactive_ms) {
  const std::vector<std::string> purged = active_.PurgeInactive(clock_->NowMs(), inactive_ms);
  for (const std::string& tenant : purged) {
    rate_limiter_.Forget(tenant);
    for (metrics::CounterFamily* f : {discarded_, received_, samples_in_}) {
      if (f != nullptr) f->RemovePartialMatch({{"user", tenant}});
    }
  }
  return purged.size();
}

}  // namespace strata::distributor
