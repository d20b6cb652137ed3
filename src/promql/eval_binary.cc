// Binary operators: scalar/scalar, vector/scalar and vector/vector with vector matching.
#include <algorithm>
#include <cmath>

#include "promql/eval_util.h"
#include "promql/evaluator.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::promql::internal {
namespace {

using parser::BinaryOp;

// Arithmetic drops the metric name; comparisons and atan2 keep it.
bool DropsMetricName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kPow:
    case BinaryOp::kMod:
      return true;
    default:
      return false;
  }
}

// Prometheus vectorElemBinop: the value, and whether a comparison holds (always true for
// arithmetic). Comparisons return the left value.
double ElemBinop(BinaryOp op, double l, double r, bool* keep) {
  *keep = true;
  switch (op) {
    case BinaryOp::kAdd:
      return l + r;
    case BinaryOp::kSub:
      return l - r;
    case BinaryOp::kMul:
      return l * r;
    case BinaryOp::kDiv:
      return l / r;
    case BinaryOp::kPow:
      return std::pow(l, r);
    case BinaryOp::kMod:
      return std::fmod(l, r);
    case BinaryOp::kAtan2:
      return std::atan2(l, r);
    case BinaryOp::kEqlc:
      *keep = l == r;
      return l;
    case BinaryOp::kNeq:
      *keep = l != r;
      return l;
    case BinaryOp::kGtr:
      *keep = l > r;
      return l;
    case BinaryOp::kLss:
      *keep = l < r;
      return l;
    case BinaryOp::kGte:
      *keep = l >= r;
      return l;
    case BinaryOp::kLte:
      *keep = l <= r;
      return l;
    default:
      return 0;  // set operators never get here
  }
}

// Assigns every series of `m` the id of its matching signature in `ids`.
std::vector<uint32_t> Signatures(const Matrix& m, const std::vector<std::string>& names, bool on,
                                 absl::flat_hash_map<std::string, uint32_t>* ids) {
  std::vector<uint32_t> out(m.size());
  std::string buf;
  for (size_t i = 0; i < m.size(); i++) {
    SignatureOf(m[i].metric, names, on, &buf);
    out[i] = ids->try_emplace(buf, static_cast<uint32_t>(ids->size())).first->second;
  }
  return out;
}

// Prometheus Labels.MatchLabels: the labels a match group is made of.
labels::Labels MatchLabels(const labels::Labels& l, const std::vector<std::string>& names,
                           bool on) {
  std::vector<labels::Label> kept;
  for (const labels::Label& x : l) {
    bool listed = std::find(names.begin(), names.end(), x.name) != names.end();
    if (on == listed && (on || x.name != labels::kMetricName)) kept.push_back(x);
  }
  return labels::Labels::FromSorted(kept);
}

// Prometheus resultMetric: the labels of an arithmetic or comparison result, from the "many"
// side `lhs` and the "one" side `rhs`.
labels::Labels ResultMetric(const labels::Labels& lhs, const labels::Labels& rhs, BinaryOp op,
                            const parser::VectorMatching& vm) {
  labels::Builder b(lhs);
  if (DropsMetricName(op)) b.Del(labels::kMetricName);
  if (vm.card == parser::VectorMatchCardinality::kOneToOne) {
    const auto& names = vm.matching_labels;
    for (const labels::Label& x : lhs) {
      bool listed = std::find(names.begin(), names.end(), x.name) != names.end();
      if (listed != vm.on) b.Del(x.name);
    }
  }
  for (const std::string& name : vm.include) {
    b.Set(name, rhs.Get(name));  // an empty value deletes
  }
  return b.Build();
}

std::vector<std::string> SortedNames(const parser::VectorMatching& vm) {
  std::vector<std::string> names = vm.matching_labels;
  std::sort(names.begin(), names.end());
  return names;
}

