#include "tools/cli.h"

#include <cstdio>
#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/tools_test_util.h"

namespace strata::tools {
namespace {

using ::testing::HasSubstr;
using testing::ReadFileOrDie;
using testing::RefDir;
using ::testing::StartsWith;

struct Result {
  int code;
  std::string out, err;
};

// Runs the CLI with memory streams for stdout and stderr.
Result RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "strata");
  char *out_buf = nullptr, *err_buf = nullptr;
  size_t out_len = 0, err_len = 0;
  std::FILE* out = open_memstream(&out_buf, &out_len);
  std::FILE* err = open_memstream(&err_buf, &err_len);
  Result r;
  r.code = Run(args, out, err);
  std::fclose(out);
  std::fclose(err);
  r.out.assign(out_buf, out_len);
  r.err.assign(err_buf, err_len);
  std::free(out_buf);
  std::free(err_buf);
  return r;
}

TEST(CliTest, BadUsageExitsTwoWithUsage) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"tsdb"},
           {"tsdb", "frob", "x"},
           {"server"},
           {"tsdb", "dump"},
           {"tsdb", "dump", "a", "b"},
           {"tsdb", "dump", "--min-time=abc", "dir"},
           {"tsdb", "dump", "--max-time=1e3", "dir"},
           {"tsdb", "dump", "--match={}", "dir"},
           {"tsdb", "dump", "--bogus=1", "dir"},
           {"tsdb", "dump", "dir", "--match"},
           {"tsdb", "list"},
           {"tsdb", "list", "--bogus", "dir"},
       }) {
    SCOPED_TRACE(::testing::PrintToString(args));
    Result r = RunCli(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_THAT(r.err, HasSubstr("usage:"));
  }
}

TEST(CliTest, HelpExitsZero) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"help"}, {"tsdb", "dump", "-h"}, {"tsdb", "list", "--help"}}) {
    Result r = RunCli(args);
    EXPECT_EQ(r.code, 0);
    EXPECT_THAT(r.out, StartsWith("usage:"));
  }
}

TEST(CliTest, DumpPrintsLikePromtool) {
  Result r = RunCli({"tsdb", "dump", RefDir("prom-block-xor-edge")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFileOrDie(RefDir("prom-block-xor-edge") + "/expected-dump.txt"));
  EXPECT_EQ(r.err, "");
}

TEST(CliTest, DumpFlagsInBothForms) {
  Result r = RunCli({"tsdb", "dump", "--min-time", "1700000015000", "--max-time=1700000015000",
                     "--match", R"(http_requests_total{code!="200"})", RefDir("prom-block-small")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{__name__=\"http_requests_total\", code=\"500\", method=\"get\"} 3 1700000015000\n");
}

TEST(CliTest, ErrorsExitOne) {
  Result r = RunCli({"tsdb", "dump", "/nonexistent/strata-cli"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: open /nonexistent/strata-cli: no such directory"));
  r = RunCli({"tsdb", "list", "/nonexistent/strata-cli"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("error:"));
}

TEST(CliTest, ListPrintsLikePromtool) {
  Result r = RunCli({"tsdb", "list", RefDir("prom-block-small")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, ReadFileOrDie(RefDir("prom-block-small") + "/expected-list.txt"));
  r = RunCli({"tsdb", "list", "-r", RefDir("prom-block-small")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("1021B\n"));
}

}  // namespace
}  // namespace strata::tools
