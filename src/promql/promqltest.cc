#include "promql/promqltest.h"

#include <cmath>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "promql/memory_storage.h"
#include "promql/parser/durations.h"
#include "promql/parser/functions.h"
#include "promql/parser/go_numbers.h"
#include "promql/parser/parser.h"
#include "promql/parser/printer.h"
#include "promql/preprocess.h"
#include "re2/re2.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql {
namespace {

struct ExpectedSeries {
  labels::Labels metric;
  std::vector<parser::SequenceValue> values;
};

struct EvalCmd {
  int line = 0;  // 1-based
  std::string expr;
  bool fail = false, ordered = false, range = false;
  int64_t start = 0, end = 0, step = 0;
  std::optional<double> scalar;  // a scalar result expected
  std::vector<ExpectedSeries> series;
  std::string fail_message, fail_regexp;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Splits off the first whitespace-separated word of *s.
std::string_view NextWord(std::string_view* s) {
  *s = Trim(*s);
  size_t end = s->find_first_of(" \t");
  std::string_view w = s->substr(0, end);
  s->remove_prefix(end == std::string_view::npos ? s->size() : end);
  *s = Trim(*s);
  return w;
}

absl::Status LineError(size_t i, absl::string_view msg) {
  return absl::InvalidArgumentError(StrCat("line ", i + 1, ": ", msg));
}

// Prometheus's almostEqual: relative error below 1e-6, and NaN equals NaN.
bool AlmostEqual(double a, double b) {
  constexpr double kMinNormal = 2.2250738585072014e-308;
  constexpr double kEpsilon = 0.000001;
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || diff < kMinNormal) return diff < kEpsilon * kMinNormal;
  return diff / (std::fabs(a) + std::fabs(b)) < kEpsilon;
}

// The query with `@ ts` on every selector and subquery that lacks one (except under a
// subquery that has one), or nullopt if it calls a function that depends on the evaluation
// time (Prometheus atModifierTestCases).
absl::StatusOr<std::optional<std::string>> WithAtModifier(const std::string& expr, int64_t ts) {
  ASSIGN_OR_RETURN(parser::ExprPtr e, parser::ParseExpr(expr));
  bool unsafe = false;
  internal::VisitMutable(*e, [&](parser::Expr& n, const std::vector<const parser::Expr*>& path) {
    if (internal::GetSubqueryTimes(path).ts_ms) return;
    if (n.Is<parser::VectorSelector>()) {
      auto& vs = n.As<parser::VectorSelector>();
      if (!vs.timestamp_ms) vs.timestamp_ms = ts;
    } else if (n.Is<parser::SubqueryExpr>()) {
      auto& sq = n.As<parser::SubqueryExpr>();
      if (!sq.timestamp_ms) sq.timestamp_ms = ts;
    } else if (n.Is<parser::Call>()) {
      unsafe = unsafe || internal::IsAtModifierUnsafe(n.As<parser::Call>().func->name);
    }
  });
  if (unsafe) return std::optional<std::string>();
  return std::optional<std::string>(parser::ToString(*e));
}

class Runner {
 public:
  explicit Runner(const EngineOptions& opts) : engine_(opts) {}

  absl::StatusOr<ScriptResult> Run(std::string_view script);

 private:
  absl::Status Load(const std::vector<std::string>& lines, size_t* i);
  absl::StatusOr<EvalCmd> ParseEval(const std::vector<std::string>& lines, size_t* i);
  absl::Status ParseExpectations(const std::vector<std::string>& lines, size_t* i, EvalCmd* cmd);
  std::optional<std::string> RunInstant(const EvalCmd& cmd);
  std::optional<std::string> RunRange(const EvalCmd& cmd);
  std::optional<std::string> CheckFailure(const EvalCmd& cmd, const absl::Status& st) const;
  std::optional<std::string> CompareInstant(const EvalCmd& cmd, const Value& v) const;
  std::optional<std::string> CompareVector(const EvalCmd& cmd, const Vector& vec) const;

  Queryable queryable() {
    return [this](int64_t mint, int64_t maxt) { return storage_.Querier(mint, maxt); };
  }

