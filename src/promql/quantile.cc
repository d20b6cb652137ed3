#include "promql/quantile.h"

#include <cmath>
#include <limits>

#include "promql/go_sort.h"

namespace strata::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Merges buckets with equal upper bounds. REQUIRES: sorted, non-empty.
void Coalesce(std::vector<Bucket>* b) {
  Bucket last = (*b)[0];
  size_t i = 0;
  for (size_t k = 1; k < b->size(); k++) {
    if ((*b)[k].upper_bound == last.upper_bound) {
      last.count += (*b)[k].count;
    } else {
      (*b)[i++] = last;
      last = (*b)[k];
    }
  }
  (*b)[i] = last;
  b->resize(i + 1);
}

// Raises every count to at least the counts below it.
void EnsureMonotonic(std::vector<Bucket>* b) {
  double max = (*b)[0].count;
  for (size_t i = 1; i < b->size(); i++) {
    if ((*b)[i].count > max) {
      max = (*b)[i].count;
    } else if ((*b)[i].count < max) {
      (*b)[i].count = max;
    }
  }
}

// Go's sort.Search: the smallest i in [0, n) with f(i), or n; f is assumed monotonic.
template <typename F>
size_t Search(size_t n, F f) {
  size_t i = 0, j = n;
  while (i < j) {
    size_t h = (i + j) / 2;
    if (!f(h)) {
      i = h + 1;
    } else {
      j = h;
    }
  }
  return i;
}

}  // namespace

double Quantile(double q, std::vector<double>* values) {
  if (values->empty() || std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  GoSort(
      values, [](double a, double b) { return std::isnan(a) || a < b; },
      [](double a, double b) { return std::isnan(a) ? !std::isnan(b) : a < b; });
  double n = static_cast<double>(values->size());
  // Between two samples, a weighted average of both.
  double rank = q * (n - 1);
  double lower = std::fmax(0, std::floor(rank));
  double upper = std::fmin(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return (*values)[static_cast<size_t>(lower)] * (1 - weight) +
         (*values)[static_cast<size_t>(upper)] * weight;
}

double BucketQuantile(double q, std::vector<Bucket>* buckets) {
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  GoSort(
      buckets, [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; },
      [](const Bucket& a, const Bucket& b) {
        return std::isnan(b.upper_bound) ? !std::isnan(a.upper_bound)
                                         : a.upper_bound < b.upper_bound;
      });
  if (!std::isinf(buckets->back().upper_bound) || buckets->back().upper_bound < 0) return kNaN;
  Coalesce(buckets);
  EnsureMonotonic(buckets);
  std::vector<Bucket>& b = *buckets;
  if (b.size() < 2) return kNaN;
  double observations = b.back().count;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  size_t i = Search(b.size() - 1, [&](size_t k) { return b[k].count >= rank; });
  if (i == b.size() - 1) return b[b.size() - 2].upper_bound;
  if (i == 0 && b[0].upper_bound <= 0) return b[0].upper_bound;
  double start = 0, end = b[i].upper_bound, count = b[i].count;
  if (i > 0) {
    start = b[i - 1].upper_bound;
    count -= b[i - 1].count;
    rank -= b[i - 1].count;
  }
  return start + (end - start) * (rank / count);
}

}  // namespace strata::promql::internal
