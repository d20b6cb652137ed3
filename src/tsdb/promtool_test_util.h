// Running the real promtool (Debian package `prometheus`) against data we wrote.
#ifndef STRATA_TSDB_PROMTOOL_TEST_UTIL_H_
#define STRATA_TSDB_PROMTOOL_TEST_UTIL_H_

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "storage/storage.h"
#include "util/float_format.h"
#include "util/strings.h"

namespace strata::tsdb::testing {

inline bool HavePromtool() { return std::filesystem::exists("/usr/bin/promtool"); }

// Runs a shell command; returns its exit code and stdout (stderr is folded into it).
inline int RunCommand(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  int rc = ::pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Copies the block directories of `data_dir` into `scratch` with an empty wal/ (promtool dump
// needs one and writes chunks_head/ into the directory it reads: never point it at our data), runs
// `promtool tsdb dump`, and returns its output. Exit code in *rc.
inline std::string PromtoolDumpBlocks(const std::string& data_dir, const std::string& scratch,
                                      int* rc) {
  namespace fs = std::filesystem;
  fs::create_directories(scratch + "/wal");
  for (const auto& e : fs::directory_iterator(data_dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && name.size() == 26) {
      fs::copy(e.path(), scratch + "/" + name, fs::copy_options::recursive);
    }
  }
  std::string out;
  *rc = RunCommand("/usr/bin/promtool tsdb dump " + scratch, &out);
  return out;
}

// The text `promtool tsdb dump` prints for these series (labels text → sorted samples). The map
// must be keyed by labels::Labels::ToString() of series in label order... which std::map's string
// order matches for the simple label sets tests use.
inline std::string ExpectedDump(const std::vector<std::pair<std::string, std::vector<storage::Sample>>>& s) {
  std::string out;
  for (const auto& [lbls, samples] : s) {
    for (const storage::Sample& x : samples) {
      StrAppend(&out, lbls, " ", FormatGoG(x.v), " ", x.t, "\n");
    }
  }
  return out;
}

}  // namespace strata::tsdb::testing

#endif  // STRATA_TSDB_PROMTOOL_TEST_UTIL_H_
