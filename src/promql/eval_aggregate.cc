// Aggregation operators (Prometheus evaluator.aggregation).
#include <algorithm>
#include <cmath>

#include "promql/eval_util.h"
#include "promql/evaluator.h"
#include "promql/go_sort.h"
#include "promql/parser/go_strings.h"
#include "promql/quantile.h"
#include "util/float_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::internal {
namespace {

using parser::AggregateOp;

// The largest and smallest float64 values that convert to int64 without overflow.
constexpr double kMaxInt64 = 9223372036854774784.0;
constexpr double kMinInt64 = -9223372036854775808.0;

// A topk/bottomk candidate.
struct Candidate {
  uint32_t series;
  double v;
};

// topk keeps a min-heap (NaN lowest) of the k largest; bottomk a max-heap (NaN highest).
bool TopkLess(const Candidate& a, const Candidate& b) { return std::isnan(a.v) || a.v < b.v; }
bool BottomkLess(const Candidate& a, const Candidate& b) { return std::isnan(a.v) || a.v > b.v; }

// The running state of one group at one step, for the ops that need a few numbers.
struct Accumulator {
  bool active = false;
  double value = 0;
  double mean = 0;
  int64_t count = 0;
};

// topk and bottomk keep candidates, quantile all values.
struct Group : Accumulator {
  std::vector<Candidate> heap;
  std::vector<double> values;
};

void Start(AggregateOp op, double v, Accumulator* a) {
  a->active = true;
  a->value = v;
  a->mean = v;
  a->count = 1;
  if (op == AggregateOp::kStddev || op == AggregateOp::kStdvar) a->value = 0;
  if (op == AggregateOp::kGroup) a->value = 1;
}

void UpdateAvg(double v, Accumulator* a) {
  a->count++;
  if (std::isinf(a->mean)) {
    // An infinite mean stays as it is unless a NaN or an infinity of the other sign arrives;
    // the incremental formula would turn it into NaN (Inf - Inf).
    if (std::isinf(v) && (a->mean > 0) == (v > 0)) return;
    if (!std::isinf(v) && !std::isnan(v)) return;
  }
  // Dividing each term keeps the sum from overflowing.
  a->mean += v / static_cast<double>(a->count) - a->mean / static_cast<double>(a->count);
}

void Update(AggregateOp op, double v, Accumulator* a) {
  switch (op) {
    case AggregateOp::kSum:
      a->value += v;
      break;
    case AggregateOp::kAvg:
      UpdateAvg(v, a);
      break;
    case AggregateOp::kMax:
      if (a->value < v || std::isnan(a->value)) a->value = v;
      break;
    case AggregateOp::kMin:
      if (a->value > v || std::isnan(a->value)) a->value = v;
      break;
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      a->count++;
      double delta = v - a->mean;
      a->mean += delta / static_cast<double>(a->count);
      a->value += delta * (v - a->mean);
      break;
    }
    case AggregateOp::kGroup:
      break;
    default:  // count, count_values
      a->count++;
      break;
  }
}

// The final value (not for topk, bottomk and quantile).
double Result(AggregateOp op, const Accumulator& a) {
  double n = static_cast<double>(a.count);
  switch (op) {
    case AggregateOp::kAvg:
      return a.mean;
    case AggregateOp::kCount:
    case AggregateOp::kCountValues:
      return n;
    case AggregateOp::kStdvar:
      return a.value / n;
    case AggregateOp::kStddev:
      return std::sqrt(a.value / n);
    default:
      return a.value;
  }
}

void UpdateTopBottom(const StepSample& s, int64_t k, bool top, Group* g) {
  auto less = top ? TopkLess : BottomkLess;
  double first = g->heap[0].v;
  bool better = top ? first < s.v : first > s.v;
  if (!(static_cast<int64_t>(g->heap.size()) < k || better || std::isnan(first))) return;
  if (static_cast<int64_t>(g->heap.size()) == k) {
    if (k == 1) {
      g->heap[0] = Candidate{s.series, s.v};
      return;
    }
    GoHeapPop(&g->heap, less);
  }
  GoHeapPush(&g->heap, Candidate{s.series, s.v}, less);
}

void StartGroup(AggregateOp op, const StepSample& s, Group* g) {
  Start(op, s.v, g);
  g->heap.clear();
  g->values.clear();
  if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk) {
    g->heap.push_back(Candidate{s.series, s.v});
  } else if (op == AggregateOp::kQuantile) {
    g->values.push_back(s.v);
  }
}

void UpdateGroup(AggregateOp op, const StepSample& s, int64_t k, Group* g) {
  if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk) {
    UpdateTopBottom(s, k, op == AggregateOp::kTopk, g);
  } else if (op == AggregateOp::kQuantile) {
    g->values.push_back(s.v);
  } else {
    Update(op, s.v, g);
  }
}

