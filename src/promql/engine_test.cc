#include "promql/engine.h"

#include <atomic>
#include <bit>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "promql/memory_storage.h"
#include "promql/parser/parser.h"
#include "storage/list_series.h"

namespace strata::promql {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// x{i="1"..."3"}: a sample every 10s from 0 to 1000s with value (seconds / 10) * i.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 3; i++) {
      labels::Labels l{{"__name__", "x"}, {"i", std::to_string(i)}};
      for (int t = 0; t <= 100; t++) ASSERT_TRUE(storage_.Append(l, t * 10000, t * i).ok());
    }
  }

  Queryable queryable() {
    return [this](int64_t mint, int64_t maxt) { return storage_.Querier(mint, maxt); };
  }

  absl::StatusOr<Result> Instant(const std::string& q, int64_t ts, const Engine& e) {
    auto query = e.NewInstantQuery(queryable(), q, ts);
    if (!query.ok()) return query.status();
    return (*query)->Exec();
  }
  absl::StatusOr<Result> Instant(const std::string& q, int64_t ts) {
    return Instant(q, ts, engine_);
  }
  absl::StatusOr<Result> Range(const std::string& q, int64_t start, int64_t end, int64_t step,
                               const Engine& e) {
    auto query = e.NewRangeQuery(queryable(), q, start, end, step);
    if (!query.ok()) return query.status();
    return (*query)->Exec();
  }
  absl::StatusOr<Result> Range(const std::string& q, int64_t start, int64_t end, int64_t step) {
    return Range(q, start, end, step, engine_);
  }

  MemoryStorage storage_;
  Engine engine_;
};

TEST_F(EngineTest, InstantVectorIsAtTheEvaluationTime) {
  absl::StatusOr<Result> r = Instant("x{i=\"2\"}", 105000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Vector& v = std::get<Vector>(r->value);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].metric, (labels::Labels{{"__name__", "x"}, {"i", "2"}}));
  EXPECT_EQ(v[0].t, 105000);  // not the sample's 100000
  EXPECT_EQ(v[0].v, 20);
}

TEST_F(EngineTest, InstantScalarAndString) {
  absl::StatusOr<Result> r = Instant("1 + 2", 5000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Scalar& s = std::get<Scalar>(r->value);
  EXPECT_EQ(s.t, 5000);
  EXPECT_EQ(s.v, 3);

  r = Instant("\"hello\"", 7000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<String>(r->value).v, "hello");
  EXPECT_EQ(std::get<String>(r->value).t, 7000);

  r = Instant("((\"x\"))", 7000);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<String>(r->value).v, "x");
}

TEST_F(EngineTest, InstantMatrixKeepsSampleTimestamps) {
  absl::StatusOr<Result> r = Instant("x{i=\"1\"}[20s]", 105000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].metric, (labels::Labels{{"__name__", "x"}, {"i", "1"}}));
  ASSERT_EQ(m[0].points.size(), 2u);
  EXPECT_EQ(m[0].points[0].t, 90000);
  EXPECT_EQ(m[0].points[0].v, 9);
  EXPECT_EQ(m[0].points[1].t, 100000);
}

TEST_F(EngineTest, InstantMatrixWithAtModifier) {
  absl::StatusOr<Result> r = Instant("x{i=\"3\"}[10s] @ 50", 900000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 2u);
  EXPECT_EQ(m[0].points[0].t, 40000);
  EXPECT_EQ(m[0].points[1].v, 15);
  // Parenthesized, it is evaluated as a step-invariant vector, which it is not (Prometheus's
  // error).
  r = Instant("(x{i=\"3\"}[10s] @ 50)", 900000);
  EXPECT_EQ(r.status().message(), "unexpected number of samples");
}

TEST_F(EngineTest, InstantSubqueryIsAMatrixOnItsGrid) {
  absl::StatusOr<Result> r = Instant("x{i=\"1\"}[1m:30s]", 100000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 2u);
  EXPECT_EQ(m[0].points[0].t, 60000);
  EXPECT_EQ(m[0].points[0].v, 6);
  EXPECT_EQ(m[0].points[1].t, 90000);
  EXPECT_EQ(m[0].points[1].v, 9);
}

