// Helpers for the tools tests: reading files, the reference data, running commands.
#ifndef STRATA_TOOLS_TOOLS_TEST_UTIL_H_
#define STRATA_TOOLS_TOOLS_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tools/tsdb_dump.h"
#include "tsdb/promtool_test_util.h"
#include "util/testing.h"

namespace strata::tools::testing {

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string RefDir(const std::string& name) {
  return strata::testing::SharedTestdataDir() + "/" + name;
}

// Unpacks prom-datadir-wal-ooo/data.tar.gz into `into`; returns the path of its data/ directory.
inline std::string ExtractRefDatadir(const strata::testing::TempDir& into) {
  std::string out;
  const int rc = tsdb::testing::RunCommand(
      "tar -xzf " + RefDir("prom-datadir-wal-ooo/data.tar.gz") + " -C " + into.path(), &out);
  EXPECT_EQ(rc, 0) << out;
  return into.Join("data");
}

// DumpBlocks into a string; the status in *status.
inline std::string DumpToString(const std::string& dir, const DumpOptions& opts,
                                absl::Status* status) {
  std::string out;
  *status = DumpBlocks(DefaultFs(), dir, opts, [&out](std::string_view s) { out.append(s); });
  return out;
}

// Whitespace-separated fields of each line.
inline std::vector<std::vector<std::string>> Columns(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> row;
    std::string f;
    while (fields >> f) row.push_back(f);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace strata::tools::testing

#endif  // STRATA_TOOLS_TOOLS_TEST_UTIL_H_
