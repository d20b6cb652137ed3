// Calls of functions whose arguments are instant vectors, scalars and strings.
#include <cmath>

#include "promql/eval_util.h"
#include "promql/evaluator.h"
#include "promql/functions.h"
#include "promql/go_sort.h"
#include "promql/parser/functions.h"
#include "promql/quantile.h"
#include "re2/re2.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Applies `f(value, ts) -> keep` to every point of every series, dropping the metric name;
// series that end up with equal labels are merged (Prometheus does this step by step).
template <typename F>
absl::StatusOr<Matrix> MapValues(Matrix m, bool drop_name, F f) {
  for (Series& s : m) {
    if (drop_name) s.metric = DropMetricName(s.metric);
    size_t n = 0;
    for (const Point& p : s.points) {
      double v = p.v;
      if (f(&v, p.t)) s.points[n++] = Point{p.t, v};
    }
    s.points.resize(n);
  }
  return MergeSameLabels(std::move(m));
}

absl::StatusOr<Matrix> LabelReplace(const parser::Call& c, Matrix m) {
  const std::string& dst = StringArg(*c.args[1]);
  const std::string& repl = StringArg(*c.args[2]);
  const std::string& src = StringArg(*c.args[3]);
  const std::string& regex = StringArg(*c.args[4]);
  re2::RE2::Options opts;
  opts.set_log_errors(false);
  re2::RE2 re("^(?:" + regex + ")$", opts);
  if (!re.ok()) {
    return ExecError(StrCat("invalid regular expression in label_replace(): ", regex));
  }
  if (!IsValidLabelName(dst)) {
    return ExecError(StrCat("invalid destination label name in label_replace(): ", dst));
  }
  const int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(ngroups));
  std::vector<std::string_view> groups(static_cast<size_t>(ngroups));
  for (Series& s : m) {
    std::string_view value = s.metric.Get(src);
    if (!re.Match(re2::StringPiece(value.data(), value.size()), 0, value.size(),
                  re2::RE2::ANCHOR_BOTH, pieces.data(), ngroups)) {
      continue;  // no match: the labels stay as they are
    }
    for (size_t i = 0; i < pieces.size(); i++) {
      groups[i] = std::string_view(pieces[i].data(), pieces[i].size());
    }
    std::string res;
    ExpandTemplate(re, repl, groups, &res);
    s.metric = labels::Builder(s.metric).Set(dst, res).Build();  // empty deletes
  }
  return MergeSameLabels(std::move(m));
}

absl::StatusOr<Matrix> LabelJoin(const parser::Call& c, Matrix m) {
  const std::string& dst = StringArg(*c.args[1]);
  const std::string& sep = StringArg(*c.args[2]);
  std::vector<std::string_view> srcs;
  for (size_t i = 3; i < c.args.size(); i++) {
    const std::string& src = StringArg(*c.args[i]);
    if (!IsValidLabelName(src)) {
      return ExecError(StrCat("invalid source label name in label_join(): ", src));
    }
    srcs.push_back(src);
  }
  if (!IsValidLabelName(dst)) {
    return ExecError(StrCat("invalid destination label name in label_join(): ", dst));
  }
  for (Series& s : m) {
    std::string joined;
    for (size_t i = 0; i < srcs.size(); i++) {
      if (i > 0) joined.append(sep);
      joined.append(s.metric.Get(srcs[i]));
    }
    s.metric = labels::Builder(s.metric).Set(dst, joined).Build();  // empty deletes
  }
  return MergeSameLabels(std::move(m));
}

// One label-less series with f(ts) at every step.
template <typename F>
Matrix Generate(const Evaluator& ev, labels::Labels l, F f) {
  Matrix m(1);
  m[0].metric = std::move(l);
  m[0].points.reserve(static_cast<size_t>(ev.num_steps()));
  for (int64_t ts = ev.start(); ts <= ev.end(); ts += ev.interval()) {
    m[0].points.push_back(Point{ts, f(ts)});
  }
  return m;
}