TEST_F(EngineTest, RangeResultIsSortedByLabels) {
  absl::StatusOr<Result> r = Range("sort_desc(x)", 0, 20000, 10000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].metric.Get("i"), "1");
  EXPECT_EQ(m[1].metric.Get("i"), "2");
  EXPECT_EQ(m[2].metric.Get("i"), "3");
  ASSERT_EQ(m[2].points.size(), 3u);
  EXPECT_EQ(m[2].points[2].t, 20000);
  EXPECT_EQ(m[2].points[2].v, 6);
}

TEST_F(EngineTest, RangeOfScalarIsOneLabelLessSeries) {
  absl::StatusOr<Result> r = Range("time() * 2", 0, 20000, 10000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].metric.empty());
  ASSERT_EQ(m[0].points.size(), 3u);
  EXPECT_EQ(m[0].points[1].t, 10000);
  EXPECT_EQ(m[0].points[1].v, 20);
}

TEST_F(EngineTest, RangeWithOneStepIsStillAMatrix) {
  absl::StatusOr<Result> r = Range("x{i=\"1\"}", 50000, 50000, 10000);
  ASSERT_TRUE(r.ok()) << r.status();
  const Matrix& m = std::get<Matrix>(r->value);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_EQ(m[0].points.size(), 1u);
  EXPECT_EQ(m[0].points[0].v, 5);
}

TEST_F(EngineTest, QueryErrorsAreInvalidArgument) {
  auto q = engine_.NewInstantQuery(queryable(), "x +", 0);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.status().message(), "1:4: parse error: unexpected end of input");

  q = engine_.NewRangeQuery(queryable(), "x[5m]", 0, 10, 1);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.status().message(),
            "invalid expression type \"range vector\" for range query, must be Scalar or instant "
            "Vector");

  q = engine_.NewRangeQuery(queryable(), "x", 0, 10, 0);
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  q = engine_.NewRangeQuery(queryable(), "x", 10, 0, 1);
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, ExecutionErrorsAreFailedPrecondition) {
  absl::StatusOr<Result> r = Instant("x + on() x", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("many-to-many matching not allowed"));

  r = Instant("label_replace(x, \"a\", \"b\", \"c\", \"(\")", 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "invalid regular expression in label_replace(): (");
}

TEST_F(EngineTest, ExecRunsOnce) {
  auto q = engine_.NewInstantQuery(queryable(), "x", 0);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE((*q)->Exec().ok());
  EXPECT_EQ((*q)->Exec().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(EngineTest, CancelBeforeExec) {
  auto q = engine_.NewInstantQuery(queryable(), "x", 0);
  ASSERT_TRUE(q.ok());
  (*q)->Cancel();
  absl::StatusOr<Result> r = (*q)->Exec();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "query was canceled in query execution");
}

// A clock that moves forward by `step_ms` every time it is read.
class TickingClock : public Clock {
 public:
  explicit TickingClock(int64_t step_ms) : step_ms_(step_ms) {}
  int64_t NowMs() const override { return now_.fetch_add(step_ms_); }

 private:
  int64_t step_ms_;
  mutable std::atomic<int64_t> now_{0};
};

TEST_F(EngineTest, Timeout) {
  TickingClock clock(1000);
  EngineOptions opts;
  opts.clock = &clock;
  opts.timeout_ms = 5000;  // reached after a handful of checks
  Engine engine(opts);
  absl::StatusOr<Result> r = Range("topk(1, rate(x[1m]))", 0, 1000000, 10000, engine);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(r.status().message(), "query timed out in expression evaluation");

  opts.timeout_ms = 0;  // no limit
  Engine unlimited(opts);
  EXPECT_TRUE(Range("topk(1, rate(x[1m]))", 0, 1000000, 10000, unlimited).ok());
}

TEST_F(EngineTest, LookbackDeltaOption) {
  EngineOptions opts;
  opts.lookback_delta_ms = 30000;
  Engine engine(opts);
  EXPECT_EQ(std::get<Vector>(Instant("x", 1030000, engine)->value).size(), 3u);
  EXPECT_EQ(std::get<Vector>(Instant("x", 1030001, engine)->value).size(), 0u);
  EXPECT_EQ(std::get<Vector>(Instant("x", 1030001)->value).size(), 3u);
}

TEST_F(EngineTest, DefaultSubqueryStepOption) {
  EngineOptions opts;
  opts.default_subquery_step_ms = 20000;
  Engine engine(opts);
  absl::StatusOr<Result> r = Instant("count_over_time(x{i=\"1\"}[1m:])", 100000, engine);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<Vector>(r->value)[0].v, 4);  // 40s, 60s, 80s, 100s
  r = Instant("count_over_time(x{i=\"1\"}[1m:])", 100000);
  EXPECT_EQ(std::get<Vector>(r->value)[0].v, 1);  // 60s only
}