// Arithmetic and comparisons between two vectors (Prometheus VectorBinop), one step at a time.
// For one-to-many matching the sides are swapped so that the "many" side is always matched
// against the "one" side; values are swapped back for the operation.
class VectorMatcher {
 public:
  VectorMatcher(const parser::BinaryExpr& b, const Matrix& l, const Matrix& r, int64_t num_steps)
      : b_(b),
        vm_(*b.vector_matching),
        one_to_many_(vm_.card == parser::VectorMatchCardinality::kOneToMany),
        many_(one_to_many_ ? r : l),
        one_(one_to_many_ ? l : r),
        names_(SortedNames(vm_)),
        out_(num_steps) {
    absl::flat_hash_map<std::string, uint32_t> ids;
    many_sig_ = Signatures(many_, names_, vm_.on, &ids);
    one_sig_ = Signatures(one_, names_, vm_.on, &ids);
    one_at_.assign(ids.size(), -1);
    matched_.assign(ids.size(), 0);
    last_one_.assign(many_.size(), UINT32_MAX);
    last_out_.assign(many_.size(), 0);
  }

  // Matches the samples of one step (both non-empty) and stages the results in out().
  absl::Status Step(std::span<const StepSample> lv, std::span<const StepSample> rv) {
    std::span<const StepSample> manyv = one_to_many_ ? rv : lv;
    std::span<const StepSample> onev = one_to_many_ ? lv : rv;
    absl::Status st = IndexOneSide(onev);
    if (st.ok()) st = MatchManySide(manyv, onev);
    for (const StepSample& s : onev) one_at_[one_sig_[s.series]] = -1;
    for (const StepSample& s : manyv) matched_[many_sig_[s.series]] = 0;
    step_++;
    other_sigs_.clear();
    return st;
  }

  OutputBuilder& out() { return out_; }

 private:
  // Records where each signature is on the "one" side; two samples with one signature there
  // make the matching many-to-many.
  absl::Status IndexOneSide(std::span<const StepSample> onev) {
    for (size_t k = 0; k < onev.size(); k++) {
      uint32_t sig = one_sig_[onev[k].series];
      if (one_at_[sig] >= 0) {
        const labels::Labels& dup = one_[onev[static_cast<size_t>(one_at_[sig])].series].metric;
        const labels::Labels& cur = one_[onev[k].series].metric;
        return ExecError(StrCat("found duplicate series for the match group ",
                                MatchLabels(cur, names_, vm_.on).ToString(), " on the ",
                                one_to_many_ ? "left" : "right", " hand-side of the operation: [",
                                cur.ToString(), ", ", dup.ToString(),
                                "];many-to-many matching not allowed: matching labels must be "
                                "unique on one side"));
      }
      one_at_[sig] = static_cast<int32_t>(k);
    }
    return absl::OkStatus();
  }

  absl::Status MatchManySide(std::span<const StepSample> manyv, std::span<const StepSample> onev) {
    for (const StepSample& ms : manyv) {
      uint32_t sig = many_sig_[ms.series];
      if (one_at_[sig] < 0) continue;
      const StepSample& os = onev[static_cast<size_t>(one_at_[sig])];
      double vl = ms.v, vr = os.v;
      if (one_to_many_) std::swap(vl, vr);
      bool keep;
      double v = ElemBinop(b_.op, vl, vr, &keep);
      if (b_.return_bool) {
        v = keep ? 1 : 0;
      } else if (!keep) {
        continue;
      }
      uint32_t idx = OutputOf(ms.series, os.series);
      if (vm_.card == parser::VectorMatchCardinality::kOneToOne) {
        if (matched_[sig]) {
          return ExecError(
              "multiple matches for labels: many-to-one matching must be explicit "
              "(group_left/group_right)");
        }
        matched_[sig] = 1;
      } else if (!FirstInGroup(sig, idx)) {
        // Equal result labels from one match group.
        return ExecError("multiple matches for labels: grouping labels must ensure unique matches");
      }
      out_.Stage(idx, v);
    }
    return absl::OkStatus();
  }

