#include "tsdb/chunks/segment_format.h"

#include <cstdio>

namespace strata::tsdb::chunks {

std::string SegmentFileName(uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(n));
  return buf;
}

bool IsSegmentFileName(const std::string& name) {
  // Prometheus accepts any name that parses as an unsigned 64-bit decimal.
  if (name.empty() || name.size() > 20) return false;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
  }
  return name.size() < 20 || name <= "18446744073709551615";
}

}  // namespace strata::tsdb::chunks