double GroupResult(AggregateOp op, double q, Group* g) {
  return op == AggregateOp::kQuantile ? Quantile(q, &g->values) : Result(op, *g);
}

// The heap in output order: descending for topk, ascending for bottomk, NaNs last.
void SortCandidates(bool top, std::vector<Candidate>* heap) {
  if (heap->size() <= 1) return;
  auto less = top ? TopkLess : BottomkLess;
  GoSort(
      heap, [less](const Candidate& a, const Candidate& b) { return less(b, a); },
      [top](const Candidate& a, const Candidate& b) {
        if (std::isnan(a.v) || std::isnan(b.v)) return !std::isnan(a.v) && std::isnan(b.v);
        return top ? a.v > b.v : a.v < b.v;
      });
}

// Aggregates instant vectors of one input matrix, step by step. Every input series belongs to
// the same group for the whole query, so groups are found once.
class Aggregator {
 public:
  Aggregator(AggregateOp op, const Matrix& in, const std::vector<std::string>& sorted_grouping,
             bool without, int64_t num_steps)
      : op_(op),
        top_bottom_(op == AggregateOp::kTopk || op == AggregateOp::kBottomk),
        in_(in),
        out_(num_steps),
        group_of_(in.size()),
        series_out_(top_bottom_ ? in.size() : 0, -1) {
    absl::flat_hash_map<std::string, uint32_t> ids;
    std::string key;
    for (size_t i = 0; i < in.size(); i++) {
      SignatureOf(in[i].metric, sorted_grouping, !without, &key);
      auto [it, inserted] = ids.try_emplace(key, static_cast<uint32_t>(group_out_.size()));
      if (inserted) {
        // The key is the encoding of exactly the labels the group keeps. topk and bottomk
        // output the input series instead.
        group_out_.push_back(top_bottom_ ? 0 : out_.Intern(labels::Labels::FromEncoded(key)));
      }
      group_of_[i] = it->second;
    }
    groups_.resize(group_out_.size());
  }

  // Aggregates one step: k is topk's and bottomk's parameter (>= 1), q quantile's.
  void Step(std::span<const StepSample> vec, int64_t k, double q) {
    order_.clear();
    for (const StepSample& s : vec) {
      uint32_t g = group_of_[s.series];
      if (!groups_[g].active) {
        StartGroup(op_, s, &groups_[g]);
        order_.push_back(g);  // groups in the order the step first saw them
      } else {
        UpdateGroup(op_, s, k, &groups_[g]);
      }
    }
    for (uint32_t g : order_) {
      Group& grp = groups_[g];
      grp.active = false;
      if (!top_bottom_) {
        out_.Stage(group_out_[g], GroupResult(op_, q, &grp));
        continue;
      }
      SortCandidates(op_ == AggregateOp::kTopk, &grp.heap);
      for (const Candidate& c : grp.heap) {
        if (series_out_[c.series] < 0) series_out_[c.series] = out_.Intern(in_[c.series].metric);
        out_.Stage(static_cast<uint32_t>(series_out_[c.series]), c.v);
      }
    }
  }

  OutputBuilder& out() { return out_; }

  // Whether AggregateBySeries can compute this aggregation: ops whose state is a few numbers,
  // with a bounded number of (group, step) cells.
  bool CanAggregateBySeries(int64_t num_steps) const {
    switch (op_) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
      case AggregateOp::kQuantile:
      case AggregateOp::kCountValues:
        return false;
      default:
        return static_cast<int64_t>(groups_.size()) * num_steps <= (int64_t{1} << 20);
    }
  }

  // Aggregates series by series into one accumulator per (group, step), instead of step by
  // step over all series: every accumulator still sees its samples in series order, as in
  // Prometheus, so the results are the same, but the input is read sequentially.
  absl::StatusOr<Matrix> AggregateBySeries(const Evaluator& ev, const EvalContext& ctx) {
    const size_t steps = static_cast<size_t>(ev.num_steps());
    std::vector<Accumulator> cells(groups_.size() * steps);
    for (size_t si = 0; si < in_.size(); si++) {
      if ((si & 255) == 255) RETURN_IF_ERROR(ctx.CheckDone());
      Accumulator* row = &cells[group_of_[si] * steps];
      for (const Point& p : in_[si].points) {
        int64_t i = ev.StepIndex(p.t);
        if (i < 0 || static_cast<size_t>(i) >= steps) continue;
        if (!row[i].active) {
          Start(op_, p.v, &row[i]);
        } else {
          Update(op_, p.v, &row[i]);
        }
      }
    }
    Matrix out;
    out.reserve(groups_.size());
    for (size_t g = 0; g < groups_.size(); g++) {
      Series s{out_.labels(group_out_[g]), {}};
      for (size_t i = 0; i < steps; i++) {
        const Accumulator& cell = cells[g * steps + i];
        if (!cell.active) continue;
        s.points.push_back(
            Point{ev.start() + static_cast<int64_t>(i) * ev.interval(), Result(op_, cell)});
      }
      if (!s.points.empty()) out.push_back(std::move(s));
    }
    return out;
  }

 private:
  const AggregateOp op_;
  const bool top_bottom_;
  const Matrix& in_;
  OutputBuilder out_;
  std::vector<uint32_t> group_of_;   // input series -> group
  std::vector<uint32_t> group_out_;  // group -> output series (not for topk/bottomk)
  std::vector<int64_t> series_out_;  // topk/bottomk: input series -> output series
  std::vector<Group> groups_;
  std::vector<uint32_t> order_;
};

}  // namespace

