// The standard process_* metrics, with client_golang's names, help texts and semantics, read from
// procfs at each scrape:
//
//   process_cpu_seconds_total         counter  (utime + stime) / clock ticks   /proc/<pid>/stat
//   process_virtual_memory_bytes      gauge    vsize                           /proc/<pid>/stat
//   process_resident_memory_bytes     gauge    rss pages * page size           /proc/<pid>/stat
//   process_start_time_seconds        gauge    btime + starttime / clock ticks /proc/<pid>/stat,
//                                                                              /proc/stat
//   process_open_fds                  gauge    entries of /proc/<pid>/fd
//   process_max_fds                   gauge    soft "Max open files"           /proc/<pid>/limits
//   process_virtual_memory_max_bytes  gauge    soft "Max address space"        /proc/<pid>/limits
//
// "unlimited" is exposed as 2^64-1 (1.8446744073709552e+19), as client_golang does. A value whose
// file cannot be read or parsed is left off that scrape, like client_golang's default.
#ifndef STRATA_METRICS_PROCESS_COLLECTOR_H_
#define STRATA_METRICS_PROCESS_COLLECTOR_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "metrics/registry.h"
#include "util/fs.h"

namespace strata::metrics {

struct ProcessCollectorOptions {
  // Reads procfs; must outlive the Registry. nullptr: DefaultFs().
  Fs* fs = nullptr;
  // The procfs mount; tests point it at a fake tree.
  std::string proc_dir = "/proc";
  // The process to describe, as a directory name under proc_dir.
  std::string pid = "self";
  // USER_HZ, the unit of the CPU times in stat. 0: sysconf(_SC_CLK_TCK).
  int64_t clock_ticks_per_second = 0;
  // The unit of rss in stat. 0: sysconf(_SC_PAGESIZE).
  int64_t page_size = 0;
};

// One reading; a field is empty when its source could not be read or parsed.
struct ProcessStats {
  std::optional<double> cpu_seconds_total;
  std::optional<double> virtual_memory_bytes;
  std::optional<double> resident_memory_bytes;
  std::optional<double> start_time_seconds;
  std::optional<double> open_fds;
  std::optional<double> max_fds;
  std::optional<double> virtual_memory_max_bytes;
};

// Reads the current values. Thread-safe.
ProcessStats ReadProcessStats(const ProcessCollectorOptions& options);

// Registers the process_* families as one collector. Fails like Registry::NewCollector (e.g.
// AlreadyExists if registered twice).
absl::Status RegisterProcessCollector(Registry* registry, ProcessCollectorOptions options = {});

}  // namespace strata::metrics

#endif  // STRATA_METRICS_PROCESS_COLLECTOR_H_
