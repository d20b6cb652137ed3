#include "util/compact_string.h"

#include <cstddef>

#include "util/check.h"

namespace strata {

CompactString::CompactString(std::string_view s) {
  if (s.size() <= kMaxInline) {
    SetInline(s);
    return;
  }
  CHECK(s.size() <= UINT32_MAX);
  char* p = new char[s.size()];
  std::memcpy(p, s.data(), s.size());
  const auto n = static_cast<uint32_t>(s.size());
  std::memcpy(rep_, &p, sizeof p);
  std::memcpy(rep_ + 8, &n, sizeof n);
  rep_[kTag] = static_cast<char>(kOnHeap);
}

CompactString& CompactString::operator=(CompactString&& o) noexcept {
  if (this != &o) {
    FreeHeap();
    std::memcpy(rep_, o.rep_, sizeof rep_);
    o.SetInline({});
  }
  return *this;
}

}  // namespace strata
