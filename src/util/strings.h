// String building that accepts std::string_view.
//
// Debian's abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so absl::string_view is its own
// type and absl::StrCat / absl::Status do not take std::string_view. Use strata::StrCat (and
// strata::AbslView where an absl::string_view is wanted) instead of absl::StrCat.
#ifndef STRATA_UTIL_STRINGS_H_
#define STRATA_UTIL_STRINGS_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace strata {

inline absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

namespace strings_internal {
template <typename T>
decltype(auto) ToAlphaNum(const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view> &&
                !std::is_same_v<T, std::string> && !std::is_pointer_v<std::decay_t<T>> &&
                !std::is_array_v<T>) {
    return AbslView(std::string_view(v));
  } else {
    return (v);
  }
}
}  // namespace strings_internal

// Concatenates strings, string_views, C strings and numbers (numbers as absl::StrCat prints them).
template <typename... Args>
std::string StrCat(const Args&... args) {
  return absl::StrCat(strings_internal::ToAlphaNum(args)...);
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  absl::StrAppend(out, strings_internal::ToAlphaNum(args)...);
}

}  // namespace strata

#endif  // STRATA_UTIL_STRINGS_H_
