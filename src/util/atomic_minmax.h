// Lock-free min/max updates of an atomic (compare-exchange loops).
#ifndef STRATA_UTIL_ATOMIC_MINMAX_H_
#define STRATA_UTIL_ATOMIC_MINMAX_H_

#include <atomic>

namespace strata {

template <typename T>
void AtomicMin(std::atomic<T>& a, T v) {
  T cur = a.load();
  while (v < cur && !a.compare_exchange_weak(cur, v)) {
  }
}

template <typename T>
void AtomicMax(std::atomic<T>& a, T v) {
  T cur = a.load();
  while (v > cur && !a.compare_exchange_weak(cur, v)) {
  }
}

}  // namespace strata

#endif  // STRATA_UTIL_ATOMIC_MINMAX_H_
