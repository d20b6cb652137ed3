// Helpers for tests: a temporary directory removed at destruction, and paths to test data.
#ifndef STRATA_UTIL_TESTING_H_
#define STRATA_UTIL_TESTING_H_

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "util/check.h"

namespace strata::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/strata-test-XXXXXX";
    CHECK(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The repository root (set by CMake for every test binary).
inline std::string SourceDir() {
  const char* dir = std::getenv("STRATA_SOURCE_DIR");
#ifdef STRATA_SOURCE_DIR
  if (dir == nullptr) dir = STRATA_SOURCE_DIR;
#endif
  CHECK(dir != nullptr);
  return dir;
}

// ../shared/testdata next to the repository: reference data written by real Prometheus.
// Read-only in CI: copy before handing it to anything that writes (promtool does).
inline std::string SharedTestdataDir() {
  if (const char* dir = std::getenv("STRATA_SHARED_TESTDATA")) return dir;
  return SourceDir() + "/../shared/testdata";
}

// Copies a directory tree (e.g. shared test data into a TempDir), making the copy writable.
inline void CopyTree(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  for (auto& e : fs::recursive_directory_iterator(to)) {
    fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
  }
  fs::permissions(to, fs::perms::owner_write, fs::perm_options::add);
}

// Percent-encodes everything but RFC 3986's unreserved characters (query strings in tests).
inline std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace strata::testing

#endif  // STRATA_UTIL_TESTING_H_