// sort() and sort_desc(): only the order of an instant query's result changes.
absl::StatusOr<Matrix> SortByValue(const Evaluator& ev, const Matrix& in, bool desc) {
  OutputBuilder out(ev.num_steps());
  std::vector<int64_t> series_out(in.size(), -1);
  std::vector<StepSample> vec;
  StepCursor cursor = ev.Steps(in);
  for (int64_t ts = ev.start(); ts <= ev.end(); ts += ev.interval()) {
    std::span<const StepSample> at = cursor.At(ts);
    vec.assign(at.begin(), at.end());
    // Prometheus sorts with NaN treated as smaller (desc) or larger (asc) than anything.
    GoSort(
        &vec,
        [desc](const StepSample& a, const StepSample& b) {
          return std::isnan(b.v) || (desc ? b.v < a.v : b.v > a.v);
        },
        [desc](const StepSample& a, const StepSample& b) {
          if (std::isnan(a.v) || std::isnan(b.v)) return !std::isnan(a.v) && std::isnan(b.v);
          return desc ? a.v > b.v : a.v < b.v;
        });
    for (const StepSample& s : vec) {
      if (series_out[s.series] < 0) series_out[s.series] = out.Intern(in[s.series].metric);
      out.Stage(static_cast<uint32_t>(series_out[s.series]), s.v);
    }
    RETURN_IF_ERROR(out.Commit(ts));
  }
  return out.Finish();
}

absl::StatusOr<Matrix> HistogramQuantile(const Evaluator& ev, const Matrix& q, const Matrix& in) {
  // Buckets of one histogram share all labels but `le` (the name included).
  struct Histogram {
    uint32_t out;
    std::vector<Bucket> buckets;
  };
  OutputBuilder out(ev.num_steps());
  std::vector<Histogram> hists;
  std::vector<int64_t> hist_of(in.size(), -1);
  std::vector<double> upper(in.size());
  absl::flat_hash_map<std::string, uint32_t> ids;
  for (size_t i = 0; i < in.size(); i++) {
    if (!GoParseFloat(in[i].metric.Get("le"), &upper[i])) continue;  // not a bucket
    labels::Labels key = labels::Builder(in[i].metric).Del("le").Build();
    auto [it, inserted] = ids.try_emplace(std::string(key.data()), static_cast<uint32_t>(hists.size()));
    if (inserted) hists.push_back(Histogram{out.Intern(DropMetricName(key)), {}});
    hist_of[i] = it->second;
  }
  std::vector<uint32_t> touched;
  StepCursor qc = ev.Steps(q), cursor = ev.Steps(in);
  for (int64_t ts = ev.start(); ts <= ev.end(); ts += ev.interval()) {
    std::span<const StepSample> qv = qc.At(ts);
    double quantile = qv.empty() ? kNaN : qv[0].v;
    touched.clear();
    for (const StepSample& s : cursor.At(ts)) {
      if (hist_of[s.series] < 0) continue;
      Histogram& h = hists[static_cast<size_t>(hist_of[s.series])];
      if (h.buckets.empty()) touched.push_back(static_cast<uint32_t>(hist_of[s.series]));
      h.buckets.push_back(Bucket{upper[s.series], s.v});
    }
    for (uint32_t h : touched) {
      out.Stage(hists[h].out, BucketQuantile(quantile, &hists[h].buckets));
      hists[h].buckets.clear();
    }
    RETURN_IF_ERROR(out.Commit(ts));
  }
  return out.Finish();
}

// absent(): 1 at the steps where the argument has no sample.
absl::StatusOr<Matrix> Absent(const Evaluator& ev, const parser::Call& c, const Matrix& in) {
  labels::Labels l = AbsentLabels(*Unwrap(c.args[0].get(), false));
  std::vector<bool> present(static_cast<size_t>(ev.num_steps()), false);
  for (const Series& s : in) {
    for (const Point& p : s.points) present[static_cast<size_t>(ev.StepIndex(p.t))] = true;
  }
  Matrix m(1);
  m[0].metric = std::move(l);
  for (int64_t ts = ev.start(); ts <= ev.end(); ts += ev.interval()) {
    if (!present[static_cast<size_t>(ev.StepIndex(ts))]) m[0].points.push_back(Point{ts, 1});
  }
  if (m[0].points.empty()) m.clear();
  return m;
}

