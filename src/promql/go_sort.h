// Internal to the engine: Go's sort.Sort and container/heap as Prometheus uses them, so that
// results whose order Go leaves to the algorithm (topk/bottomk ties, sort() of equal values,
// NaNs) come out in the same order.
#ifndef STRATA_PROMQL_GO_SORT_H_
#define STRATA_PROMQL_GO_SORT_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace strata::promql::internal {

namespace go_sort_internal {

// Go's sort.Sort since Go 1.19 (the toolchain of Debian's Prometheus 2.42): pattern-defeating
// quicksort over Less and Swap, with an insertion sort for short ranges, a heap sort after too
// many unbalanced partitions, and a deterministic xorshift to break patterns. Reproduced step by
// step, because the order it leaves equal (or NaN-incomparable) elements in is part of
// Prometheus's answers.
template <typename T, typename Less>
class PdqSorter {
 public:
  PdqSorter(std::vector<T>* v, Less& less) : v_(*v), less_(less) {}

  void Sort() {
    const int64_t n = static_cast<int64_t>(v_.size());
    if (n <= 1) return;
    Pdq(0, n, std::bit_width(static_cast<uint64_t>(n)));
  }

 private:
  enum class Hint { kUnknown, kIncreasing, kDecreasing };

  bool L(int64_t i, int64_t j) { return less_(v_[i], v_[j]); }
  void S(int64_t i, int64_t j) { std::swap(v_[i], v_[j]); }

  void InsertionSort(int64_t a, int64_t b) {
    for (int64_t i = a + 1; i < b; i++) {
      for (int64_t j = i; j > a && L(j, j - 1); j--) S(j, j - 1);
    }
  }

  void SiftDown(int64_t lo, int64_t hi, int64_t first) {
    for (int64_t root = lo;;) {
      int64_t child = 2 * root + 1;
      if (child >= hi) return;
      if (child + 1 < hi && L(first + child, first + child + 1)) child++;
      if (!L(first + root, first + child)) return;
      S(first + root, first + child);
      root = child;
    }
  }

  void HeapSort(int64_t a, int64_t b) {
    const int64_t hi = b - a;
    for (int64_t i = (hi - 1) / 2; i >= 0; i--) SiftDown(i, hi, a);
    for (int64_t i = hi - 1; i >= 0; i--) {
      S(a, a + i);
      SiftDown(0, i, a);
    }
  }

  void Pdq(int64_t a, int64_t b, int limit) {
    bool was_balanced = true, was_partitioned = true;
    while (true) {
      const int64_t length = b - a;
      if (length <= 12) {
        InsertionSort(a, b);
        return;
      }
      if (limit == 0) {
        HeapSort(a, b);
        return;
      }
      if (!was_balanced) {
        BreakPatterns(a, b);
        limit--;
      }
      Hint hint;
      int64_t pivot = ChoosePivot(a, b, &hint);
      if (hint == Hint::kDecreasing) {
        for (int64_t i = a, j = b - 1; i < j; i++, j--) S(i, j);
        pivot = (b - 1) - (pivot - a);
        hint = Hint::kIncreasing;
      }
      if (was_balanced && was_partitioned && hint == Hint::kIncreasing &&
          PartialInsertionSort(a, b)) {
        return;
      }
      // Many elements equal to the one before the range: put those equal to the pivot first.
      if (a > 0 && !L(a - 1, pivot)) {
        a = PartitionEqual(a, b, pivot);
        continue;
      }
      bool already_partitioned = false;
      const int64_t mid = Partition(a, b, pivot, &already_partitioned);
      was_partitioned = already_partitioned;
      const int64_t left = mid - a, right = b - mid;
      const int64_t balance_threshold = length / 8;
      if (left < right) {
        was_balanced = left >= balance_threshold;
        Pdq(a, mid, limit);
        a = mid + 1;
      } else {
        was_balanced = right >= balance_threshold;
        Pdq(mid + 1, b, limit);
        b = mid;
      }
    }
  }

