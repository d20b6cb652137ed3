// Formatting numbers the way Go's standard library prints them in promtool's tables.
#ifndef STRATA_TOOLS_GO_FORMAT_H_
#define STRATA_TOOLS_GO_FORMAT_H_

#include <cstdint>
#include <string>

namespace strata::tools {

// Go's time.Duration.String() of `ms` milliseconds: "0s", "500ms", "31.001s", "1m0s",
// "34m19.975s", "2h0m0s", "-1.5s".
std::string FormatGoDuration(int64_t ms);

// alecthomas/units Base2Bytes.String(): each non-zero power-of-1024 part, largest first:
// "0B", "1021B", "1KiB595B", "1MiB", "2GiB3B".
std::string FormatBase2Bytes(uint64_t bytes);

// Go's time.Time.String() of a Unix time in whole seconds (ms truncated toward zero), in UTC:
// "2023-11-14 22:13:20 +0000 UTC".
std::string FormatUtcSeconds(int64_t ms);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_GO_FORMAT_H_