// scalar(): the single element's value, NaN unless there is exactly one.
Matrix ToScalar(const Evaluator& ev, const Matrix& in) {
  std::vector<int32_t> count(static_cast<size_t>(ev.num_steps()), 0);
  std::vector<double> value(count.size(), kNaN);
  for (const Series& s : in) {
    for (const Point& p : s.points) {
      size_t i = static_cast<size_t>(ev.StepIndex(p.t));
      count[i]++;
      value[i] = p.v;
    }
  }
  return Generate(ev, labels::Labels(), [&](int64_t ts) {
    size_t i = static_cast<size_t>(ev.StepIndex(ts));
    return count[i] == 1 ? value[i] : kNaN;
  });
}

// --- The functions, by name. Each gets the evaluated arguments (strings are left empty).
using InstantFn = absl::StatusOr<Matrix> (*)(const Evaluator& ev, const parser::Call& c,
                                             std::vector<Matrix>* args);

absl::StatusOr<Matrix> MathCall(const Evaluator&, const parser::Call& c, std::vector<Matrix>* a) {
  MathFn f = LookupMathFunction(c.func->name);
  return MapValues(std::move((*a)[0]), true, [f](double* v, int64_t) {
    *v = f(*v);
    return true;
  });
}

absl::StatusOr<Matrix> ClampCall(const Evaluator& ev, const parser::Call& c,
                                 std::vector<Matrix>* a) {
  const std::string_view name = c.func->name;
  const Matrix& a1 = (*a)[1];
  const Matrix* a2 = name == "clamp" ? &(*a)[2] : nullptr;
  return MapValues(std::move((*a)[0]), true, [&](double* v, int64_t t) {
    double x = ev.ScalarAt(a1, t);
    if (name == "clamp_max") {
      *v = GoMin(x, *v);
    } else if (name == "clamp_min") {
      *v = GoMax(x, *v);
    } else {
      double max = ev.ScalarAt(*a2, t);
      if (max < x) return false;  // min > max: an empty result
      *v = GoMax(x, GoMin(max, *v));
    }
    return true;
  });
}

absl::StatusOr<Matrix> RoundCall(const Evaluator& ev, const parser::Call&, std::vector<Matrix>* a) {
  const Matrix* a1 = a->size() > 1 ? &(*a)[1] : nullptr;
  return MapValues(std::move((*a)[0]), true, [&](double* v, int64_t t) {
    // Multiplying by the inverse avoids some floating-point error; ties round up.
    double inverse = 1.0 / (a1 != nullptr ? ev.ScalarAt(*a1, t) : 1.0);
    *v = std::floor(*v * inverse + 0.5) / inverse;
    return true;
  });
}

absl::StatusOr<Matrix> DateCall(const Evaluator& ev, const parser::Call& c,
                                std::vector<Matrix>* a) {
  DatePart part;
  LookupDatePart(c.func->name, &part);
  if (a->empty()) {  // of the evaluation time
    return Generate(ev, labels::Labels(),
                    [part](int64_t ts) { return DateValue(part, ts / 1000); });
  }
  return MapValues(std::move((*a)[0]), true, [part](double* v, int64_t) {
    *v = DateValue(part, GoFloatToInt64(*v));
    return true;
  });
}

// timestamp() of anything but a selector: the samples are as of the evaluation time.
absl::StatusOr<Matrix> TimestampCall(const Evaluator&, const parser::Call&,
                                     std::vector<Matrix>* a) {
  return MapValues(std::move((*a)[0]), true, [](double* v, int64_t t) {
    *v = static_cast<double>(t) / 1000;
    return true;
  });
}

absl::StatusOr<Matrix> LabelReplaceCall(const Evaluator&, const parser::Call& c,
                                        std::vector<Matrix>* a) {
  return LabelReplace(c, std::move((*a)[0]));
}

absl::StatusOr<Matrix> LabelJoinCall(const Evaluator&, const parser::Call& c,
                                     std::vector<Matrix>* a) {
  return LabelJoin(c, std::move((*a)[0]));
}

absl::StatusOr<Matrix> VectorCall(const Evaluator& ev, const parser::Call&,
                                  std::vector<Matrix>* a) {
  const Matrix& s = (*a)[0];
  return Generate(ev, labels::Labels(), [&](int64_t ts) { return ev.ScalarAt(s, ts); });
}

absl::StatusOr<Matrix> ScalarCall(const Evaluator& ev, const parser::Call&,
                                  std::vector<Matrix>* a) {
  return ToScalar(ev, (*a)[0]);
}

