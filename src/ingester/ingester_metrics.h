// Exports the ingester's state as Cortex's metrics (ARCHITECTURE.md §4, cortex-reference.md §6).
#ifndef STRATA_INGESTER_INGESTER_METRICS_H_
#define STRATA_INGESTER_INGESTER_METRICS_H_

#include "absl/status/status.h"
#include "ingester/ingester.h"
#include "metrics/registry.h"

namespace strata::ingester {

// Registers collectors reading `ing` at scrape time. REQUIRES: `ing` outlives `registry`'s use.
absl::Status RegisterIngesterMetrics(Ingester* ing, metrics::Registry* registry);

}  // namespace strata::ingester

#endif  // STRATA_INGESTER_INGESTER_METRICS_H_
