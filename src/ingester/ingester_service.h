// What the distributor and querier need of an ingester. An interface so that a network (gRPC,
// ARCHITECTURE.md §5) can go between them later; in one process the Ingester implements it.
#ifndef STRATA_INGESTER_INGESTER_SERVICE_H_
#define STRATA_INGESTER_INGESTER_SERVICE_H_

#include <map>
#include <memory>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "labels/labels.h"
#include "prompb/write_request.h"
#include "storage/storage.h"

namespace strata::ingester {

// One series of a push, already validated by the distributor: labels sorted, unique, non-empty.
struct PushSeries {
  std::span<const labels::Label> labels;
  std::span<const prompb::Sample> samples;
};

// Counts per Cortex discard reason label ("sample-out-of-order", …) and the first error.
struct PushResult {
  uint64_t appended = 0;
  std::map<std::string, uint64_t> discarded;  // reason → samples
  // OK, InvalidArgument (a sample was rejected: HTTP 400 with Cortex's message), or an error of
  // the TSDB (Unavailable / Internal: HTTP 5xx, the client retries).
  absl::Status status;
};

class IngesterService {
 public:
  virtual ~IngesterService() = default;
  virtual PushResult Push(const std::string& tenant, std::span<const PushSeries> series) = 0;
  // The tenant's data in [mint, maxt]; an empty querier for an unknown tenant.
  virtual std::unique_ptr<storage::Querier> Querier(const std::string& tenant, int64_t mint,
                                                    int64_t maxt) = 0;
};

}  // namespace strata::ingester

#endif  // STRATA_INGESTER_INGESTER_SERVICE_H_