  // Moves the pivot to `a`, then the elements less than it before the returned index and the
  // others after it; the pivot ends at the returned index.
  int64_t Partition(int64_t a, int64_t b, int64_t pivot, bool* already_partitioned) {
    S(a, pivot);
    int64_t i = a + 1, j = b - 1;
    while (i <= j && L(i, a)) i++;
    while (i <= j && !L(j, a)) j--;
    if (i > j) {
      S(j, a);
      *already_partitioned = true;
      return j;
    }
    S(i, j);
    i++;
    j--;
    while (true) {
      while (i <= j && L(i, a)) i++;
      while (i <= j && !L(j, a)) j--;
      if (i > j) break;
      S(i, j);
      i++;
      j--;
    }
    S(j, a);
    *already_partitioned = false;
    return j;
  }

  // The elements equal to the pivot first (the range holds none smaller); returns where the
  // greater ones start.
  int64_t PartitionEqual(int64_t a, int64_t b, int64_t pivot) {
    S(a, pivot);
    int64_t i = a + 1, j = b - 1;
    while (true) {
      while (i <= j && !L(a, i)) i++;
      while (i <= j && L(a, j)) j--;
      if (i > j) break;
      S(i, j);
      i++;
      j--;
    }
    return i;
  }

  // Fixes up to 5 adjacent inversions (on ranges of at least 50); whether the range is sorted.
  bool PartialInsertionSort(int64_t a, int64_t b) {
    int64_t i = a + 1;
    for (int step = 0; step < 5; step++) {
      while (i < b && !L(i, i - 1)) i++;
      if (i == b) return true;
      if (b - a < 50) return false;
      S(i, i - 1);
      if (i - a >= 2) {
        for (int64_t j = i - 1; j >= 1; j--) {
          if (!L(j, j - 1)) break;
          S(j, j - 1);
        }
      }
      if (b - i >= 2) {
        for (int64_t j = i + 1; j < b; j++) {
          if (!L(j, j - 1)) break;
          S(j, j - 1);
        }
      }
    }
    return false;
  }

  void BreakPatterns(int64_t a, int64_t b) {
    const int64_t length = b - a;
    if (length < 8) return;
    uint64_t random = static_cast<uint64_t>(length);  // xorshift seeded with the length
    const uint64_t modulus = uint64_t{1} << std::bit_width(static_cast<uint64_t>(length));
    for (int64_t idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
      random ^= random << 13;
      random ^= random >> kXorshiftMiddle;
      random ^= random << kXorshiftLast;
      int64_t other = static_cast<int64_t>(random & (modulus - 1));
      if (other >= length) other -= length;
      S(idx, a + other);
    }
  }

  // Sorts indices x, y so that v[x] <= v[y], counting swaps.
  void Order2(int64_t* x, int64_t* y, int* swaps) {
    if (L(*y, *x)) {
      ++*swaps;
      std::swap(*x, *y);
    }
  }
  int64_t Median(int64_t x, int64_t y, int64_t z, int* swaps) {
    Order2(&x, &y, swaps);
    Order2(&y, &z, swaps);
    Order2(&x, &y, swaps);
    return y;
  }

  // A fixed pivot below 8 elements, the median of three below 50, Tukey's ninther above.
  int64_t ChoosePivot(int64_t a, int64_t b, Hint* hint) {
    const int64_t l = b - a;
    int swaps = 0;
    int64_t i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
    if (l >= 8) {
      if (l >= 50) {
        i = Median(i - 1, i, i + 1, &swaps);
        j = Median(j - 1, j, j + 1, &swaps);
        k = Median(k - 1, k, k + 1, &swaps);
      }
      j = Median(i, j, k, &swaps);
    }
    *hint = swaps == 0 ? Hint::kIncreasing : swaps == 12 ? Hint::kDecreasing : Hint::kUnknown;
    return j;
  }

  // Go 1.19's xorshift steps are 13, 17, 5.
  static constexpr int kXorshiftMiddle = 17;
  static constexpr int kXorshiftLast = 5;

  std::vector<T>& v_;
  Less& less_;
};

}  // namespace go_sort_internal

// Go's sort.Sort(data) with `less(a, b)` as data.Less, which may be inconsistent for NaN (as
// Prometheus's comparators are), reproduced exactly (see PdqSorter). `strict_less` is unused
// (kept for callers written when only small sorts were exact).
template <typename T, typename Less, typename StrictLess>
void GoSort(std::vector<T>* v, Less less, StrictLess /*strict_less*/) {
  go_sort_internal::PdqSorter<T, Less>(v, less).Sort();
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
