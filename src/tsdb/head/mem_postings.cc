#include "tsdb/head/mem_postings.h"

#include <algorithm>
#include <thread>

namespace strata::tsdb::head {

void MemPostings::Add(uint64_t ref, const labels::Labels& labels) {
  absl::MutexLock l(&mu_);
  AddTo(&m_, ref, labels);
}

void MemPostings::AddMany(std::span<const std::pair<uint64_t, const labels::Labels*>> series,
                          size_t threads) {
  // Each part is a contiguous range of refs, so a list is the concatenation of its parts' lists.
  constexpr size_t kMinPerPart = 4096;  // a thread is not worth it for fewer
  const size_t n = std::clamp<size_t>(series.size() / kMinPerPart, 1, std::max<size_t>(1, threads));
  std::vector<Index> parts(n);
  auto build = [&series, &parts, n](size_t k) {
    for (size_t i = series.size() * k / n; i < series.size() * (k + 1) / n; i++) {
      AddTo(&parts[k], series[i].first, *series[i].second);
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (size_t k = 1; k < n; k++) helpers.emplace_back(build, k);
    build(0);
  }
  absl::MutexLock l(&mu_);
  for (Index& part : parts) {
    for (auto& [name, values] : part) {
      auto [it, inserted] = m_.try_emplace(name);
      MergeValues(std::move(values), &it->second);
    }
  }
}

void MemPostings::MergeValues(Values&& part, Values* into) {
  if (into->empty()) {
    *into = std::move(part);
    return;
  }
  const CompactStringLess less;
  auto pos = into->begin();
  for (auto& [value, list] : part) {
    while (pos != into->end() && less(pos->first, value)) ++pos;
    if (pos == into->end() || less(value, pos->first)) {
      pos = std::next(into->emplace_hint(pos, value, std::move(list)));
      continue;
    }
    list.ForEach([&pos](uint64_t ref) { pos->second.Insert(ref); });
  }
}

void MemPostings::AddTo(Index* m, uint64_t ref, const labels::Labels& labels) {
  (*m)[""][""].Insert(ref);
  for (const labels::Label& lbl : labels) {
    auto name_it = m->find(lbl.name);
    if (name_it == m->end()) name_it = m->emplace(std::string(lbl.name), Values()).first;
    Values& values = name_it->second;
    auto value_it = values.find(lbl.value);
    if (value_it == values.end()) {
      value_it = values.emplace(CompactString(lbl.value), List()).first;
    }
    value_it->second.Insert(ref);
  }
}

void MemPostings::Delete(const absl::flat_hash_set<uint64_t>& refs,
                         const std::vector<labels::Labels>& their_labels) {
  if (refs.empty()) return;
  absl::MutexLock l(&mu_);
  // Only the lists of the removed series' label pairs can contain their refs.
  absl::flat_hash_set<std::pair<std::string_view, std::string_view>> pairs;
  for (const labels::Labels& ls : their_labels) {
    for (const labels::Label& lbl : ls) pairs.insert({lbl.name, lbl.value});
  }
  pairs.insert({"", ""});
  for (const auto& [name, value] : pairs) {
    auto n = m_.find(name);
    if (n == m_.end()) continue;
    auto v = n->second.find(value);
    if (v == n->second.end()) continue;
    v->second.RemoveAll(refs);
    if (v->second.empty()) n->second.erase(v);
    if (n->second.empty()) m_.erase(n);
  }
}

std::vector<uint64_t> MemPostings::Get(std::string_view name, std::string_view value) const {
  absl::ReaderMutexLock l(&mu_);
  auto n = m_.find(name);
  if (n == m_.end()) return {};
  auto v = n->second.find(value);
  if (v == n->second.end()) return {};
  std::vector<uint64_t> out;
  v->second.AppendTo(&out);
  return out;
}

std::vector<uint64_t> MemPostings::GetUnion(std::string_view name,
                                            const std::vector<std::string>& values) const {
  std::vector<uint64_t> out;
  {
    absl::ReaderMutexLock l(&mu_);
    auto n = m_.find(name);
    if (n == m_.end()) return {};
    for (const std::string& value : values) {
      auto v = n->second.find(value);
      if (v != n->second.end()) v->second.AppendTo(&out);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> MemPostings::LabelNames() const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<std::string> out;
  for (const auto& [name, values] : m_) {
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

std::vector<std::string> MemPostings::LabelValues(std::string_view name) const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<std::string> out;
  auto n = m_.find(name);
  if (n == m_.end()) return out;
  for (const auto& [value, refs] : n->second) out.emplace_back(value.view());
  return out;
}

size_t MemPostings::MemoryBytes() const {
  absl::ReaderMutexLock l(&mu_);
  size_t n = 0;
  for (const auto& [name, values] : m_) {
    n += name.capacity() + 64;  // node overhead of the outer btree, approximately
    for (const auto& [value, refs] : values) {
      n += sizeof(value) + value.heap_bytes() + sizeof(List) + refs.heap_bytes();
    }
  }
  return n;
}

}  // namespace strata::tsdb::head
