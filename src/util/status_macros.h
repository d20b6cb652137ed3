// Propagating absl::Status without exceptions (docs/STYLE.md §3).
//
//   RETURN_IF_ERROR(file->Sync());
//   ASSIGN_OR_RETURN(auto reader, IndexReader::Open(fs, path));
//   RETURN_IF_ERROR_CTX(WriteIndex(), "write index");   // prefixes the message with context
#ifndef STRATA_UTIL_STATUS_MACROS_H_
#define STRATA_UTIL_STATUS_MACROS_H_

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/strings.h"

namespace strata {

// Returns `status` with `context: ` in front of its message, keeping the code.
inline absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  return absl::Status(status.code(), StrCat(context, ": ", status.message()));
}

}  // namespace strata

#define STRATA_CONCAT_INNER_(a, b) a##b
#define STRATA_CONCAT_(a, b) STRATA_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                                 \
  do {                                                        \
    if (absl::Status _st = (expr); !_st.ok()) return _st;     \
  } while (0)

#define RETURN_IF_ERROR_CTX(expr, context)                                        \
  do {                                                                            \
    if (absl::Status _st = (expr); !_st.ok()) return ::strata::Annotate(_st, context); \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return std::move(tmp).status(); \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(STRATA_CONCAT_(_statusor_, __LINE__), lhs, expr)

#endif  // STRATA_UTIL_STATUS_MACROS_H_