  // Many-to-one: whether this step has not yet produced output `idx` from signature `sig`.
  // An output comes from one signature but for rare label sets (on(__name__) with arithmetic),
  // so a stamp per output answers, with a list for the exceptions.
  bool FirstInGroup(uint32_t sig, uint32_t idx) {
    if (idx >= out_stamp_.size()) {
      out_stamp_.resize(idx + 1, 0);
      out_sig_.resize(idx + 1, 0);
    }
    if (out_stamp_[idx] != step_) {
      out_stamp_[idx] = step_;
      out_sig_[idx] = sig;
      return true;
    }
    if (out_sig_[idx] == sig) return false;
    std::pair<uint32_t, uint32_t> key{sig, idx};
    if (std::find(other_sigs_.begin(), other_sigs_.end(), key) != other_sigs_.end()) return false;
    other_sigs_.push_back(key);
    return true;
  }

  // The output series of a (many, one) pair; its labels are computed once. A "many" series
  // usually meets the same "one" series at every step, so the last pair is remembered first.
  uint32_t OutputOf(uint32_t m, uint32_t o) {
    if (last_one_[m] == o) return last_out_[m];
    auto [it, inserted] = pair_out_.try_emplace((uint64_t{m} << 32) | o, 0);
    if (inserted) {
      labels::Labels res = ResultMetric(many_[m].metric, one_[o].metric, b_.op, vm_);
      if (b_.return_bool) res = DropMetricName(res);
      it->second = out_.Intern(res);
    }
    last_one_[m] = o;
    last_out_[m] = it->second;
    return it->second;
  }

  const parser::BinaryExpr& b_;
  const parser::VectorMatching& vm_;
  const bool one_to_many_;
  const Matrix& many_;
  const Matrix& one_;
  const std::vector<std::string> names_;
  OutputBuilder out_;
  std::vector<uint32_t> many_sig_, one_sig_;  // signature id per series
  std::vector<int32_t> one_at_;               // position in the step's "one" vector, by sig
  std::vector<uint8_t> matched_;              // one-to-one: signature matched at this step
  uint64_t step_ = 1;                         // stamps of FirstInGroup
  std::vector<uint64_t> out_stamp_;
  std::vector<uint32_t> out_sig_;
  std::vector<std::pair<uint32_t, uint32_t>> other_sigs_;
  absl::flat_hash_map<uint64_t, uint32_t> pair_out_;
  std::vector<uint32_t> last_one_, last_out_;  // per "many" series: its last pair
};

}  // namespace

absl::StatusOr<Matrix> Evaluator::EvalBinary(parser::BinaryExpr& b) {
  const parser::ValueType lt = b.lhs->type(), rt = b.rhs->type();
  const int64_t original = ctx_->current_samples;
  ASSIGN_OR_RETURN(Matrix l, Eval(*b.lhs));
  ASSIGN_OR_RETURN(Matrix r, Eval(*b.rhs));
  InputProfile in = ProfileInputs({&l, &r});
  Matrix out;
  if (lt == parser::ValueType::kScalar && rt == parser::ValueType::kScalar) {
    ASSIGN_OR_RETURN(out, EvalScalarScalar(b, l, r));
  } else if (lt == parser::ValueType::kVector && rt == parser::ValueType::kVector) {
    if (parser::IsSetOperator(b.op)) {
      ASSIGN_OR_RETURN(out, EvalSetOp(b, l, r));
    } else {
      ASSIGN_OR_RETURN(out, EvalVectorVector(b, l, r));
    }
  } else if (lt == parser::ValueType::kVector) {
    ASSIGN_OR_RETURN(out, EvalVectorScalar(b, std::move(l), r, false));
  } else {
    ASSIGN_OR_RETURN(out, EvalVectorScalar(b, std::move(r), l, true));
  }
  RETURN_IF_ERROR(RangeEvalAccounting(original, in, out));
  return out;
}

absl::StatusOr<Matrix> Evaluator::EvalScalarScalar(const parser::BinaryExpr& b, const Matrix& l,
                                                   const Matrix& r) {
  Matrix out(1);
  StepCursor lc = Steps(l), rc = Steps(r);
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    std::span<const StepSample> lv = lc.At(ts);
    std::span<const StepSample> rv = rc.At(ts);
    if (lv.empty() || rv.empty()) continue;
    bool keep;
    double v = ElemBinop(b.op, lv[0].v, rv[0].v, &keep);
    // Comparisons between scalars always yield 0 or 1 (the parser requires `bool`).
    if (parser::IsComparisonOperator(b.op)) v = keep ? 1 : 0;
    out[0].points.push_back(Point{ts, v});
  }
  return out;
}