// The smallest max_samples with which each query succeeds in Prometheus 2.42 (measured with
// --query.max-samples on the same data).
struct MaxSamplesCase {
  const char* query;
  bool range;  // 0s..100s step 10s; else instant at 100s
  int64_t min_ok;
};

TEST_F(EngineTest, MaxSamplesAsPrometheus) {
  const MaxSamplesCase cases[] = {
      {"x", false, 3},
      {"x", true, 33},
      {"sum(x)", true, 47},
      {"rate(x[30s])", false, 7},
      {"rate(x[30s])", true, 34},
      {"x[30s]", false, 12},
      {"max_over_time(x[1m:10s])", false, 31},
      {"x + x", true, 105},
      {"x @ 50", true, 33},
      {"sum(rate(x[1m]))", true, 43},
      {"topk(1, x)", true, 59},
      {"max_over_time(x[30s:10s])", true, 70},
      {"timestamp(x)", true, 36},
      {"abs(x)", true, 69},
      {"-x", true, 33},
  };
  for (const MaxSamplesCase& c : cases) {
    SCOPED_TRACE(c.query);
    for (int64_t max : {c.min_ok - 1, c.min_ok}) {
      EngineOptions opts;
      opts.max_samples = max;
      Engine engine(opts);
      absl::StatusOr<Result> r =
          c.range ? Range(c.query, 0, 100000, 10000, engine) : Instant(c.query, 100000, engine);
      if (max < c.min_ok) {
        ASSERT_FALSE(r.ok()) << "max_samples " << max;
        EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
        EXPECT_EQ(r.status().message(),
                  "query processing would load too many samples into memory in query execution");
      } else {
        EXPECT_TRUE(r.ok()) << "max_samples " << max << ": " << r.status();
      }
    }
  }
}

// Split range queries (EngineOptions::range_query_parts) give the unsplit results bit for bit,
// whatever the parts' boundaries cut: windows, subqueries, @, offsets, series that come and go.
TEST_F(EngineTest, SplitRangeQueriesMatchUnsplit) {
  EngineOptions split_opts;
  split_opts.range_query_parts = 3;
  split_opts.min_steps_per_part = 1;
  const Engine split(split_opts);
  const char* queries[] = {
      "x", "sum(x)", "rate(x[35s])", "sum by (i) (rate(x[1m]))", "x offset 30s", "x @ start()",
      "x @ end()", "x @ 500", "max_over_time(x[1m:20s])", "rate(x[1m:7s] offset 13s)",
      "x > 50", "x{i=\"1\"} + on() group_left x{i=\"2\"}", "topk(1, x)", "timestamp(x)",
      "absent(y)", "changes(x[2m])", "time()", "x - x offset 1m", "count_over_time(x[25s])",
      "label_replace(x, \"j\", \"$1\", \"i\", \"(.*)\")", "scalar(x{i=\"1\"}) * x",
      "quantile_over_time(0.5, x[1m])", "sort_desc(x)", "vector(time()) > 500",
  };
  const int64_t grids[][3] = {{0, 1000000, 10000}, {3000, 997000, 7000}, {0, 200000, 1000}};
  for (const char* q : queries) {
    for (const auto& g : grids) {
      SCOPED_TRACE(testing::Message() << q << " from " << g[0] << " to " << g[1] << " step " << g[2]);
      absl::StatusOr<Result> want = Range(q, g[0], g[1], g[2]);
      absl::StatusOr<Result> got = Range(q, g[0], g[1], g[2], split);
      ASSERT_TRUE(want.ok()) << want.status();
      ASSERT_TRUE(got.ok()) << got.status();
      const Matrix& w = std::get<Matrix>(want->value);
      const Matrix& m = std::get<Matrix>(got->value);
      ASSERT_EQ(m.size(), w.size());
      for (size_t i = 0; i < w.size(); i++) {
        EXPECT_EQ(m[i].metric, w[i].metric);
        ASSERT_EQ(m[i].points.size(), w[i].points.size()) << w[i].metric.ToString();
        for (size_t j = 0; j < w[i].points.size(); j++) {
          EXPECT_EQ(m[i].points[j].t, w[i].points[j].t);
          EXPECT_EQ(std::bit_cast<uint64_t>(m[i].points[j].v),
                    std::bit_cast<uint64_t>(w[i].points[j].v));
        }
      }
    }
  }
}

