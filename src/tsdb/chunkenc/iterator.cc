#include "tsdb/chunkenc/iterator.h"

#include "tsdb/chunkenc/xor.h"
#include "util/strings.h"

namespace strata::tsdb::chunkenc {
namespace {

class XorIteratorAdapter final : public Iterator {
 public:
  explicit XorIteratorAdapter(std::string_view bytes) : it_(bytes) {}
  bool Next() override { return it_.Next(); }
  bool Seek(int64_t t) override { return it_.Seek(t); }
  std::pair<int64_t, double> At() const override { return it_.At(); }
  int64_t t() const override { return it_.t(); }
  double v() const override { return it_.v(); }
  absl::Status status() const override { return it_.status(); }

 private:
  XorIterator it_;
};

class EmptyIterator final : public Iterator {
 public:
  bool Next() override { return false; }
  bool Seek(int64_t) override { return false; }
  std::pair<int64_t, double> At() const override { return {0, 0}; }
  int64_t t() const override { return 0; }
  double v() const override { return 0; }
  absl::Status status() const override { return absl::OkStatus(); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Iterator>> NewIterator(Encoding e, std::string_view bytes) {
  switch (WithoutOOO(e)) {
    case Encoding::kXOR:
      return std::make_unique<XorIteratorAdapter>(bytes);
    case Encoding::kHistogram:
    case Encoding::kFloatHistogram:
      if (!IsOOO(e)) {
        return absl::UnimplementedError(
            StrCat("chunk encoding ", EncodingName(e), " is not supported"));
      }
      break;
    default:
      break;
  }
  return absl::InvalidArgumentError(
      StrCat("invalid chunk encoding ", static_cast<int>(static_cast<uint8_t>(e))));
}

std::unique_ptr<Iterator> NewEmptyIterator() { return std::make_unique<EmptyIterator>(); }

}  // namespace strata::tsdb::chunkenc
