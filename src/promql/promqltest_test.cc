// Runs every script in src/promql/testdata/*.test.
#include "promql/promqltest.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "util/testing.h"

namespace strata::promql {
namespace {

std::vector<std::string> Scripts() {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(testing::SourceDir() + "/src/promql/testdata")) {
    if (e.path().extension() == ".test") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ScriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScriptTest, Passes) {
  std::ifstream in(GetParam());
  std::stringstream ss;
  ss << in.rdbuf();
  absl::StatusOr<ScriptResult> r = RunTestScript(ss.str());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->evals, 0);
  for (const std::string& f : r->failures) ADD_FAILURE() << GetParam() << ": " << f;
}

// The same scripts with every range query split into parts on their own threads
// (EngineOptions::range_query_parts), even the shortest.
TEST_P(ScriptTest, PassesWithSplitRangeQueries) {
  std::ifstream in(GetParam());
  std::stringstream ss;
  ss << in.rdbuf();
  EngineOptions opts = TestEngineOptions();
  opts.range_query_parts = 3;
  opts.min_steps_per_part = 1;
  absl::StatusOr<ScriptResult> r = RunTestScript(ss.str(), opts);
  ASSERT_TRUE(r.ok()) << r.status();
  for (const std::string& f : r->failures) ADD_FAILURE() << GetParam() << ": " << f;
}

// The runner itself must catch wrong expectations.
std::vector<std::string> Failures(const std::string& script) {
  absl::StatusOr<ScriptResult> r = RunTestScript(script);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->failures : std::vector<std::string>{"<error>"};
}

constexpr char kLoad[] = R"(
load 1m
  m{a="1"} 1 2 3
  m{a="2"} 10 20 30
)";

TEST(RunnerTest, PassesCorrectExpectations) {
  EXPECT_TRUE(Failures(std::string(kLoad) + R"(
eval instant at 1m m
  m{a="1"} 2
  m{a="2"} 20

eval_ordered instant at 1m sort_desc(m)
  m{a="2"} 20
  m{a="1"} 2

eval instant at 0 1 + 1
  2

eval_fail instant at 0 m + on() m
  expected_fail_regexp many-to-many matching not allowed

eval range from 0 to 2m step 1m m{a="1"} * 2
  {a="1"} 2 4 6
)")
                  .empty());
}

TEST(RunnerTest, ReportsWrongExpectations) {
  const char* cases[] = {
      // A series missing.
      "eval instant at 1m m\n  m{a=\"1\"} 2\n",
      // A wrong value.
      "eval instant at 1m m{a=\"1\"}\n  m{a=\"1\"} 2.1\n",
      // An expected series that is not there.
      "eval instant at 1m m{a=\"1\"}\n  m{a=\"1\"} 2\n  m{a=\"3\"} 1\n",
      // The wrong order.
      "eval_ordered instant at 1m sort(m)\n  m{a=\"2\"} 20\n  m{a=\"1\"} 2\n",
      // A wrong scalar.
      "eval instant at 0 1 + 1\n  3\n",
      // No error where one is expected.
      "eval_fail instant at 0 m\n",
      // Another error message.
      "eval_fail instant at 0 m + on() m\n  expected_fail_message other\n",
      // An unexpected error.
      "eval instant at 0 m + on() m\n",
      // An extra point, an extra series.
      "eval range from 0 to 2m step 1m m{a=\"1\"}\n  m{a=\"1\"} 1 2 _\n",
      "eval range from 0 to 2m step 1m m\n  m{a=\"1\"} 1 2 3\n",
      // A range vector result.
      "eval instant at 0 m[1m]\n",
  };
  for (const char* c : cases) {
    EXPECT_EQ(Failures(std::string(kLoad) + "\n" + c).size(), 1u) << c;
  }
}

TEST(RunnerTest, MalformedScripts) {
  for (const char* script :
       {"bogus\n", "load 1x\n  m 1\n", "load 1m\n  m{ 1\n", "eval instant at 0 sum(\n",
        "eval instant at 0 m\n  m 1 2\n", "eval instant 0 m\n"}) {
    EXPECT_EQ(RunTestScript(script).status().code(), absl::StatusCode::kInvalidArgument) << script;
  }
}

INSTANTIATE_TEST_SUITE_P(Testdata, ScriptTest, ::testing::ValuesIn(Scripts()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace strata::promql
