// The leaf postings: empty, error, and the two array-backed lists.
#include "tsdb/index/postings.h"

#include <utility>

#include "util/check.h"
#include "util/coding.h"

namespace strata::tsdb::index {
namespace {

class EmptyPostingsImpl final : public Postings {
 public:
  explicit EmptyPostingsImpl(absl::Status status) : status_(std::move(status)) {}
  bool Next() override { return false; }
  bool Seek(uint64_t) override { return false; }
  uint64_t At() const override { return 0; }
  absl::Status status() const override { return status_; }

 private:
  absl::Status status_;
};

// Owned vector of references.
struct VectorArray {
  std::vector<uint64_t> refs;
  size_t size() const { return refs.size(); }
  uint64_t operator[](size_t i) const { return refs[i]; }
};

// Borrowed be32 references (an on-disk postings list body).
struct BigEndianArray {
  std::string_view data;
  size_t size() const { return data.size() / 4; }
  uint64_t operator[](size_t i) const { return DecodeBE32(data.data() + 4 * i); }
};

// Iterates a sorted array. Seek gallops from the current position (steps 1, 2, 4, …) and then
// binary-searches the last step, so seeking a short distance costs O(log distance): intersections
// mostly seek short distances.
template <typename Array>
class ArrayPostings final : public Postings {
 public:
  explicit ArrayPostings(Array a) : a_(std::move(a)) {}

  bool Next() override {
    if (!started_) {
      started_ = true;
    } else if (pos_ < a_.size()) {
      pos_++;
    }
    return pos_ < a_.size();
  }

  bool Seek(uint64_t v) override {
    if (started_) {
      if (pos_ >= a_.size()) return false;
      if (a_[pos_] >= v) return true;
    }
    started_ = true;
    pos_ = LowerBound(pos_, v);
    return pos_ < a_.size();
  }

  uint64_t At() const override {
    DCHECK(started_ && pos_ < a_.size());
    return a_[pos_];
  }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  // The first index >= from whose value is >= v (size() if none).
  size_t LowerBound(size_t from, uint64_t v) const {
    const size_t n = a_.size();
    size_t lo = from;  // every index < lo holds a value < v
    size_t step = 1;
    size_t hi = from;
    while (hi < n && a_[hi] < v) {
      lo = hi + 1;
      hi = from + step;
      step *= 2;
    }
    if (hi > n) hi = n;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (a_[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  Array a_;
  size_t pos_ = 0;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<Postings> EmptyPostings() {
  return std::make_unique<EmptyPostingsImpl>(absl::OkStatus());
}

std::unique_ptr<Postings> ErrPostings(absl::Status status) {
  DCHECK(!status.ok());
  return std::make_unique<EmptyPostingsImpl>(std::move(status));
}

std::unique_ptr<Postings> NewListPostings(std::vector<uint64_t> refs) {
  return std::make_unique<ArrayPostings<VectorArray>>(VectorArray{std::move(refs)});
}

std::unique_ptr<Postings> NewBigEndianPostings(std::string_view data) {
  DCHECK(data.size() % 4 == 0);
  return std::make_unique<ArrayPostings<BigEndianArray>>(BigEndianArray{data});
}

absl::StatusOr<std::vector<uint64_t>> ExpandPostings(Postings& p) {
  std::vector<uint64_t> out;
  while (p.Next()) out.push_back(p.At());
  if (absl::Status s = p.status(); !s.ok()) return s;
  return out;
}

}  // namespace strata::tsdb::index
