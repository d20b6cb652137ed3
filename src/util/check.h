// Invariant checks (docs/STYLE.md §3). abseil 20220623 ships no CHECK, so these are ours.
// CHECK: always on, only where continuing would corrupt data. DCHECK: debug builds only.
// Never use either on input from users or from disk: return a Status instead.
#ifndef STRATA_UTIL_CHECK_H_
#define STRATA_UTIL_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) [[unlikely]] {                                                       \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

#ifdef NDEBUG
#define DCHECK(cond) \
  do {               \
  } while (false && (cond))
#else
#define DCHECK(cond) CHECK(cond)
#endif

#endif  // STRATA_UTIL_CHECK_H_
