#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "util/strings.h"

namespace strata::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void AppendValue(std::string* out, std::string_view v) {
  const bool quote = v.empty() || v.find_first_of(" \"=\t\n") != std::string_view::npos;
  if (!quote) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out->push_back('\\');
    if (c == '\n') {
      out->append("\\n");
      continue;
    }
    out->push_back(c);
  }
  out->push_back('"');
}

std::string Body(Level level, std::string_view msg, KeyValues kv) {
  std::string line = StrCat("level=", LevelName(level), " msg=");
  AppendValue(&line, msg);
  for (const auto& [k, v] : kv) {
    StrAppend(&line, " ", k, "=");
    AppendValue(&line, v);
  }
  return line;
}

}  // namespace

void SetLevel(Level level) { g_level = static_cast<int>(level); }

bool ParseLevel(std::string_view s, Level* out) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (s == LevelName(l)) {
      *out = l;
      return true;
    }
  }
  return false;
}

void Log(Level level, std::string_view msg, KeyValues kv) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::string line = StrCat(
      "ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), " ",
      Body(level, msg, kv), "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines do not interleave
}

std::string FormatForTesting(Level level, std::string_view msg, KeyValues kv) {
  return Body(level, msg, kv);
}

}  // namespace strata::log
