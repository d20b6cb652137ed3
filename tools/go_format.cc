#include "tools/go_format.h"

#include <ctime>

#include "util/strings.h"

namespace strata::tools {

std::string FormatGoDuration(int64_t ms) {
  // Work on the magnitude as unsigned so INT64_MIN does not overflow.
  const uint64_t u = ms < 0 ? ~static_cast<uint64_t>(ms) + 1 : static_cast<uint64_t>(ms);
  std::string out = ms < 0 ? "-" : "";
  if (u == 0) return "0s";
  if (u < 1000) return StrCat(out, u, "ms");
  const uint64_t frac_ms = u % 1000;
  const uint64_t secs = u / 1000;
  const uint64_t h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
  // Go prints the larger units only when they are non-zero, and always the smaller ones after.
  if (h > 0) StrAppend(&out, h, "h");
  if (h > 0 || m > 0) StrAppend(&out, m, "m");
  StrAppend(&out, s);
  if (frac_ms != 0) {
    std::string frac = std::to_string(1000 + frac_ms).substr(1);  // three digits
    while (frac.back() == '0') frac.pop_back();
    StrAppend(&out, ".", frac);
  }
  out += "s";
  return out;
}

std::string FormatBase2Bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes == 0) return "0B";
  std::string out;
  for (int i = 6; i >= 0; i--) {
    const uint64_t unit = uint64_t{1} << (10 * i);
    // 2^64 < 1024 EiB, so the EiB part also fits below 1024.
    if (const uint64_t part = bytes / unit % 1024; part != 0) StrAppend(&out, part, kUnits[i]);
  }
  return out;
}

std::string FormatUtcSeconds(int64_t ms) {
  const time_t secs = static_cast<time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  return buf;
}

}  // namespace strata::tools
