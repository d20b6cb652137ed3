// Interop: the real `promtool query` (Prometheus 2.42's Go client) against our query routes.
// promtool parses our JSON with the Go client's decoder and prints it; the expected outputs are
// what it printed against a real Prometheus 2.42 holding the same series. Skipped when
// /usr/bin/promtool is missing.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "api/query_api_test_fixture.h"
#include "gtest/gtest.h"

namespace strata::api {
namespace {

constexpr char kPromtool[] = "/usr/bin/promtool";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// promtool sends no X-Scope-OrgID, so the server runs without auth (tenant "fake").
class QueryApiPromtoolTest : public testing::QueryApiFixture {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << kPromtool << " not installed";
    LoadPrometheusTestData("fake");
    StartServer(/*auth_enabled=*/false);
  }

  // promtool query <args...> http://127.0.0.1:<port>/prometheus <tail>
  CommandResult Promtool(std::string_view subcommand, std::string_view tail) {
    return RunCommand(StrCat(kPromtool, " query ", subcommand, " http://127.0.0.1:", port_,
                             "/prometheus ", tail));
  }
};

TEST_F(QueryApiPromtoolTest, Instant) {
  CommandResult r = Promtool("instant --time=1700000020", "up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "up{instance=\"a:1\", job=\"api\"} => 1 @[1700000020]\n"
            "up{instance=\"b:2\", job=\"db\"} => 1 @[1700000020]\n");
  r = Promtool("instant --time=1700000020.5", "1.5");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "scalar: 1.5 @[1700000020.5]\n");
  r = Promtool("instant --time=1700000000", "esc");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            R"(esc{nl="x\ny", q="say \"hi\"\\", u="é☃\u2028", v="<a&b>"} => 3 @[1700000000])"
            "\n");
}

TEST_F(QueryApiPromtoolTest, InstantValuesRoundTrip) {
  CommandResult r = Promtool("instant --time=1700000000", "weird");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string huge = "17976931348623157" + std::string(292, '0');
  const std::string tiny = "0." + std::string(323, '0') + "5";
  EXPECT_EQ(r.output,
            "weird{kind=\"big\"} => 1000000000000000000000 @[1700000000]\n"
            "weird{kind=\"e20\"} => 123456789012345680000 @[1700000000]\n"
            "weird{kind=\"huge\"} => " +
                huge +
                " @[1700000000]\n"
                "weird{kind=\"inf\"} => +Inf @[1700000000]\n"
                "weird{kind=\"mid\"} => 0.0000012345678 @[1700000000]\n"
                "weird{kind=\"nan\"} => NaN @[1700000000]\n"
                "weird{kind=\"neg\"} => -0.25 @[1700000000]\n"
                "weird{kind=\"ninf\"} => -Inf @[1700000000]\n"
                "weird{kind=\"small\"} => 0.0000001 @[1700000000]\n"
                "weird{kind=\"tiny\"} => " +
                tiny + " @[1700000000]\n");
}

TEST_F(QueryApiPromtoolTest, Range) {
  CommandResult r = Promtool("range --start=1700000000 --end=1700000030 --step=15s", "up");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "up{instance=\"a:1\", job=\"api\"} =>\n1 @[1700000000]\n1 @[1700000015]\n"
            "1 @[1700000030]\nup{instance=\"b:2\", job=\"db\"} =>\n1 @[1700000000]\n"
            "1 @[1700000015]\n1 @[1700000030]\n");
}

TEST_F(QueryApiPromtoolTest, SeriesAndLabels) {
  CommandResult r = Promtool("series --match=up --start=1600000000", "");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output,
            "{__name__=\"up\", instance=\"a:1\", job=\"api\"}\n"
            "{__name__=\"up\", instance=\"b:2\", job=\"db\"}\n");
  r = Promtool("labels --start=1600000000", "job");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "api\ndb\n");
}

TEST_F(QueryApiPromtoolTest, ErrorsReachTheClient) {
  CommandResult r = Promtool("instant --time=1700000020", "'sum('");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output,
            "query error: bad_data: invalid parameter \"query\": 1:5: parse error: unclosed left "
            "parenthesis\n");
}

}  // namespace
}  // namespace strata::api
