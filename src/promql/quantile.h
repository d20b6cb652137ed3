// Internal to the engine: quantiles of samples and of classic histogram buckets (Prometheus
// promql/quantile.go).
#ifndef STRATA_PROMQL_QUANTILE_H_
#define STRATA_PROMQL_QUANTILE_H_

#include <vector>

namespace strata::promql::internal {

// The q-quantile of `values` (reordered), interpolating linearly between the two nearest
// ranks: NaN for no values or q = NaN, -Inf for q < 0, +Inf for q > 1. NaN values sort first.
double Quantile(double q, std::vector<double>* values);

struct Bucket {
  double upper_bound;
  double count;  // cumulative
};

// The q-quantile of a classic histogram given its buckets (any order; reordered and merged
// in place): NaN unless the highest bucket is +Inf and there are at least two bounds and some
// observations. Counts are first made monotonic (the "envelope" Prometheus uses to survive
// non-atomic scrapes); the result interpolates linearly inside the bucket holding the rank,
// the lowest bucket starting at 0 unless its bound is <= 0.
double BucketQuantile(double q, std::vector<Bucket>* buckets);

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_QUANTILE_H_