absl::StatusOr<Matrix> TimeCall(const Evaluator& ev, const parser::Call&, std::vector<Matrix>*) {
  return Generate(ev, labels::Labels(), [](int64_t ts) { return static_cast<double>(ts) / 1000; });
}

absl::StatusOr<Matrix> PiCall(const Evaluator& ev, const parser::Call&, std::vector<Matrix>*) {
  return Generate(ev, labels::Labels(), [](int64_t) { return M_PI; });
}

absl::StatusOr<Matrix> SortCall(const Evaluator& ev, const parser::Call& c,
                                std::vector<Matrix>* a) {
  return SortByValue(ev, (*a)[0], c.func->name == "sort_desc");
}

absl::StatusOr<Matrix> AbsentCall(const Evaluator& ev, const parser::Call& c,
                                  std::vector<Matrix>* a) {
  return Absent(ev, c, (*a)[0]);
}

absl::StatusOr<Matrix> HistogramQuantileCall(const Evaluator& ev, const parser::Call&,
                                             std::vector<Matrix>* a) {
  return HistogramQuantile(ev, (*a)[0], (*a)[1]);
}

// histogram_count, histogram_sum and histogram_fraction read native histograms only; float
// samples yield nothing.
absl::StatusOr<Matrix> NativeHistogramCall(const Evaluator&, const parser::Call&,
                                           std::vector<Matrix>*) {
  return Matrix();
}

InstantFn LookupInstantFunction(std::string_view name) {
  static const auto* table = [] {
    auto* t = new absl::flat_hash_map<std::string_view, InstantFn>{
        {"clamp", ClampCall},
        {"clamp_min", ClampCall},
        {"clamp_max", ClampCall},
        {"round", RoundCall},
        {"timestamp", TimestampCall},
        {"label_replace", LabelReplaceCall},
        {"label_join", LabelJoinCall},
        {"vector", VectorCall},
        {"scalar", ScalarCall},
        {"time", TimeCall},
        {"pi", PiCall},
        {"sort", SortCall},
        {"sort_desc", SortCall},
        {"absent", AbsentCall},
        {"histogram_quantile", HistogramQuantileCall},
        {"histogram_count", NativeHistogramCall},
        {"histogram_sum", NativeHistogramCall},
        {"histogram_fraction", NativeHistogramCall},
    };
    for (const parser::Function& f : parser::AllFunctions()) {
      DatePart part;
      if (LookupMathFunction(f.name) != nullptr) (*t)[f.name] = MathCall;
      if (LookupDatePart(f.name, &part)) (*t)[f.name] = DateCall;
    }
    return t;
  }();
  auto it = table->find(name);
  return it == table->end() ? nullptr : it->second;
}

}  // namespace

absl::StatusOr<Matrix> Evaluator::EvalCall(parser::Call& c) {
  if (c.func->name == "timestamp") {
    parser::Expr* arg = Unwrap(c.args[0].get());
    if (arg->Is<parser::VectorSelector>()) {
      return EvalTimestampOfSelector(arg->As<parser::VectorSelector>());
    }
  }
  for (size_t i = 0; i < c.args.size(); i++) {
    parser::Expr* arg = Unwrap(c.args[i].get());
    if (arg->Is<parser::MatrixSelector>() || arg->Is<parser::SubqueryExpr>()) {
      return EvalRangeCall(c, i);
    }
  }
  return EvalInstantCall(c);
}

absl::StatusOr<Matrix> Evaluator::EvalInstantCall(parser::Call& c) {
  InstantFn fn = LookupInstantFunction(c.func->name);
  if (fn == nullptr) return absl::UnimplementedError(StrCat("function ", c.func->name));
  const int64_t original = ctx_->current_samples;
  std::vector<Matrix> args(c.args.size());
  std::vector<const Matrix*> arg_ptrs;
  for (size_t i = 0; i < c.args.size(); i++) {
    if (c.args[i]->type() == parser::ValueType::kString) continue;  // read from the AST
    ASSIGN_OR_RETURN(args[i], Eval(*c.args[i]));
    arg_ptrs.push_back(&args[i]);
  }
  InputProfile prof = ProfileInputs(arg_ptrs);
  ASSIGN_OR_RETURN(Matrix out, fn(*this, c, &args));
  RETURN_IF_ERROR(RangeEvalAccounting(original, prof, out));
  return out;
}

}  // namespace strata::promql::internal
