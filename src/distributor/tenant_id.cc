#include "distributor/tenant_id.h"

#include <cstdint>

#include "util/go_strings.h"
#include "util/strings.h"

namespace strata::distributor {
namespace {

bool IsSupported(char32_t r) {
  if ((r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) return true;
  switch (r) {
    case '!':
    case '-':
    case '_':
    case '.':
    case '*':
    case '\'':
    case '(':
    case ')':
      return true;
    default:
      return false;
  }
}

absl::Status UnsupportedCharacter(std::string_view id, size_t pos) {
  std::string msg = StrCat("tenant ID '", id, "' contains unsupported character '");
  // Go formats the byte at `pos` with %c: the byte's value as a code point.
  AppendUtf8(&msg, static_cast<uint8_t>(id[pos]));
  msg.push_back('\'');
  return absl::InvalidArgumentError(msg);
}

}  // namespace

absl::Status ValidateTenantId(std::string_view id) {
  for (size_t pos = 0; pos < id.size();) {
    const DecodedRune d = DecodeRune(id.substr(pos));
    if (!IsSupported(d.rune)) return UnsupportedCharacter(id, pos);
    pos += d.width;
  }
  if (id.size() > kMaxTenantIdLength) {
    return absl::InvalidArgumentError("tenant ID is too long: max 150 characters");
  }
  if (id == "__markers__") {
    return absl::InvalidArgumentError("tenant ID '__markers__' is not allowed");
  }
  if (id == "user-index.json.gz") {
    return absl::InvalidArgumentError("tenant ID 'user-index.json.gz' is not allowed");
  }
  if (id == "." || id == "..") {
    return absl::InvalidArgumentError("tenant ID is '.' or '..'");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TenantFromHeader(std::optional<std::string_view> header,
                                             bool auth_enabled) {
  if (!auth_enabled) return std::string(kFakeTenant);
  // Go's Header.Get cannot tell an empty header from a missing one; Cortex treats both as none.
  if (!header.has_value() || header->empty()) {
    return absl::UnauthenticatedError(std::string(kNoOrgIdMessage));
  }
  if (absl::Status s = ValidateTenantId(*header); !s.ok()) return s;
  return std::string(*header);
}

}  // namespace strata::distributor
