// Structured logs in logfmt, as Cortex and Prometheus write them:
//   ts=2026-11-25T20:25:24.123Z level=info msg="TSDB is idle, forcing compaction" user=tenant-1
#ifndef STRATA_UTIL_LOG_H_
#define STRATA_UTIL_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace strata::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Messages below this level are dropped. Thread-safe.
void SetLevel(Level level);
bool ParseLevel(std::string_view s, Level* out);

using KeyValues = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Writes one line to stderr. Values are quoted when they contain spaces, quotes or '='.
void Log(Level level, std::string_view msg, KeyValues kv = {});
inline void Info(std::string_view msg, KeyValues kv = {}) { Log(Level::kInfo, msg, kv); }
inline void Warn(std::string_view msg, KeyValues kv = {}) { Log(Level::kWarn, msg, kv); }
inline void Error(std::string_view msg, KeyValues kv = {}) { Log(Level::kError, msg, kv); }

// The logfmt line without the timestamp (for tests).
std::string FormatForTesting(Level level, std::string_view msg, KeyValues kv);

}  // namespace strata::log

#endif  // STRATA_UTIL_LOG_H_
