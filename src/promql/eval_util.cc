#include "promql/eval_util.h"

#include <algorithm>

#include "promql/evaluator.h"
#include "util/coding.h"

namespace strata::promql::internal {

StepCursor::StepCursor(const Matrix* m, int64_t start, int64_t interval, int64_t num_steps)
    : start_(start), interval_(interval), offsets_(static_cast<size_t>(num_steps) + 1, 0) {
  // Count per step (remembering each point's step: divisions are the expensive part), turn the
  // counts into offsets, then place the samples.
  size_t total = 0;
  for (const Series& s : *m) total += s.points.size();
  std::vector<int32_t> step_of;
  step_of.reserve(total);
  for (const Series& s : *m) {
    int64_t prev_t = 0, prev_i = -2;
    for (const Point& p : s.points) {
      // Points of dense series are one step apart: no division needed.
      int64_t i = prev_i >= 0 && p.t == prev_t + interval ? prev_i + 1 : (p.t - start) / interval;
      bool on_grid = i >= 0 && i < num_steps && start + i * interval == p.t;
      step_of.push_back(on_grid ? static_cast<int32_t>(i) : -1);
      if (on_grid) offsets_[static_cast<size_t>(i) + 1]++;
      prev_t = p.t;
      prev_i = on_grid ? i : -2;
    }
  }
  for (size_t i = 1; i < offsets_.size(); i++) offsets_[i] += offsets_[i - 1];
  samples_.reset(new StepSample[offsets_.back()]);
  std::vector<uint32_t> next(offsets_.begin(), offsets_.end() - 1);
  size_t k = 0;
  for (size_t si = 0; si < m->size(); si++) {
    for (const Point& p : (*m)[si].points) {
      if (int32_t i = step_of[k++]; i >= 0) {
        samples_[next[static_cast<size_t>(i)]++] = StepSample{static_cast<uint32_t>(si), p.v};
      }
    }
  }
}

std::span<const StepSample> StepCursor::At(int64_t ts) const {
  int64_t i = (ts - start_) / interval_;
  if (i < 0 || static_cast<size_t>(i) + 1 >= offsets_.size()) return {};
  return std::span<const StepSample>(
      samples_.get() + offsets_[static_cast<size_t>(i)],
      offsets_[static_cast<size_t>(i) + 1] - offsets_[static_cast<size_t>(i)]);
}

uint32_t OutputBuilder::Intern(const labels::Labels& l) {
  // absl::string_view (Debian's abseil does not alias std::string_view): found without a copy.
  const absl::string_view key(l.data().data(), l.data().size());
  auto [it, inserted] = index_.try_emplace(key, static_cast<uint32_t>(series_.size()));
  if (inserted) series_.push_back(Series{l, {}});
  return it->second;
}

absl::Status OutputBuilder::Commit(int64_t ts) {
  absl::Status st;
  for (const StepSample& s : staged_) {
    std::vector<Point>& pts = series_[s.series].points;
    if (!pts.empty() && pts.back().t == ts) {
      st = ExecError("vector cannot contain metrics with the same labelset");
      break;
    }
    // Prometheus sizes every output series for all steps; a smaller start keeps sparse
    // outputs of long range queries (and interned series that never get a point) cheap.
    if (pts.empty()) pts.reserve(static_cast<size_t>(std::min<int64_t>(reserve_, 64)));
    pts.push_back(Point{ts, s.v});
  }
  staged_.clear();
  return st;
}

Matrix OutputBuilder::Finish() {
  Matrix out;
  out.reserve(series_.size());
  for (Series& s : series_) {
    if (!s.points.empty()) out.push_back(std::move(s));
  }
  series_.clear();
  index_.clear();
  return out;
}

absl::StatusOr<Matrix> MergeSameLabels(Matrix m) {
  absl::flat_hash_map<std::string_view, size_t> first;
  first.reserve(m.size());
  std::vector<std::vector<size_t>> groups;  // groups[k]: series sharing labels, first first
  bool collision = false;
  for (size_t i = 0; i < m.size(); i++) {
    if (m[i].points.empty()) continue;
    auto [it, inserted] = first.try_emplace(m[i].metric.data(), groups.size());
    if (inserted) groups.push_back({});
    collision |= !inserted;
    groups[it->second].push_back(i);
  }
  Matrix out;
  out.reserve(groups.size());
  if (!collision) {
    for (Series& s : m) {
      if (!s.points.empty()) out.push_back(std::move(s));
    }
    return out;
  }
  for (const std::vector<size_t>& g : groups) {
    Series merged = std::move(m[g[0]]);
    for (size_t k = 1; k < g.size(); k++) {
      const std::vector<Point>& more = m[g[k]].points;
      merged.points.insert(merged.points.end(), more.begin(), more.end());
    }
    if (g.size() > 1) {
      std::sort(merged.points.begin(), merged.points.end(),
                [](const Point& a, const Point& b) { return a.t < b.t; });
      for (size_t k = 1; k < merged.points.size(); k++) {
        if (merged.points[k].t == merged.points[k - 1].t) {
          return ExecError("vector cannot contain metrics with the same labelset");
        }
      }
    }
    out.push_back(std::move(merged));
  }
  return out;
}

absl::Status CheckNoSameLabelset(const Matrix& m) {
  if (m.size() < 2) return absl::OkStatus();
  absl::flat_hash_map<std::string_view, bool> seen;
  seen.reserve(m.size());
  for (const Series& s : m) {
    if (!seen.try_emplace(s.metric.data(), true).second) {
      return ExecError("vector cannot contain metrics with the same labelset");
    }
  }
  return absl::OkStatus();
}

labels::Labels DropMetricName(const labels::Labels& l) {
  if (!l.Has(labels::kMetricName)) return l;
  return l.WithoutMetricName();
}

parser::Expr* Unwrap(parser::Expr* e, bool skip_step_invariant) {
  while (e->Is<parser::ParenExpr>()) e = e->As<parser::ParenExpr>().expr.get();
  if (skip_step_invariant && e->Is<parser::StepInvariantExpr>()) {
    e = e->As<parser::StepInvariantExpr>().expr.get();
    while (e->Is<parser::ParenExpr>()) e = e->As<parser::ParenExpr>().expr.get();
  }
  return e;
}

const parser::Expr* Unwrap(const parser::Expr* e, bool skip_step_invariant) {
  return Unwrap(const_cast<parser::Expr*>(e), skip_step_invariant);
}

const std::string& StringArg(const parser::Expr& e) {
  return Unwrap(&e)->As<parser::StringLiteral>().val;
}

labels::Labels AbsentLabels(const parser::Expr& arg) {
  const parser::VectorSelector* vs = nullptr;
  if (arg.Is<parser::VectorSelector>()) {
    vs = &arg.As<parser::VectorSelector>();
  } else if (arg.Is<parser::MatrixSelector>()) {
    vs = &arg.As<parser::MatrixSelector>().vs();
  } else {
    return labels::Labels();
  }
  labels::Builder b;
  absl::flat_hash_map<std::string, bool> has;
  for (const labels::Matcher& m : vs->matchers) {
    if (m.name() == labels::kMetricName) continue;
    if (m.type() == labels::MatchType::kEqual && !has[m.name()]) {
      b.Set(m.name(), m.value());
      has[m.name()] = true;
    } else {
      b.Del(m.name());
    }
  }
  return b.Build();
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); i++) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void SignatureOf(const labels::Labels& l, const std::vector<std::string>& sorted_names, bool on,
                 std::string* out) {
  out->clear();
  auto n = sorted_names.begin();
  for (const labels::Label& x : l) {
    while (n != sorted_names.end() && *n < x.name) ++n;
    bool listed = n != sorted_names.end() && *n == x.name;
    bool keep = on ? listed : (!listed && x.name != labels::kMetricName);
    if (keep) {
      PutUvarintStr(out, x.name);
      PutUvarintStr(out, x.value);
    }
  }
}

}  // namespace strata::promql::internal