absl::StatusOr<Matrix> Evaluator::EvalAggregate(parser::AggregateExpr& a) {
  // Sorted, as the grouping keys require.
  std::vector<std::string> grouping = a.grouping;
  std::sort(grouping.begin(), grouping.end());
  const int64_t original = ctx_->current_samples;
  parser::Expr* param = a.param ? Unwrap(a.param.get()) : nullptr;
  if (param != nullptr && param->Is<parser::StringLiteral>()) {
    ASSIGN_OR_RETURN(Matrix in, Eval(*a.expr));
    InputProfile prof = ProfileInputs({&in});
    ASSIGN_OR_RETURN(Matrix out,
                     EvalCountValues(a, grouping, param->As<parser::StringLiteral>().val, in));
    RETURN_IF_ERROR(RangeEvalAccounting(original, prof, out));
    return out;
  }
  Matrix pm;
  if (a.param) {
    ASSIGN_OR_RETURN(pm, Eval(*a.param));
  }
  ASSIGN_OR_RETURN(Matrix in, Eval(*a.expr));
  InputProfile prof = ProfileInputs({&pm, &in});
  const bool top_bottom = a.op == AggregateOp::kTopk || a.op == AggregateOp::kBottomk;
  Aggregator agg(a.op, in, grouping, a.without, num_steps());
  if (agg.CanAggregateBySeries(num_steps())) {
    ASSIGN_OR_RETURN(Matrix result, agg.AggregateBySeries(*this, *ctx_));
    RETURN_IF_ERROR(RangeEvalAccounting(original, prof, result));
    return result;
  }
  StepCursor ic = Steps(in);
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    RETURN_IF_ERROR(ctx_->CheckDone());
    std::span<const StepSample> vec = ic.At(ts);
    double p = a.param ? ScalarAt(pm, ts) : 0;
    int64_t k = 0;
    if (top_bottom) {
      if (!(p <= kMaxInt64 && p >= kMinInt64)) {
        return ExecError(StrCat("Scalar value ", FormatGoG(p), " overflows int64"));
      }
      k = static_cast<int64_t>(p);
      if (k < 1) continue;  // an empty result at this step
    }
    agg.Step(vec, k, p);
    RETURN_IF_ERROR(agg.out().Commit(ts));
  }
  Matrix result = agg.out().Finish();
  RETURN_IF_ERROR(RangeEvalAccounting(original, prof, result));
  return result;
}

absl::StatusOr<Matrix> Evaluator::EvalCountValues(const parser::AggregateExpr& a,
                                                  const std::vector<std::string>& grouping,
                                                  const std::string& label, const Matrix& in) {
  if (!IsValidLabelName(label)) {
    return ExecError(StrCat("invalid label name ", parser::GoQuote(label)));
  }
  std::vector<std::string> names = grouping;
  if (!a.without) {
    // The value label becomes one of the labels grouped by.
    names.push_back(label);
    std::sort(names.begin(), names.end());
  }
  OutputBuilder out(num_steps());
  absl::flat_hash_map<std::string, uint32_t> step_groups;  // key -> index into `counts`
  std::vector<std::pair<uint32_t, int64_t>> counts;        // output series, count
  std::string key;
  StepCursor ic = Steps(in);
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    RETURN_IF_ERROR(ctx_->CheckDone());
    step_groups.clear();
    counts.clear();
    for (const StepSample& s : ic.At(ts)) {
      labels::Labels with_value =
          labels::Builder(in[s.series].metric).Set(label, FormatValue(s.v)).Build();
      SignatureOf(with_value, names, !a.without, &key);
      auto [it, inserted] = step_groups.try_emplace(key, static_cast<uint32_t>(counts.size()));
      if (inserted) {
        counts.emplace_back(out.Intern(labels::Labels::FromEncoded(key)), 0);
      }
      counts[it->second].second++;
    }
    for (const auto& [idx, n] : counts) out.Stage(idx, static_cast<double>(n));
    RETURN_IF_ERROR(out.Commit(ts));
  }
  return out.Finish();
}

}  // namespace strata::promql::internal
