// Internal to the engine: Go's sort.Sort and container/heap as Prometheus uses them, so that
// results whose order Go leaves to the algorithm (topk/bottomk ties, sort() of equal values,
// NaNs) come out in the same order.
#ifndef STRATA_PROMQL_GO_SORT_H_
#define STRATA_PROMQL_GO_SORT_H_

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace strata::promql::internal {

// Go's sort.Sort(data) with `less(a, b)` as data.Less, which may be inconsistent for NaN (as
// Prometheus's comparators are). Up to 12 elements Go runs an insertion sort, reproduced
// exactly; above that Go's pattern-defeating quicksort is not reproduced: a stable sort with
// `strict_less` (a strict weak order agreeing with `less` on non-NaN values) runs instead, so
// only the order of equal values may differ from Go's.
template <typename T, typename Less, typename StrictLess>
void GoSort(std::vector<T>* v, Less less, StrictLess strict_less) {
  if (v->size() <= 12) {
    for (size_t i = 1; i < v->size(); i++) {
      for (size_t j = i; j > 0 && less((*v)[j], (*v)[j - 1]); j--) std::swap((*v)[j], (*v)[j - 1]);
    }
    return;
  }
  std::stable_sort(v->begin(), v->end(), strict_less);
}

// container/heap: `less` orders the heap (the top is the least element).
template <typename T, typename Less>
void GoHeapUp(std::vector<T>* h, size_t j, Less less) {
  while (j > 0) {
    size_t i = (j - 1) / 2;
    if (!less((*h)[j], (*h)[i])) break;
    std::swap((*h)[i], (*h)[j]);
    j = i;
  }
}

template <typename T, typename Less>
void GoHeapDown(std::vector<T>* h, size_t i, size_t n, Less less) {
  while (true) {
    size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (size_t j2 = j1 + 1; j2 < n && less((*h)[j2], (*h)[j1])) j = j2;
    if (!less((*h)[j], (*h)[i])) break;
    std::swap((*h)[i], (*h)[j]);
    i = j;
  }
}

// heap.Push.
template <typename T, typename Less>
void GoHeapPush(std::vector<T>* h, T x, Less less) {
  h->push_back(std::move(x));
  GoHeapUp(h, h->size() - 1, less);
}

// heap.Pop, discarding the popped element.
template <typename T, typename Less>
void GoHeapPop(std::vector<T>* h, Less less) {
  size_t n = h->size() - 1;
  std::swap((*h)[0], (*h)[n]);
  GoHeapDown(h, 0, n, less);
  h->pop_back();
}

}  // namespace strata::promql::internal

#endif  // STRATA_PROMQL_GO_SORT_H_
