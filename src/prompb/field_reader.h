// Reads the fields of one protobuf message from borrowed bytes. Internal to src/prompb.
//
// Next() reads a field key and its value, whatever the wire type, so a caller handles the
// fields it knows and simply ignores the rest: unknown fields, groups included, are skipped.
// Every length is checked against the bytes that remain before it is used, so no input makes
// the reader read out of bounds. Errors are InvalidArgument with the byte offset in the body.
#ifndef STRATA_PROMPB_FIELD_READER_H_
#define STRATA_PROMPB_FIELD_READER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "prompb/wire.h"

namespace strata::prompb::wire {

struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t scalar = 0;     // kVarint: the value; kFixed64, kFixed32: the raw little-endian bits
  std::string_view bytes;  // kLengthDelimited: the payload, borrowed
};

class FieldReader {
 public:
  // Reads the message `msg`, which lies inside the buffer starting at `base` (offsets in error
  // messages are relative to `base`). REQUIRES: both outlive the reader and the fields read.
  FieldReader(const char* base, std::string_view msg)
      : base_(base), p_(msg.data()), end_(msg.data() + msg.size()), field_start_(p_) {}

  bool done() const { return p_ == end_; }

  // Reads the next field. REQUIRES: !done().
  absl::Status Next(Field* f) { return ReadField(f, 0); }

  // InvalidArgument "`what` (offset N)" where N is the offset of the last field's key.
  [[gnu::cold]] absl::Status Error(const std::string& what) const;

  // OK if `f` (the last field read) has wire type `want`, else an error naming field `name`.
  absl::Status Expect(const Field& f, uint32_t want, const char* name) const {
    if (f.wire_type == want) return absl::OkStatus();
    return WrongWireType(f, want, name);
  }

 private:
  // Deepest nesting of groups in unknown fields that is skipped (libprotobuf's recursion limit).
  static constexpr int kMaxGroupDepth = 100;

  absl::Status ReadField(Field* f, int group_depth);
  // Wire types other than varint, 64-bit and length-delimited: rare, so out of line.
  absl::Status ReadOtherValue(Field* f, int group_depth);
  absl::Status SkipGroup(uint32_t number, int group_depth);
  // Errors, marked cold so the compiler lays out the reads for the common case.
  [[gnu::cold]] absl::Status BadKey(uint64_t key) const;
  // `number` 0: the field key itself.
  [[gnu::cold]] absl::Status VarintError(const char* what, uint32_t number) const;
  [[gnu::cold]] absl::Status LengthError(const Field& f, uint64_t length) const;
  [[gnu::cold]] absl::Status WrongWireType(const Field& f, uint32_t want, const char* name) const;

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  // Reads a base-128 varint of at most 10 bytes; false if the input ends first or it
  // overflows 64 bits. Inline: two of them are read for almost every field.
  bool ReadVarint(uint64_t* v) {
    const char* p = p_;
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && p < end_; shift += 7) {
      const uint64_t b = static_cast<uint8_t>(*p++);
      if (shift == 63 && b > 1) return false;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        *v = result;
        p_ = p;
        return true;
      }
    }
    return false;
  }

  const char* base_;
  const char* p_;
  const char* end_;
  const char* field_start_;  // the key of the field being read, for error offsets
};

inline absl::Status FieldReader::ReadField(Field* f, int group_depth) {
  field_start_ = p_;
  uint64_t key;
  if (!ReadVarint(&key)) return VarintError("field key", 0);
  if (key > UINT32_MAX || (key >> 3) == 0) return BadKey(key);
  f->number = static_cast<uint32_t>(key >> 3);
  f->wire_type = static_cast<uint32_t>(key & 7);
  switch (f->wire_type) {
    case kVarint:
      if (!ReadVarint(&f->scalar)) return VarintError("varint", f->number);
      return absl::OkStatus();
    case kFixed64:
      if (remaining() < 8) return LengthError(*f, 8);
      f->scalar = LoadLE64(p_);
      p_ += 8;
      return absl::OkStatus();
    case kLengthDelimited: {
      uint64_t length;
      if (!ReadVarint(&length)) return VarintError("length", f->number);
      if (length > remaining()) return LengthError(*f, length);
      f->bytes = std::string_view(p_, length);
      p_ += length;
      return absl::OkStatus();
    }
    default:
      return ReadOtherValue(f, group_depth);
  }
}

}  // namespace strata::prompb::wire

#endif  // STRATA_PROMPB_FIELD_READER_H_