// A part that fails makes the query run unsplit: limits and errors are Prometheus's.
TEST_F(EngineTest, SplitRangeQueriesFailAsUnsplit) {
  for (int64_t max : {int64_t{46}, int64_t{47}}) {  // sum(x)'s limit, MaxSamplesAsPrometheus
    EngineOptions opts;
    opts.max_samples = max;
    opts.range_query_parts = 4;
    opts.min_steps_per_part = 1;
    absl::StatusOr<Result> r = Range("sum(x)", 0, 100000, 10000, Engine(opts));
    EXPECT_EQ(r.ok(), max == 47) << r.status();
  }
  EngineOptions opts;
  opts.range_query_parts = 4;
  opts.min_steps_per_part = 1;
  absl::StatusOr<Result> r =
      Range("label_replace(x, \"i\", \"same\", \"i\", \".*\")", 0, 100000, 10000, Engine(opts));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message(), "vector cannot contain metrics with the same labelset");
}

// Splitting takes only threads no other query uses: with a budget of 2, a query split in two
// leaves none, and a query started meanwhile (here from inside the first one's storage) runs
// whole.
TEST_F(EngineTest, SplitRangeQueriesShareABudgetOfThreads) {
  EngineOptions opts;
  opts.range_query_parts = 2;
  opts.min_steps_per_part = 1;
  const Engine engine(opts);
  int inner_busy = -1, outer_busy = -1;
  Queryable inner = [&](int64_t mint, int64_t maxt) {
    inner_busy = engine.busy_threads();
    return storage_.Querier(mint, maxt);
  };
  Queryable outer = [&](int64_t mint, int64_t maxt) {
    outer_busy = engine.busy_threads();
    auto q = engine.NewRangeQuery(inner, "sum(x)", 0, 100000, 10000);
    EXPECT_TRUE(q.ok() && (*q)->Exec().ok());
    return storage_.Querier(mint, maxt);
  };
  auto q = engine.NewRangeQuery(outer, "sum(x)", 0, 100000, 10000);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE((*q)->Exec().ok());
  EXPECT_EQ(outer_busy, 2);  // its own thread and its second part's
  EXPECT_EQ(inner_busy, 3);  // its own only: not split
  EXPECT_EQ(engine.busy_threads(), 0);
}

// A querier whose series sets fail.
class FailingQuerier : public storage::Querier {
 public:
  std::unique_ptr<storage::SeriesSet> Select(bool, const storage::SelectHints&,
                                             const std::vector<labels::Matcher>&) override {
    return storage::ErrorSeriesSet(absl::DataLossError("chunk 3: checksum mismatch"));
  }
  absl::StatusOr<std::vector<std::string>> LabelValues(
      const std::string&, const std::vector<labels::Matcher>&) override {
    return std::vector<std::string>{};
  }
  absl::StatusOr<std::vector<std::string>> LabelNames(
      const std::vector<labels::Matcher>&) override {
    return std::vector<std::string>{};
  }
};

