// libFuzzer target: the YAML config loader (server::ConfigFromYaml, what -config.file loads).
//
// Invariant checked beyond "does not crash": config.h promises ConfigFromYaml(ToYaml(c)) == c
// for every valid c, so every config that loads is printed and loaded again (one known exception
// below).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Config files are small; large inputs only slow the search down.
  if (size > 8192) return 0;
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto config = strata::server::ConfigFromYaml(yaml);
  if (!config.ok()) return 0;
  const std::string printed = strata::server::ToYaml(*config);
  auto again = strata::server::ConfigFromYaml(printed);
  if (!again.ok()) {
    std::fprintf(stderr, "config_fuzz: ToYaml output does not load: %s\n%s\n",
                 std::string(again.status().message()).c_str(), printed.c_str());
    std::abort();
  }
  // Known, not yet fixed (docs/reliability.md): yaml-cpp's emitter prints some code points it
  // considers unprintable in double-quoted strings (e.g. U+10FFFF) as U+FFFD. Until ToYaml escapes
  // them itself, such configs only have to print to a fixed point.
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  const bool replaced = printed.find(kReplacement) != std::string::npos &&
                        yaml.find(kReplacement) == std::string_view::npos;
  if (replaced) {
    if (strata::server::ToYaml(*again) != printed) {
      std::fprintf(stderr, "config_fuzz: ToYaml is not a fixed point for\n%s\n", printed.c_str());
      std::abort();
    }
    return 0;
  }
  if (!(*again == *config)) {
    std::fprintf(stderr, "config_fuzz: ConfigFromYaml(ToYaml(c)) != c for\n%s\n", printed.c_str());
    std::abort();
  }
  return 0;
}
