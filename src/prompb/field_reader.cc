#include "prompb/field_reader.h"

#include "util/strings.h"

namespace strata::prompb::wire {

absl::Status FieldReader::Error(const std::string& what) const {
  return absl::InvalidArgumentError(StrCat(what, " (offset ", field_start_ - base_, ")"));
}

absl::Status FieldReader::BadKey(uint64_t key) const {
  if ((key >> 3) == 0) return Error("invalid field number 0");
  return Error(StrCat("field number ", key >> 3, " exceeds the maximum of ", kMaxFieldNumber));
}

absl::Status FieldReader::VarintError(const char* what, uint32_t number) const {
  // ReadVarint left p_ at the varint's first byte. With fewer than ten bytes left, the input
  // ended before the varint did; otherwise ten bytes did not hold a 64-bit value.
  std::string name = number == 0 ? std::string(what) : StrCat(what, " of field ", number);
  if (remaining() < kMaxVarintBytes) return Error(StrCat("truncated ", name));
  return Error(StrCat(name, " is longer than 10 bytes or overflows 64 bits"));
}

absl::Status FieldReader::LengthError(const Field& f, uint64_t length) const {
  if (f.wire_type == kLengthDelimited) {
    return Error(StrCat("length ", length, " of field ", f.number, " exceeds the ", remaining(),
                        " bytes left in its message"));
  }
  return Error(StrCat("truncated ", WireTypeName(f.wire_type), " value of field ", f.number,
                      ": needs ", length, " bytes, ", remaining(), " left"));
}

absl::Status FieldReader::WrongWireType(const Field& f, uint32_t want, const char* name) const {
  return Error(StrCat("field ", f.number, " (", name, ") has wire type ", WireTypeName(f.wire_type),
                      ", want ", WireTypeName(want)));
}

absl::Status FieldReader::ReadOtherValue(Field* f, int group_depth) {
  switch (f->wire_type) {
    case kFixed32: {
      if (remaining() < 4) return LengthError(*f, 4);
      uint64_t v = 0;
      for (int i = 3; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(p_[i]);
      f->scalar = v;
      p_ += 4;
      return absl::OkStatus();
    }
    case kStartGroup: {
      const char* key = field_start_;
      absl::Status st = SkipGroup(f->number, group_depth + 1);
      field_start_ = key;
      return st;
    }
    case kEndGroup:
      // Legal only as the end of a group being skipped; SkipGroup checks the number.
      if (group_depth > 0) return absl::OkStatus();
      return Error(StrCat("end-group of field ", f->number, " without a start-group"));
    default:
      return Error(StrCat("invalid wire type ", f->wire_type, " of field ", f->number));
  }
}

absl::Status FieldReader::SkipGroup(uint32_t number, int group_depth) {
  if (group_depth > kMaxGroupDepth) {
    return Error(StrCat("groups nested deeper than ", kMaxGroupDepth));
  }
  Field inner;
  while (!done()) {
    if (absl::Status st = ReadField(&inner, group_depth); !st.ok()) return st;
    if (inner.wire_type != kEndGroup) continue;
    if (inner.number == number) return absl::OkStatus();
    return Error(
        StrCat("end-group of field ", inner.number, " inside the group of field ", number));
  }
  return Error(StrCat("group of field ", number, " is not closed"));
}

}  // namespace strata::prompb::wire
