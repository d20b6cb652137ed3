#include "metrics/process_collector.h"

#include <unistd.h>

#include <charconv>
#include <string_view>
#include <vector>

#include "util/strings.h"

namespace strata::metrics {
namespace {

// What procfs writes for a resource limit without a bound (RLIM_INFINITY).
constexpr double kUnlimited = 18446744073709551615.0;

// Positions in /proc/<pid>/stat counted from the field after "(comm)", i.e. field 3 (state) is 0;
// proc(5) numbers fields from 1.
constexpr size_t kUtime = 14 - 3;
constexpr size_t kStime = 15 - 3;
constexpr size_t kStartTime = 22 - 3;
constexpr size_t kVsize = 23 - 3;
constexpr size_t kRss = 24 - 3;

std::optional<uint64_t> ParseUint(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) i++;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n') i++;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The fields after the command name, which is in parentheses and may itself contain spaces and
// parentheses: the last ')' ends it.
std::vector<std::string_view> StatFields(std::string_view stat) {
  size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return {};
  return SplitSpaces(stat.substr(close + 1));
}

// The soft limit of the /proc/<pid>/limits row named `name` ("Max open files").
std::optional<double> SoftLimit(std::string_view limits, std::string_view name) {
  size_t pos = 0;
  while (pos < limits.size()) {
    size_t end = limits.find('\n', pos);
    if (end == std::string_view::npos) end = limits.size();
    std::string_view line = limits.substr(pos, end - pos);
    pos = end + 1;
    if (!line.starts_with(name)) continue;
    std::vector<std::string_view> cols = SplitSpaces(line.substr(name.size()));
    if (cols.empty()) return std::nullopt;
    if (cols[0] == "unlimited") return kUnlimited;
    std::optional<uint64_t> v = ParseUint(cols[0]);
    if (!v) return std::nullopt;
    return static_cast<double>(*v);
  }
  return std::nullopt;
}

// The "btime" line of /proc/stat: boot time in seconds since the epoch.
std::optional<uint64_t> BootTime(std::string_view stat) {
  size_t pos = stat.starts_with("btime ") ? 0 : stat.find("\nbtime ");
  if (pos == std::string_view::npos) return std::nullopt;
  if (pos != 0) pos++;
  size_t end = stat.find('\n', pos);
  std::vector<std::string_view> cols = SplitSpaces(stat.substr(pos, end - pos));
  if (cols.size() != 2) return std::nullopt;
  return ParseUint(cols[1]);
}

void ReadStat(Fs* fs, const ProcessCollectorOptions& o, double hz, double page_size,
              ProcessStats* s) {
  absl::StatusOr<std::string> stat = fs->ReadFile(JoinPath(o.proc_dir, o.pid, "stat"));
  if (!stat.ok()) return;
  std::vector<std::string_view> f = StatFields(*stat);
  if (f.size() <= kRss) return;
  std::optional<uint64_t> utime = ParseUint(f[kUtime]), stime = ParseUint(f[kStime]);
  std::optional<uint64_t> start = ParseUint(f[kStartTime]), vsize = ParseUint(f[kVsize]);
  std::optional<uint64_t> rss = ParseUint(f[kRss]);
  if (utime && stime) s->cpu_seconds_total = static_cast<double>(*utime + *stime) / hz;
  if (vsize) s->virtual_memory_bytes = static_cast<double>(*vsize);
  if (rss) s->resident_memory_bytes = static_cast<double>(*rss) * page_size;
  if (!start) return;
  absl::StatusOr<std::string> sys_stat = fs->ReadFile(JoinPath(o.proc_dir, "stat"));
  if (!sys_stat.ok()) return;
  if (std::optional<uint64_t> btime = BootTime(*sys_stat)) {
    s->start_time_seconds = static_cast<double>(*btime) + static_cast<double>(*start) / hz;
  }
}

}  // namespace

ProcessStats ReadProcessStats(const ProcessCollectorOptions& o) {
  Fs* fs = o.fs != nullptr ? o.fs : DefaultFs();
  double hz = static_cast<double>(o.clock_ticks_per_second > 0 ? o.clock_ticks_per_second
                                                               : ::sysconf(_SC_CLK_TCK));
  double page_size = static_cast<double>(o.page_size > 0 ? o.page_size : ::sysconf(_SC_PAGESIZE));
  ProcessStats s;
  ReadStat(fs, o, hz, page_size, &s);
  if (absl::StatusOr<std::vector<std::string>> fds = fs->ListDir(JoinPath(o.proc_dir, o.pid, "fd"));
      fds.ok()) {
    s.open_fds = static_cast<double>(fds->size());
  }
  if (absl::StatusOr<std::string> limits = fs->ReadFile(JoinPath(o.proc_dir, o.pid, "limits"));
      limits.ok()) {
    s.max_fds = SoftLimit(*limits, "Max open files");
    s.virtual_memory_max_bytes = SoftLimit(*limits, "Max address space");
  }
  return s;
}

absl::Status RegisterProcessCollector(Registry* registry, ProcessCollectorOptions options) {
  using T = MetricType;
  std::vector<Desc> descs = {
      {"process_cpu_seconds_total",
       "Total user and system CPU time spent in seconds.",
       T::kCounter,
       {}},
      {"process_virtual_memory_bytes", "Virtual memory size in bytes.", T::kGauge, {}},
      {"process_resident_memory_bytes", "Resident memory size in bytes.", T::kGauge, {}},
      {"process_start_time_seconds",
       "Start time of the process since unix epoch in seconds.",
       T::kGauge,
       {}},
      {"process_open_fds", "Number of open file descriptors.", T::kGauge, {}},
      {"process_max_fds", "Maximum number of open file descriptors.", T::kGauge, {}},
      {"process_virtual_memory_max_bytes",
       "Maximum amount of virtual memory available in bytes.",
       T::kGauge,
       {}},
  };
  return registry->NewCollector(std::move(descs), [o = std::move(options)](CollectSink& sink) {
    ProcessStats s = ReadProcessStats(o);
    const std::optional<double>* values[] = {&s.cpu_seconds_total,
                                             &s.virtual_memory_bytes,
                                             &s.resident_memory_bytes,
                                             &s.start_time_seconds,
                                             &s.open_fds,
                                             &s.max_fds,
                                             &s.virtual_memory_max_bytes};
    for (size_t i = 0; i < std::size(values); i++) {
      if (values[i]->has_value()) sink.Add(i, {}, **values[i]);
    }
  });
}

}  // namespace strata::metrics
