// Interop, our writer → Prometheus's reader: blocks written by tsdb::DB (in-order, in-order with
// the OOO samples of their window merged in, and OOO, with tricky values and label values) are
// read by the real promtool 2.42 (`list`, `analyze --extended`, `dump`), whose answers must equal
// what we appended and what our own dump prints.
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/go_format.h"
#include "tools/tools_test_util.h"
#include "tools/tsdb_list.h"
#include "tsdb/db.h"
#include "tsdb/tsdb_test_util.h"
#include "util/float_format.h"

namespace strata::tools {
namespace {

using labels::Labels;
using storage::AppendResult;
constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kT0 = 1700000000000;  // not aligned to the 2h block range
constexpr double kInf = std::numeric_limits<double>::infinity();

// labels → (t → v): what was appended, in promtool's print order.
using Model = std::map<Labels, std::map<int64_t, double>>;

std::string ModelDump(const Model& m) {
  std::string out;
  for (const auto& [lset, samples] : m) {
    for (const auto& [t, v] : samples)
      StrAppend(&out, lset.ToString(), " ", FormatGoG(v), " ", t, "\n");
  }
  return out;
}

// Runs `cmd`; stdout into *out, stderr into *err. Returns the exit code.
int RunShell(const std::string& cmd, const strata::testing::TempDir& tmp, std::string* out,
             std::string* err) {
  const std::string err_file = tmp.Join("stderr.txt");
  const int rc = tsdb::testing::RunCommand(cmd + " 2>" + err_file, out);
  *err = testing::ReadFileOrDie(err_file);
  return rc;
}

const std::vector<double>& TrickyValues() {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kMax = std::numeric_limits<double>::max();
  // clang-format off
  static const std::vector<double> v = {
      kNaN, kInf, -kInf, -0.0, 0.0, 1e-310, 5e-324, kMax, -kMax, 1e308, 123456789012345678.0,
      1e-5, 0.1, 1.0 / 3, -7, 1.0000000000000002, 100000, 1e6, 1234567, 0.0001, 2.5e-7,
      42, 42, 42, -1e-300};
  // clang-format on
  return v;
}

class PromtoolInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tsdb::testing::HavePromtool()) GTEST_SKIP() << "/usr/bin/promtool not installed";
    tsdb::DBOptions opts;
    opts.head.ooo_time_window_ms = 4 * kHour;
    auto db = tsdb::DB::Open(DefaultFs(), dir_.Join("data"), opts, &clock_);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  void Append(storage::Appender& app, const Labels& lset, int64_t t, double v, Model* model) {
    ASSERT_EQ(tsdb::testing::AppendOne(app, lset, t, v), AppendResult::kAppended)
        << lset.ToString() << " @" << t;
    (*model)[lset][t] = v;
  }

  // In-order samples every minute for 3h across 2h windows, one commit per step so every sample
  // is at the head's newest time (in order); then OOO samples into the last two hours (merged
  // into the in-order blocks) and into the window before the in-order data (an OOO block).
  void WriteData();

  strata::testing::TempDir dir_;
  FakeClock clock_{kT0 + 4 * kHour};
  std::unique_ptr<tsdb::DB> db_;
  Model inorder_, ooo_;
  const Labels specials_{{"__name__", "tricky_values"}, {"case", "specials"}};
  const Labels ooo_series_{{"__name__", "ooo_metric"}, {"kind", "late"}};
  const std::vector<Labels> escapes_ = {
      Labels{{"__name__", "label_escapes"}, {"v", "quote\" back\\slash"}},
      Labels{{"__name__", "label_escapes"}, {"v", "\u00fcn\u00efc\u00f8d\u00e9 \u2603 \U0001F600"}},
      Labels{{"__name__", "label_escapes"}, {"v", "new\nline\ttab\x01"}},
  };
  const Labels counter_{{"__name__", "requests_total"}, {"instance", "host:9090"}, {"job", "api"}};
  const Labels gauge_{{"__name__", "random_walk"}, {"job", "api"}};
};

void PromtoolInteropTest::WriteData() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> step(-1e3, 1e3);
  double walk = 0;
  size_t i = 0;
  for (int64_t t = kT0; t <= kT0 + 3 * kHour; t += kMinute, i++) {
    auto app = db_->Appender();
    Append(*app, specials_, t, TrickyValues()[i % TrickyValues().size()], &inorder_);
    Append(*app, escapes_[i % escapes_.size()], t, double(i), &inorder_);
    Append(*app, counter_, t, 1e15 + double(i) * 17, &inorder_);
    walk += step(rng);
    Append(*app, gauge_, t, walk, &inorder_);
    if (i % 2 == 0) Append(*app, ooo_series_, t, -double(i), &inorder_);
    ASSERT_TRUE(app->Commit().ok());
  }
  // Late samples between the in-order ones of the same series, 1h15m..15m before its newest.
  auto app = db_->Appender();
  for (int64_t t = kT0 + 105 * kMinute + 30000; t < kT0 + 165 * kMinute; t += 2 * kMinute) {
    Append(*app, ooo_series_, t, double(t % 1000003) / 7, &ooo_);
  }
  // kT0 is 13m20s into its 2h window: these are in the one before.
  for (int64_t t = kT0 - 50 * kMinute; t < kT0 - 20 * kMinute; t += 5 * kMinute) {
    Append(*app, ooo_series_, t, double(t % 1000003) / 3, &ooo_);
  }
  ASSERT_TRUE(app->Commit().ok());
  ASSERT_GT(db_->Stats().head.num_ooo_chunks, 0u);
}

