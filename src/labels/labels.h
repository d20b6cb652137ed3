// Label sets: the identity of a series (Prometheus model/labels).
//
// A Labels value keeps all its names and values in ONE heap block, each as uvarint length + bytes,
// sorted by name (the layout of Prometheus's "stringlabels" build). A series therefore costs one
// allocation for its identity, and iteration hands out string_views into it.
#ifndef STRATA_LABELS_LABELS_H_
#define STRATA_LABELS_LABELS_H_

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::labels {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const Label&, const Label&) = default;
};

class Labels {
 public:
  class Iterator {
   public:
    using value_type = Label;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Iterator(const char* p, const char* end) : p_(p), end_(end) { Load(); }
    const Label& operator*() const { return cur_; }
    const Label* operator->() const { return &cur_; }
    Iterator& operator++() {
      p_ = next_;
      Load();
      return *this;
    }
    Iterator operator++(int) {
      Iterator t = *this;
      ++*this;
      return t;
    }
    bool operator==(const Iterator& o) const { return p_ == o.p_; }

   private:
    void Load();
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    const char* next_ = nullptr;
    Label cur_;
  };

  Labels() = default;
  // Sorts by name. REQUIRES: names are unique.
  Labels(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs);
  // REQUIRES: `sorted` is sorted by name, names unique. Pairs with empty values are dropped.
  static Labels FromSorted(const std::vector<Label>& sorted);
  // Any order; sorts. REQUIRES: names unique. Empty values are dropped (Prometheus semantics).
  static Labels FromUnsorted(std::vector<Label> labels);
  // The encoding data() would have for `sorted` (same REQUIRES as FromSorted), written into `out`
  // (cleared first) so a caller can hash and look up a label set without allocating.
  static void EncodeSorted(std::span<const Label> sorted, std::string* out);
  // Takes an encoding produced by EncodeSorted or data().
  static Labels FromEncoded(std::string_view encoded);
  // For an owner that keeps label sets inside its own allocations (the head: one per series):
  // BlockBytes(encoded) bytes written by WriteBlock, read by a Labels from Borrowing(block)
  // without a copy and never freed by it. Copies of such a Labels own their bytes. REQUIRES: the
  // block is 2-aligned and outlives the Labels and anything moved from it.
  static size_t BlockBytes(std::string_view encoded) { return sizeof(uint32_t) + encoded.size(); }
  static void WriteBlock(std::string_view encoded, char* block);
  static Labels Borrowing(const char* block);

  // Hash() of the label set with this encoding.
  static uint64_t HashEncoded(std::string_view encoded);

  Labels(const Labels& o) : Labels(FromEncoded(o.data())) {}
  Labels& operator=(const Labels& o) {
    if (this != &o) *this = FromEncoded(o.data());
    return *this;
  }
  Labels(Labels&& o) noexcept : rep_(std::exchange(o.rep_, nullptr)) {}
  Labels& operator=(Labels&& o) noexcept {
    std::swap(rep_, o.rep_);
    return *this;
  }
  ~Labels() {
    if (!borrowed()) delete[] rep_;
  }

  Iterator begin() const { return Iterator(data().data(), data().data() + data().size()); }
  Iterator end() const { return Iterator(data().data() + data().size(), data().data() + data().size()); }
  bool empty() const { return rep_ == nullptr; }
  size_t size() const;

  // The value of `name`, or "" if absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  // 64-bit hash of names and values (xxhash3), stable within a process run and across runs.
  uint64_t Hash() const;
  // Prometheus's text form: {a="1", b="2"} with values escaped as Go's %q does.
  std::string ToString() const;
  // A copy without `__name__`.
  Labels WithoutMetricName() const;

  // The internal encoding.
  std::string_view data() const {
    if (rep_ == nullptr) return {};
    const char* block = reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(rep_) & ~kBorrowed);
    uint32_t n;
    std::memcpy(&n, block, sizeof n);
    return std::string_view(block + sizeof n, n);
  }
  // This object and the block it owns.
  size_t bytes() const {
    return sizeof(Labels) + (rep_ == nullptr || borrowed() ? 0 : BlockBytes(data()));
  }

  friend bool operator==(const Labels& a, const Labels& b) { return a.data() == b.data(); }
  // Prometheus's order (prometheus-tsdb-formats.md §4.9): pair by pair, name then value;
  // a prefix sorts first.
  friend int Compare(const Labels& a, const Labels& b);
  friend bool operator<(const Labels& a, const Labels& b) { return Compare(a, b) < 0; }

 private:
  // One heap block, the encoding's length (uint32) and then the encoding; null when empty. A
  // pointer instead of a std::string saves 24 bytes per label set, and the head keeps one per
  // series.
  // The low bit of rep_ marks a borrowed block (Borrowing).
  static constexpr uintptr_t kBorrowed = 1;
  bool borrowed() const { return (reinterpret_cast<uintptr_t>(rep_) & kBorrowed) != 0; }
  char* rep_ = nullptr;
};

int Compare(const Labels& a, const Labels& b);

// Builds a label set from a base by setting and deleting labels (Prometheus labels.Builder).
class Builder {
 public:
  Builder() = default;
  explicit Builder(const Labels& base) { Reset(base); }
  void Reset(const Labels& base);
  // Sets `name` to `value`; an empty value deletes the label.
  Builder& Set(std::string_view name, std::string_view value);
  Builder& Del(std::string_view name);
  Labels Build() const;

 private:
  std::vector<std::pair<std::string, std::string>> labels_;  // sorted by name
};

}  // namespace strata::labels

#endif  // STRATA_LABELS_LABELS_H_