  MemoryStorage storage_;
  Engine engine_;
};

absl::StatusOr<ScriptResult> Runner::Run(std::string_view script) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= script.size()) {
    size_t nl = script.find('\n', pos);
    if (nl == std::string_view::npos) nl = script.size();
    std::string_view l = Trim(script.substr(pos, nl - pos));
    lines.emplace_back(!l.empty() && l[0] == '#' ? std::string_view() : l);
    pos = nl + 1;
  }
  ScriptResult res;
  for (size_t i = 0; i < lines.size(); i++) {
    if (lines[i].empty()) continue;
    std::string_view rest = lines[i];
    std::string_view cmd = NextWord(&rest);
    if (cmd == "clear") {
      storage_.Clear();
    } else if (cmd == "load") {
      RETURN_IF_ERROR(Load(lines, &i));
    } else if (cmd.substr(0, 4) == "eval") {
      ASSIGN_OR_RETURN(EvalCmd eval, ParseEval(lines, &i));
      res.evals++;
      std::optional<std::string> failure = eval.range ? RunRange(eval) : RunInstant(eval);
      if (failure)
        res.failures.push_back(StrCat("line ", eval.line, ": ", eval.expr, ": ", *failure));
    } else {
      return LineError(i, StrCat("invalid command \"", lines[i], "\""));
    }
  }
  return res;
}