absl::StatusOr<Matrix> Evaluator::EvalVectorScalar(const parser::BinaryExpr& b, Matrix vec,
                                                   const Matrix& scalar, bool swap) {
  const bool comparison = parser::IsComparisonOperator(b.op);
  const bool drop_name = DropsMetricName(b.op) || b.return_bool;
  for (Series& s : vec) {
    if (drop_name) s.metric = DropMetricName(s.metric);
    size_t n = 0;
    for (const Point& p : s.points) {
      double lv = p.v, rv = ScalarAt(scalar, p.t);
      if (swap) std::swap(lv, rv);
      bool keep;
      double v = ElemBinop(b.op, lv, rv, &keep);
      // A comparison keeps the vector's value even when the vector is on the right.
      if (comparison && swap) v = rv;
      if (b.return_bool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (keep) s.points[n++] = Point{p.t, v};
    }
    s.points.resize(n);
  }
  return MergeSameLabels(std::move(vec));
}

absl::StatusOr<Matrix> Evaluator::EvalSetOp(const parser::BinaryExpr& b, const Matrix& l,
                                            const Matrix& r) {
  const parser::VectorMatching& vm = *b.vector_matching;
  std::vector<std::string> names = SortedNames(vm);
  absl::flat_hash_map<std::string, uint32_t> ids;
  std::vector<uint32_t> lsig = Signatures(l, names, vm.on, &ids);
  std::vector<uint32_t> rsig = Signatures(r, names, vm.on, &ids);
  OutputBuilder out(num_steps());
  std::vector<uint32_t> lout(l.size()), rout;
  for (size_t i = 0; i < l.size(); i++) lout[i] = out.Intern(l[i].metric);
  if (b.op == BinaryOp::kOr) {
    rout.resize(r.size());
    for (size_t i = 0; i < r.size(); i++) rout[i] = out.Intern(r[i].metric);
  }
  std::vector<uint8_t> marked(ids.size(), 0);
  StepCursor lc = Steps(l), rc = Steps(r);
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    RETURN_IF_ERROR(ctx_->CheckDone());
    std::span<const StepSample> lv = lc.At(ts);
    std::span<const StepSample> rv = rc.At(ts);
    if (b.op == BinaryOp::kOr) {
      for (const StepSample& s : lv) {
        marked[lsig[s.series]] = 1;
        out.Stage(lout[s.series], s.v);
      }
      for (const StepSample& s : rv) {
        if (!marked[rsig[s.series]]) out.Stage(rout[s.series], s.v);
      }
      for (const StepSample& s : lv) marked[lsig[s.series]] = 0;
    } else if (!lv.empty() && !(rv.empty() && b.op == BinaryOp::kAnd)) {
      // and: lhs samples with a match; unless: lhs samples without one.
      for (const StepSample& s : rv) marked[rsig[s.series]] = 1;
      const bool want = b.op == BinaryOp::kAnd;
      for (const StepSample& s : lv) {
        if (static_cast<bool>(marked[lsig[s.series]]) == want) out.Stage(lout[s.series], s.v);
      }
      for (const StepSample& s : rv) marked[rsig[s.series]] = 0;
    }
    RETURN_IF_ERROR(out.Commit(ts));
  }
  return out.Finish();
}

absl::StatusOr<Matrix> Evaluator::EvalVectorVector(const parser::BinaryExpr& b, const Matrix& l,
                                                   const Matrix& r) {
  VectorMatcher matcher(b, l, r, num_steps());
  StepCursor lc = Steps(l), rc = Steps(r);
  for (int64_t ts = start_; ts <= end_; ts += interval_) {
    RETURN_IF_ERROR(ctx_->CheckDone());
    std::span<const StepSample> lv = lc.At(ts);
    std::span<const StepSample> rv = rc.At(ts);
    if (lv.empty() || rv.empty()) continue;
    RETURN_IF_ERROR(matcher.Step(lv, rv));
    RETURN_IF_ERROR(matcher.out().Commit(ts));
  }
  return matcher.out().Finish();
}

}  // namespace strata::promql::internal
