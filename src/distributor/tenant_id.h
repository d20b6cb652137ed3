// The tenant of a request: the X-Scope-OrgID header, validated as Cortex validates tenant IDs
// (pkg/util/users/tenant.go; documented at cortexmetrics.io, "Tenant ID naming").
//
// Rules, checked in Cortex's order, first failure wins:
//   1. every rune is an ASCII letter or digit or one of ! - _ . * ' ( )
//      -> "tenant ID '<id>' contains unsupported character '<c>'"
//   2. at most 150 bytes            -> "tenant ID is too long: max 150 characters"
//   3. not "__markers__"            -> "tenant ID '__markers__' is not allowed"
//      not "user-index.json.gz"     -> "tenant ID 'user-index.json.gz' is not allowed"
//      (both names are taken in a bucket's top level)
//   4. not "." or ".."              -> "tenant ID is '.' or '..'"
// A push names exactly one tenant: '|' (the separator of multi-tenant queries) fails rule 1,
// as in Cortex's default single-tenant resolver.
//
// Pure functions; thread-safe.
#ifndef STRATA_DISTRIBUTOR_TENANT_ID_H_
#define STRATA_DISTRIBUTOR_TENANT_ID_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::distributor {

inline constexpr std::string_view kOrgIdHeader = "X-Scope-OrgID";
// The tenant of every request when auth is disabled (Cortex's -auth.enabled=false).
inline constexpr std::string_view kFakeTenant = "fake";
inline constexpr size_t kMaxTenantIdLength = 150;  // bytes
// Cortex's answer to a request without a tenant (HTTP 401 from its auth middleware).
inline constexpr std::string_view kNoOrgIdMessage = "no org id";

// OK if `id` is a valid tenant ID, else InvalidArgument with Cortex's message (above).
//
// The message reproduces Go's formatting exactly, quirks included: the ID is printed as its raw
// bytes, and the character is the offending rune's FIRST BYTE printed as a code point (Go's
// `%c` of a byte), so "é" (C3 A9) is reported as 'Ã' (U+00C3).
absl::Status ValidateTenantId(std::string_view id);

// The tenant of a push request.
//   auth disabled:                 always "fake"; the header is ignored.
//   header absent or empty:        Unauthenticated("no org id") (Cortex: 401).
//   header not a valid tenant ID:  InvalidArgument with ValidateTenantId's message. (Cortex
//                                  answers these with a 500, as its push handler gets an error
//                                  that carries no HTTP code; the API layer may prefer 400.)
// `header` is the X-Scope-OrgID value as received (when repeated, the first one, as Go's
// Header.Get returns it); it is not trimmed.
absl::StatusOr<std::string> TenantFromHeader(std::optional<std::string_view> header,
                                             bool auth_enabled);

}  // namespace strata::distributor

#endif  // STRATA_DISTRIBUTOR_TENANT_ID_H_
