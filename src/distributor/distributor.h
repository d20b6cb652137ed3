// The write path's front (Cortex pkg/distributor): decode the remote-write body, validate series
// and samples, apply the tenant's ingestion rate limit, hand the valid series to the ingester.
//
// Status codes (mapped to HTTP in api/): InvalidArgument → 400 (the valid part of the request was
// still ingested: Cortex's partial failure), ResourceExhausted → 429 (rate limited, nothing
// ingested), Unavailable/Internal → 5xx (the client retries).
#ifndef STRATA_DISTRIBUTOR_DISTRIBUTOR_H_
#define STRATA_DISTRIBUTOR_DISTRIBUTOR_H_

#include <string>

#include "absl/status/status.h"
#include "distributor/active_tenants.h"
#include "distributor/rate_limiter.h"
#include "distributor/validate.h"
#include "ingester/ingester_service.h"
#include "limits/limits.h"
#include "metrics/registry.h"
#include "prompb/decode.h"
#include "util/clock.h"

namespace strata::distributor {

// How long a tenant may stay silent before the distributor forgets it (Cortex's
// inactiveUserTimeout).
inline constexpr int64_t kInactiveTenantTimeoutMs = 15 * 60 * 1000;

struct DistributorConfig {
  // -distributor.max-recv-msg-size: largest decompressed request.
  size_t max_recv_msg_size = 100 << 20;
  ValidationOptions validation;
};

class Distributor {
 public:
  // All pointers must outlive the distributor; `registry` may be null (no metrics).
  Distributor(DistributorConfig cfg, ingester::IngesterService* ingester,
              const limits::Overrides* overrides, const Clock* clock, metrics::Registry* registry);

  // Pushes a snappy-compressed remote-write body for `tenant` (already validated).
  absl::Status PushCompressed(const std::string& tenant, std::string_view body);
  // Pushes a decoded request.
  absl::Status Push(const std::string& tenant, const prompb::WriteRequestView& req);

  // Forgets what is kept for tenants that have not pushed for `inactive_ms`: their rate-limiter
  // bucket and their per-user metric series (Cortex does this after 15 minutes; so does the
  // server, see kInactiveTenantTimeoutMs). Returns how many tenants were forgotten.
  size_t PurgeInactiveTenants(int64_t inactive_ms);

 private:
  void CountDiscarded(const std::string& tenant, std::string_view reason, uint64_t n);

  const DistributorConfig cfg_;
  ingester::IngesterService* const ingester_;
  const limits::Overrides* const overrides_;
  const Clock* const clock_;
  RateLimiter rate_limiter_;
  ActiveTenants active_;
  metrics::CounterFamily* discarded_ = nullptr;  // cortex_discarded_samples_total{reason,user}
  metrics::CounterFamily* received_ = nullptr;   // cortex_distributor_received_samples_total{user}
  metrics::CounterFamily* samples_in_ = nullptr;  // cortex_distributor_samples_in_total{user}
};

}  // namespace strata::distributor

#endif  // STRATA_DISTRIBUTOR_DISTRIBUTOR_H_
