// An immutable string in 16 bytes, for the keys of very large maps: up to 15 bytes are kept
// inline, longer strings in a heap block of their own. A std::string costs 32 bytes, which in the
// head's postings (one entry per distinct label value, often one per series) is most of an entry.
#ifndef STRATA_UTIL_COMPACT_STRING_H_
#define STRATA_UTIL_COMPACT_STRING_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace strata {

class CompactString {
 public:
  CompactString() { SetInline({}); }
  explicit CompactString(std::string_view s);
  CompactString(CompactString&& o) noexcept {
    std::memcpy(rep_, o.rep_, sizeof rep_);
    o.SetInline({});
  }
  CompactString& operator=(CompactString&& o) noexcept;
  // Copies are deep. (Maps need the copy: they may move a const key by copying it.)
  CompactString(const CompactString& o) : CompactString(o.view()) {}
  CompactString& operator=(const CompactString& o) {
    if (this != &o) *this = CompactString(o.view());
    return *this;
  }
  ~CompactString() { FreeHeap(); }

  std::string_view view() const {
    if (!on_heap()) return std::string_view(rep_, static_cast<uint8_t>(rep_[kTag]));
    return std::string_view(heap_ptr(), heap_size());
  }
  // Heap bytes held (0 when inline).
  size_t heap_bytes() const { return on_heap() ? heap_size() : 0; }

  static constexpr size_t kMaxInline = 15;

 private:
  // Byte 15 is the tag: the length (0..15) of an inline string, or kOnHeap. On the heap, bytes
  // 0..7 hold the pointer and 8..11 the length.
  static constexpr size_t kTag = 15;
  static constexpr uint8_t kOnHeap = 0x80;

  bool on_heap() const { return static_cast<uint8_t>(rep_[kTag]) == kOnHeap; }
  const char* heap_ptr() const {
    const char* p;
    std::memcpy(&p, rep_, sizeof p);
    return p;
  }
  uint32_t heap_size() const {
    uint32_t n;
    std::memcpy(&n, rep_ + 8, sizeof n);
    return n;
  }
  void SetInline(std::string_view s) {
    if (!s.empty()) std::memcpy(rep_, s.data(), s.size());
    rep_[kTag] = static_cast<char>(s.size());
  }
  void FreeHeap() {
    if (on_heap()) delete[] heap_ptr();
  }

  char rep_[16];
};
static_assert(sizeof(CompactString) == 16);

// Transparent order, so that sorted maps keyed by CompactString are searched with a
// std::string_view without building a key.
struct CompactStringLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return View(a) < View(b);
  }
  static std::string_view View(std::string_view s) { return s; }
  static std::string_view View(const CompactString& s) { return s.view(); }
};

}  // namespace strata

#endif  // STRATA_UTIL_COMPACT_STRING_H_