// The first six lines `promtool tsdb analyze` prints for a block holding `series` over
// [mint, maxt).
std::string AnalyzeHead(const std::string& ulid, int64_t mint, int64_t maxt,
                        const std::vector<Labels>& series) {
  std::set<std::string> names, pairs;
  size_t entries = 0;
  for (const Labels& l : series) {
    for (const labels::Label& x : l) {
      names.emplace(x.name);
      pairs.insert(StrCat(x.name, "=", x.value));
      entries++;
    }
  }
  return StrCat("Block ID: ", ulid, "\nDuration: ", FormatGoDuration(maxt - mint),
                "\nSeries: ", series.size(), "\nLabel names: ", names.size(),
                "\nPostings (unique label pairs): ", pairs.size(),
                "\nPostings entries (total label pairs): ", entries, "\n");
}

// Series of `m` with a sample in [mint, maxt).
std::vector<Labels> SeriesIn(const Model& m, int64_t mint, int64_t maxt) {
  std::vector<Labels> out;
  for (const auto& [lset, samples] : m) {
    auto it = samples.lower_bound(mint);
    if (it != samples.end() && it->first < maxt) out.push_back(lset);
  }
  return out;
}

TEST_F(PromtoolInteropTest, PromtoolReadsOurBlocks) {
  ASSERT_NO_FATAL_FAILURE(WriteData());
  ASSERT_TRUE(db_->ForceCompact().ok());
  ASSERT_EQ(db_->Stats().head.num_series, 0u);
  Model all = inorder_;
  for (const auto& [lset, samples] : ooo_) all[lset].insert(samples.begin(), samples.end());
  const std::string want = ModelDump(all);

  // Our own reader first.
  absl::Status s;
  EXPECT_EQ(testing::DumpToString(dir_.Join("data"), {}, &s), want);
  ASSERT_TRUE(s.ok()) << s;

  // promtool reads a copy with an empty wal/ (§10 gotchas 1 and 2).
  const std::string scratch = dir_.Join("scratch");
  std::filesystem::create_directories(scratch + "/wal");
  std::vector<std::shared_ptr<tsdb::block::Block>> blocks = db_->Blocks();
  // Two 2h windows with their in-order and OOO samples, and one with OOO samples only.
  ASSERT_EQ(blocks.size(), 3u);
  for (const auto& b : blocks) {
    std::filesystem::copy(b->dir(), scratch + "/" + b->meta().ulid.ToString(),
                          std::filesystem::copy_options::recursive);
  }
  std::string out, err;
  ASSERT_EQ(RunShell("/usr/bin/promtool tsdb list " + scratch, dir_, &out, &err), 0) << err;
  auto ours = ListBlocks(DefaultFs(), scratch, false);
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_EQ(out, *ours);

  bool saw_ooo = false;
  for (const auto& b : blocks) {
    const tsdb::block::BlockMeta& m = b->meta();
    SCOPED_TRACE(m.ulid.ToString());
    const bool is_ooo = m.compaction.FromOutOfOrder();
    saw_ooo |= is_ooo;
    ASSERT_EQ(
        RunShell("/usr/bin/promtool tsdb analyze --extended " + scratch + " " + m.ulid.ToString(),
                 dir_, &out, &err),
        0)
        << out << err;
    const auto series = SeriesIn(is_ooo ? ooo_ : all, m.min_time, m.max_time);
    EXPECT_THAT(
        out, ::testing::StartsWith(AnalyzeHead(m.ulid.ToString(), m.min_time, m.max_time, series)));
    EXPECT_THAT(out, ::testing::HasSubstr("Compaction analysis"));
  }
  EXPECT_TRUE(saw_ooo);

  ASSERT_EQ(RunShell("/usr/bin/promtool tsdb dump " + scratch, dir_, &out, &err), 0) << err;
  EXPECT_EQ(out, want);
}

// Label values Go's strconv.Quote escapes beyond the common cases: promtool and our dump must
// print them identically. DISABLED until labels::Labels::ToString quotes like Go: today it prints
// \a \b \f \v as \x07 \x08 \x0c \x0b, and invalid UTF-8 and non-printable runes (U+0085,
// U+00A0, U+200B, U+FEFF) raw, where Go writes \xff and \u0085, \u00a0, \u200b, \ufeff.
TEST_F(PromtoolInteropTest, LabelQuotingMatchesGo) {
  const std::vector<std::string> values = {"bell\a bs\b ff\f vt\v del\x7f",
                                           "bad utf8 \xff\xfe end",
                                           "c1 \u0085 end",
                                           "nbsp \u00a0 end",
                                           "zwsp \u200b end",
                                           "bom \ufeff end"};
  {
    auto app = db_->Appender();
    for (size_t i = 0; i < values.size(); i++) {
      Append(*app, Labels{{"__name__", "quoting"}, {"v", values[i]}}, kT0, double(i), &inorder_);
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  ASSERT_TRUE(db_->ForceCompact().ok());
  const std::string scratch = dir_.Join("scratch");
  std::filesystem::create_directories(scratch + "/wal");
  for (const auto& b : db_->Blocks()) {
    std::filesystem::copy(b->dir(), scratch + "/" + b->meta().ulid.ToString(),
                          std::filesystem::copy_options::recursive);
  }
  std::string out, err;
  ASSERT_EQ(RunShell("/usr/bin/promtool tsdb dump " + scratch, dir_, &out, &err), 0) << err;
  absl::Status s;
  EXPECT_EQ(testing::DumpToString(scratch, {}, &s), out);
  EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace strata::tools