absl::Status Runner::Load(const std::vector<std::string>& lines, size_t* i) {
  std::string_view rest = lines[*i];
  NextWord(&rest);
  absl::StatusOr<int64_t> gap = parser::ParseDuration(rest);
  if (!gap.ok()) return LineError(*i, StrCat("invalid step definition: ", gap.status().message()));
  // Within one load command a later definition of a series replaces an earlier one.
  std::vector<parser::SeriesDescription> defs;
  absl::flat_hash_map<std::string, size_t> index;
  while (*i + 1 < lines.size() && !lines[*i + 1].empty()) {
    ++*i;
    absl::StatusOr<parser::SeriesDescription> d = parser::ParseSeriesDesc(lines[*i]);
    if (!d.ok()) return LineError(*i, d.status().message());
    auto [it, inserted] = index.try_emplace(std::string(d->labels.data()), defs.size());
    if (inserted) {
      defs.push_back(std::move(*d));
    } else {
      defs[it->second] = std::move(*d);
    }
  }
  for (const parser::SeriesDescription& d : defs) {
    for (size_t k = 0; k < d.values.size(); k++) {
      if (d.values[k].omitted) continue;
      RETURN_IF_ERROR(storage_.Append(d.labels, static_cast<int64_t>(k) * *gap, d.values[k].value));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<EvalCmd> Runner::ParseEval(const std::vector<std::string>& lines, size_t* i) {
  EvalCmd cmd;
  cmd.line = static_cast<int>(*i) + 1;
  std::string_view rest = lines[*i];
  std::string_view word = NextWord(&rest);
  if (word == "eval_fail") {
    cmd.fail = true;
  } else if (word == "eval_ordered") {
    cmd.ordered = true;
  } else if (word != "eval") {
    return LineError(*i, StrCat("invalid evaluation command \"", word, "\""));
  }
  std::string_view kind = NextWord(&rest);
  auto duration = [&](std::string_view keyword) -> absl::StatusOr<int64_t> {
    if (NextWord(&rest) != keyword) return LineError(*i, StrCat("expected \"", keyword, "\""));
    absl::StatusOr<int64_t> d = parser::ParseDuration(NextWord(&rest));
    if (!d.ok()) return LineError(*i, d.status().message());
    return d;
  };
  if (kind == "instant") {
    ASSIGN_OR_RETURN(cmd.start, duration("at"));
    cmd.end = cmd.start;
  } else if (kind == "range" && !cmd.ordered) {
    cmd.range = true;
    ASSIGN_OR_RETURN(cmd.start, duration("from"));
    ASSIGN_OR_RETURN(cmd.end, duration("to"));
    ASSIGN_OR_RETURN(cmd.step, duration("step"));
  } else {
    return LineError(*i,
                     "invalid evaluation command (eval[_fail|_ordered] instant at <time> <query>"
                     " or eval[_fail] range from <time> to <time> step <step> <query>)");
  }
  cmd.expr = std::string(rest);
  if (absl::StatusOr<parser::ExprPtr> e = parser::ParseExpr(cmd.expr); !e.ok()) {
    return LineError(*i, e.status().message());
  }
  RETURN_IF_ERROR(ParseExpectations(lines, i, &cmd));
  return cmd;
}

absl::Status Runner::ParseExpectations(const std::vector<std::string>& lines, size_t* i,
                                       EvalCmd* cmd) {
  while (*i + 1 < lines.size() && !lines[*i + 1].empty()) {
    ++*i;
    std::string_view l = lines[*i];
    std::string_view rest = l;
    std::string_view word = NextWord(&rest);
    if (cmd->fail && word == "expected_fail_message") {
      cmd->fail_message = std::string(rest);
      continue;
    }
    if (cmd->fail && word == "expected_fail_regexp") {
      cmd->fail_regexp = std::string(rest);
      continue;
    }
    double v;
    std::string err;
    if (!cmd->range && parser::ParseGoNumber(l, &v, &err)) {
      cmd->scalar = v;
      break;  // as in Prometheus, a scalar ends the expectations
    }
    absl::StatusOr<parser::SeriesDescription> d = parser::ParseSeriesDesc(l);
    if (!d.ok()) return LineError(*i, d.status().message());
    if (!cmd->range && d->values.size() > 1) {
      return LineError(*i, "expecting multiple values in instant evaluation not allowed");
    }
    cmd->series.push_back(ExpectedSeries{std::move(d->labels), std::move(d->values)});
  }
  return absl::OkStatus();
}

std::optional<std::string> Runner::CheckFailure(const EvalCmd& cmd, const absl::Status& st) const {
  if (!cmd.fail_message.empty() && st.message() != cmd.fail_message) {
    return StrCat("expected error \"", cmd.fail_message, "\", got \"", st.message(), "\"");
  }
  if (!cmd.fail_regexp.empty() &&
      !re2::RE2::PartialMatch(std::string(st.message()), re2::RE2(cmd.fail_regexp))) {
    return StrCat("error \"", st.message(), "\" does not match /", cmd.fail_regexp, "/");
  }
  return std::nullopt;
}

std::optional<std::string> Runner::RunInstant(const EvalCmd& cmd) {
  std::vector<std::pair<std::string, int64_t>> queries = {{cmd.expr, cmd.start}};
  absl::StatusOr<std::optional<std::string>> at = WithAtModifier(cmd.expr, cmd.start);
  if (!at.ok()) return std::string(at.status().message());
  if (at->has_value()) {
    const int64_t ts = cmd.start;
    std::vector<int64_t> times = {-10 * ts, 0, ts / 5, ts, 10 * ts};
    if (ts == 0) times = {-1000, 0, 1000};
    for (int64_t t : times) queries.emplace_back(**at, t);
  }
  for (size_t qi = 0; qi < queries.size(); qi++) {
    const auto& [qs, t] = queries[qi];
    std::string where = qi == 0 ? "" : StrCat(" (as ", qs, " at ", t, "ms)");
    absl::StatusOr<std::unique_ptr<Query>> q = engine_.NewInstantQuery(queryable(), qs, t);
    if (!q.ok()) return StrCat(q.status().ToString(), where);
    absl::StatusOr<Result> r = (*q)->Exec();
    if (!r.ok()) {
      if (!cmd.fail) return StrCat("unexpected error: ", r.status().ToString(), where);
      if (qi == 0) {
        if (auto f = CheckFailure(cmd, r.status())) return f;
      }
      continue;
    }
    if (cmd.fail) return StrCat("expected an error, got ", ToString(r->value), where);
    if (auto f = CompareInstant(cmd, r->value)) return StrCat(*f, where);
    // The same query as the middle step of a range query.
    absl::StatusOr<std::unique_ptr<Query>> rq =
        engine_.NewRangeQuery(queryable(), qs, t - 60000, t + 60000, 60000);
    if (!rq.ok()) return StrCat("range mode: ", rq.status().ToString(), where);
    absl::StatusOr<Result> rr = (*rq)->Exec();
    if (!rr.ok()) return StrCat("range mode: unexpected error: ", rr.status().ToString(), where);
    if (cmd.ordered) continue;  // range results have no defined order
    Vector vec;
    for (const Series& s : std::get<Matrix>(rr->value)) {
      for (const Point& p : s.points) {
        if (p.t == t) vec.push_back(Sample{s.metric, p.t, p.v});
      }
    }
    std::optional<std::string> f;
    if (std::holds_alternative<Scalar>(r->value)) {
      f = vec.empty() ? std::optional<std::string>("range mode: no scalar")
                      : CompareInstant(cmd, Scalar{t, vec[0].v});
    } else {
      f = CompareVector(cmd, vec);
    }
    if (f) return StrCat("range mode: ", *f, where);
  }
  return std::nullopt;
}

std::optional<std::string> Runner::CompareInstant(const EvalCmd& cmd, const Value& v) const {
  if (const auto* s = std::get_if<Scalar>(&v)) {
    if (!cmd.scalar) return StrCat("got scalar ", FormatValue(s->v), ", expected a vector");
    if (!AlmostEqual(*cmd.scalar, s->v)) {
      return StrCat("expected scalar ", FormatValue(*cmd.scalar), " but got ", FormatValue(s->v));
    }
    return std::nullopt;
  }
  if (const auto* vec = std::get_if<Vector>(&v)) return CompareVector(cmd, *vec);
  if (std::holds_alternative<Matrix>(v)) return "received range result on instant evaluation";
  return StrCat("unexpected result type: ", ToString(v));
}

std::optional<std::string> Runner::CompareVector(const EvalCmd& cmd, const Vector& vec) const {
  if (cmd.scalar) return StrCat("expected scalar ", FormatValue(*cmd.scalar), ", got vector");
  absl::flat_hash_map<std::string, size_t> expected;  // labels -> index in cmd.series
  for (size_t i = 0; i < cmd.series.size(); i++) expected[std::string(cmd.series[i].metric.data())] = i;
  std::vector<bool> seen(cmd.series.size(), false);
  for (size_t pos = 0; pos < vec.size(); pos++) {
    const Sample& s = vec[pos];
    auto it = expected.find(std::string(s.metric.data()));
    if (it == expected.end()) {
      return StrCat("unexpected metric ", s.metric.ToString(), " in result; got:\n", ToString(vec));
    }
    const ExpectedSeries& e = cmd.series[it->second];
    if (cmd.ordered && it->second != pos) {
      return StrCat("expected metric ", s.metric.ToString(), " at position ", it->second + 1,
                    " but was at ", pos + 1);
    }
    if (e.values.empty() || !AlmostEqual(e.values[0].value, s.v)) {
      return StrCat("expected ", e.values.empty() ? "no value" : FormatValue(e.values[0].value),
                    " for ", s.metric.ToString(), " but got ", FormatValue(s.v));
    }
    seen[it->second] = true;
  }
  for (size_t i = 0; i < seen.size(); i++) {
    if (!seen[i]) {
      return StrCat("expected metric ", cmd.series[i].metric.ToString(), " not found; got:\n",
                    ToString(vec));
    }
  }
  return std::nullopt;
}

std::optional<std::string> Runner::RunRange(const EvalCmd& cmd) {
  absl::StatusOr<std::unique_ptr<Query>> q =
      engine_.NewRangeQuery(queryable(), cmd.expr, cmd.start, cmd.end, cmd.step);
  if (!q.ok()) {
    if (!cmd.fail) return q.status().ToString();
    return CheckFailure(cmd, q.status());
  }
  absl::StatusOr<Result> r = (*q)->Exec();
  if (!r.ok()) {
    if (!cmd.fail) return StrCat("unexpected error: ", r.status().ToString());
    return CheckFailure(cmd, r.status());
  }
  if (cmd.fail) return StrCat("expected an error, got ", ToString(r->value));
  const Matrix& m = std::get<Matrix>(r->value);
  absl::flat_hash_map<std::string, const Series*> got;
  for (const Series& s : m) got[std::string(s.metric.data())] = &s;
  for (const ExpectedSeries& e : cmd.series) {
    auto it = got.find(std::string(e.metric.data()));
    if (it == got.end()) {
      return StrCat("expected series ", e.metric.ToString(), " not found; got:\n", ToString(m));
    }
    std::vector<Point> want;
    for (size_t k = 0; k < e.values.size(); k++) {
      if (!e.values[k].omitted) {
        want.push_back(Point{cmd.start + static_cast<int64_t>(k) * cmd.step, e.values[k].value});
      }
    }
    const std::vector<Point>& have = it->second->points;
    bool same = want.size() == have.size();
    for (size_t k = 0; same && k < want.size(); k++) {
      same = want[k].t == have[k].t && AlmostEqual(want[k].v, have[k].v);
    }
    if (!same) return StrCat("series ", e.metric.ToString(), " differs; got:\n", ToString(m));
    got.erase(it);
  }
  if (!got.empty()) {
    return StrCat("unexpected series ", got.begin()->second->metric.ToString(), "; got:\n",
                  ToString(m));
  }
  return std::nullopt;
}

}  // namespace

EngineOptions TestEngineOptions() {
  EngineOptions o;
  o.max_samples = 10000;
  o.timeout_ms = 100 * 1000;
  o.default_subquery_step_ms = 60 * 1000;
  return o;
}

absl::StatusOr<ScriptResult> RunTestScript(std::string_view script, const EngineOptions& opts) {
  Runner r(opts);
  return r.Run(script);
}

}  // namespace strata::promql
