#include "labels/labels.h"

#include <algorithm>
#include <cstring>

#include "util/strings.h"
#include "util/check.h"
#include "util/coding.h"
#include "util/go_strings.h"
#include "xxhash.h"

namespace strata::labels {
void Labels::Iterator::Load() {
  if (p_ >= end_) {
    p_ = end_;
    return;
  }
  // The encoding is produced by Append only, so it is well formed.
  uint64_t n = 0;
  const char* q = p_ + DecodeUvarint(p_, end_, &n);
  cur_.name = std::string_view(q, n);
  q += n;
  q += DecodeUvarint(q, end_, &n);
  cur_.value = std::string_view(q, n);
  next_ = q + n;
}

Labels::Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::vector<Label> v;
  v.reserve(pairs.size());
  for (const auto& [n, val] : pairs) v.push_back(Label{n, val});
  *this = FromUnsorted(std::move(v));
}

namespace {

void AppendPair(std::string* out, std::string_view name, std::string_view value) {
  PutUvarintStr(out, name);
  PutUvarintStr(out, value);
}

}  // namespace

Labels Labels::FromEncoded(std::string_view encoded) {
  Labels l;
  if (encoded.empty()) return l;
  l.rep_ = new char[BlockBytes(encoded)];
  WriteBlock(encoded, l.rep_);
  return l;
}

void Labels::WriteBlock(std::string_view encoded, char* block) {
  CHECK(encoded.size() <= UINT32_MAX);
  const auto n = static_cast<uint32_t>(encoded.size());
  std::memcpy(block, &n, sizeof n);
  if (n > 0) std::memcpy(block + sizeof n, encoded.data(), n);
}

Labels Labels::Borrowing(const char* block) {
  Labels l;
  uint32_t n;
  std::memcpy(&n, block, sizeof n);
  if (n == 0) return l;  // empty: no block, as FromEncoded
  CHECK((reinterpret_cast<uintptr_t>(block) & kBorrowed) == 0);
  l.rep_ = reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(block) | kBorrowed);
  return l;
}

Labels Labels::FromSorted(const std::vector<Label>& sorted) {
  for (size_t i = 1; i < sorted.size(); i++) DCHECK(sorted[i - 1].name < sorted[i].name);
  std::string encoded;
  EncodeSorted(sorted, &encoded);
  return FromEncoded(encoded);
}

Labels Labels::FromUnsorted(std::vector<Label> labels) {
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.name < b.name; });
  return FromSorted(labels);
}

size_t Labels::size() const {
  size_t n = 0;
  for (auto it = begin(); it != end(); ++it) n++;
  return n;
}

std::string_view Labels::Get(std::string_view name) const {
  for (const Label& l : *this) {
    if (l.name == name) return l.value;
  }
  return {};
}

bool Labels::Has(std::string_view name) const {
  for (const Label& l : *this) {
    if (l.name == name) return true;
  }
  return false;
}

uint64_t Labels::Hash() const { return HashEncoded(data()); }

uint64_t Labels::HashEncoded(std::string_view encoded) {
  return XXH3_64bits(encoded.data(), encoded.size());
}

// On the ingest path for every sample (Head::GetOrCreate): sized once and written through a
// pointer, since twenty string appends per series cost a third of a push.
void Labels::EncodeSorted(std::span<const Label> sorted, std::string* out) {
  size_t size = 0;
  for (const Label& x : sorted) {
    if (x.value.empty()) continue;
    size += UvarintSize(x.name.size()) + x.name.size();
    size += UvarintSize(x.value.size()) + x.value.size();
  }
  out->resize(size);
  char* p = out->data();
  auto put = [&p](std::string_view s) {
    p += EncodeUvarint(s.size(), p);
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  for (const Label& x : sorted) {
    if (x.value.empty()) continue;
    put(x.name);
    put(x.value);
  }
}

std::string Labels::ToString() const {
  std::string out = "{";
  bool first = true;
  for (const Label& l : *this) {
    if (!first) out.append(", ");
    first = false;
    out.append(l.name);
    out.push_back('=');
    AppendGoQuote(&out, l.value);  // Go's %q, as Prometheus prints labels
  }
  out.push_back('}');
  return out;
}

Labels Labels::WithoutMetricName() const {
  std::string encoded;
  encoded.reserve(data().size());
  for (const Label& l : *this) {
    if (l.name != kMetricName) AppendPair(&encoded, l.name, l.value);
  }
  return FromEncoded(encoded);
}

int Compare(const Labels& a, const Labels& b) {
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    if (int c = ia->name.compare(ib->name); c != 0) return c;
    if (int c = ia->value.compare(ib->value); c != 0) return c;
  }
  if (ia == a.end()) return ib == b.end() ? 0 : -1;
  return 1;
}

void Builder::Reset(const Labels& base) {
  labels_.clear();
  for (const Label& l : base) labels_.emplace_back(l.name, l.value);
}

Builder& Builder::Set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const auto& p, std::string_view n) { return p.first < n; });
  if (value.empty()) {
    if (it != labels_.end() && it->first == name) labels_.erase(it);
  } else if (it != labels_.end() && it->first == name) {
    it->second = value;
  } else {
    labels_.emplace(it, name, value);
  }
  return *this;
}

Builder& Builder::Del(std::string_view name) { return Set(name, ""); }

Labels Builder::Build() const {
  std::string encoded;
  for (const auto& [n, v] : labels_) AppendPair(&encoded, n, v);
  return Labels::FromEncoded(encoded);
}

}  // namespace strata::labels
