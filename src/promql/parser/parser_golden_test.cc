// The parser and printer against Prometheus 2.42 itself: testdata/format_query.jsonl holds what
// a real Prometheus 2.42 answered on /api/v1/format_query for several hundred queries (the
// prettified query, or the parse error), recorded by testdata/record_golden.py.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"
#include "util/testing.h"

namespace strata::promql::parser {
namespace {

struct GoldenCase {
  std::string query;
  bool ok = false;
  std::string output;  // Pretty() form, or the error message
};

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.query; }

void AppendUtf8(std::string* out, uint32_t r) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

uint32_t Hex4(std::string_view s) {
  return static_cast<uint32_t>(std::stoul(std::string(s), nullptr, 16));
}

// Reads a JSON string literal at the front of `in` (ASCII with \u escapes, as Python writes).
bool ReadJsonString(std::string_view* in, std::string* out) {
  size_t i = in->find('"');
  if (i == std::string_view::npos) return false;
  for (i++; i < in->size(); i++) {
    char c = (*in)[i];
    if (c == '"') {
      in->remove_prefix(i + 1);
      return true;
    }
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    char e = (*in)[++i];
    switch (e) {
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        uint32_t r = Hex4(in->substr(i + 1, 4));
        i += 4;
        if (r >= 0xD800 && r < 0xDC00) {  // surrogate pair
          uint32_t lo = Hex4(in->substr(i + 3, 4));
          i += 6;
          r = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
        }
        AppendUtf8(out, r);
        break;
      }
      default:
        out->push_back(e);  // \" \\ \/
    }
  }
  return false;
}

std::vector<GoldenCase> LoadGolden() {
  std::ifstream f(testing::SourceDir() + "/src/promql/parser/testdata/format_query.jsonl");
  std::vector<GoldenCase> cases;
  std::string line;
  while (std::getline(f, line)) {
    std::string_view in = line;
    GoldenCase c;
    if (!ReadJsonString(&in, &c.query)) continue;
    c.ok = in.substr(0, in.find(',', 2)).find("true") != std::string_view::npos;
    if (!ReadJsonString(&in, &c.output)) continue;
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(ParserGoldenTest, DataIsPresent) { EXPECT_GT(LoadGolden().size(), 700u); }

class ParserGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ParserGoldenTest, MatchesPrometheus) {
  const GoldenCase& c = GetParam();
  SCOPED_TRACE("query: " + c.query);
  absl::StatusOr<ExprPtr> e = ParseExpr(c.query);
  if (!c.ok) {
    ASSERT_FALSE(e.ok()) << "parsed as: " << ToString(**e);
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(e.status().message(), c.output);
    return;
  }
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(Pretty(**e), c.output);
  std::string single_line = ToString(**e);
  if (single_line.size() <= 100) {
    EXPECT_EQ(single_line, c.output);
  }
  // The single-line form parses back to the same tree.
  absl::StatusOr<ExprPtr> again = ParseExpr(single_line);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(ToString(**again), single_line);
}

INSTANTIATE_TEST_SUITE_P(Recorded, ParserGoldenTest, ::testing::ValuesIn(LoadGolden()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) {
                           return std::to_string(info.index);
                         });

}  // namespace
}  // namespace strata::promql::parser
