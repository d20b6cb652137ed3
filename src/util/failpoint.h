// Failpoints: named places where an end-to-end test can make the real binary fail, to prove the
// recovery paths of a running server (the in-process tests inject faults through Fs instead).
//
// Set by the environment at start-up, never by a request:
//   STRATA_FAILPOINTS="ooo_compaction=1"        the first hit of ooo_compaction fails, then none
//   STRATA_FAILPOINTS="a=2,b=1"                  several at once
// Unset (production), Check costs one load of a flag.
//
// Failpoints in the code: ooo_compaction (DB's OOO step: after the in-order blocks of the pass,
// which may hold OOO samples of their windows, before any from-out-of-order block is written and
// before the OOO head is truncated).
#ifndef STRATA_UTIL_FAILPOINT_H_
#define STRATA_UTIL_FAILPOINT_H_

#include <string_view>

#include "absl/status/status.h"

namespace strata::failpoint {

// Internal("failpoint <name>") while the failpoint has failures left, else OK.
absl::Status Check(std::string_view name);

}  // namespace strata::failpoint

#endif  // STRATA_UTIL_FAILPOINT_H_