TEST_F(EngineTest, StorageErrorsKeepTheirCode) {
  Queryable failing = [](int64_t, int64_t) { return std::make_unique<FailingQuerier>(); };
  auto q = engine_.NewInstantQuery(failing, "sum(x)", 0);
  ASSERT_TRUE(q.ok());
  absl::StatusOr<Result> r = (*q)->Exec();
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "expanding series: chunk 3: checksum mismatch");

  // No selector, no storage needed.
  q = engine_.NewInstantQuery(failing, "1", 0);
  EXPECT_TRUE((*q)->Exec().ok());

  Queryable unavailable = [](int64_t, int64_t) { return nullptr; };
  q = engine_.NewInstantQuery(unavailable, "x", 0);
  EXPECT_EQ((*q)->Exec().status().code(), absl::StatusCode::kUnavailable);
}

// Series sets read their querier's data: they must be gone before it is.
TEST_F(EngineTest, SeriesSetsDieBeforeTheirQuerier) {
  class CheckingSet : public storage::SeriesSet {
   public:
    explicit CheckingSet(const bool* querier_alive) : alive_(querier_alive) {}
    ~CheckingSet() override { EXPECT_TRUE(*alive_); }
    bool Next() override { return false; }
    const storage::Series& At() const override { std::abort(); }
    absl::Status status() const override { return absl::OkStatus(); }

   private:
    const bool* alive_;
  };
  class CheckingQuerier : public FailingQuerier {
   public:
    explicit CheckingQuerier(bool* alive) : alive_(alive) { *alive_ = true; }
    ~CheckingQuerier() override { *alive_ = false; }
    std::unique_ptr<storage::SeriesSet> Select(bool, const storage::SelectHints&,
                                               const std::vector<labels::Matcher>&) override {
      return std::make_unique<CheckingSet>(alive_);
    }

   private:
    bool* alive_;
  };
  bool alive = false;
  Queryable q = [&](int64_t, int64_t) { return std::make_unique<CheckingQuerier>(&alive); };
  auto query = engine_.NewInstantQuery(q, "x + y", 0);
  ASSERT_TRUE(query.ok());
  EXPECT_TRUE((*query)->Exec().ok());
  EXPECT_FALSE(alive);
}

// Records the time ranges the engine asks the storage for.
TEST_F(EngineTest, SelectsOnlyTheNeededTimeRange) {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  Queryable q = [&](int64_t mint, int64_t maxt) {
    ranges.emplace_back(mint, maxt);
    return storage_.Querier(mint, maxt);
  };
  auto query = engine_.NewRangeQuery(q, "rate(x[1m] offset 1m) + x", 600000, 900000, 10000);
  ASSERT_TRUE(query.ok());
  ASSERT_TRUE((*query)->Exec().ok());
  // rate: [600s - 60s - 60s, 900s - 60s]; x: [600s - 5m, 900s].
  EXPECT_THAT(ranges, ElementsAre(std::make_pair(int64_t{300000}, int64_t{900000})));
}

TEST(ValueTest, FormatValueAsGo) {
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(-2.5), "-2.5");
  EXPECT_EQ(FormatValue(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatValue(1e23), "100000000000000000000000");
  EXPECT_EQ(FormatValue(1.5e-7), "0.00000015");
  EXPECT_EQ(FormatValue(123456.789), "123456.789");
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(-0.0), "-0");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(ValueTest, ToStringAndTypes) {
  Value v = Vector{Sample{labels::Labels{{"a", "1"}}, 1000, 2.5}};
  EXPECT_EQ(TypeOf(v), parser::ValueType::kVector);
  EXPECT_EQ(ToString(v), "{a=\"1\"} => 2.5 @[1000]");
  v = Scalar{5, 1};
  EXPECT_EQ(TypeOf(v), parser::ValueType::kScalar);
  EXPECT_EQ(ToString(v), "scalar: 1 @[5]");
  v = Matrix{Series{labels::Labels{{"a", "1"}}, {{1, 2}, {3, 4}}}};
  EXPECT_EQ(ToString(v), "{a=\"1\"} =>\n2 @[1]\n4 @[3]");
  EXPECT_TRUE(IsStaleNaN(std::bit_cast<double>(parser::kStaleNaNBits)));
  EXPECT_FALSE(IsStaleNaN(std::numeric_limits<double>::quiet_NaN()));
}

}  // namespace
}  // namespace strata::promql
