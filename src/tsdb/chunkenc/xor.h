// The XOR chunk: Gorilla-style float sample compression (prometheus-tsdb-formats.md §3).
//
// XorChunk owns the encoded bytes; XorAppender appends samples to a chunk; XorIterator decodes
// borrowed bytes (e.g. m-mapped file data). Bytes produced by XorAppender for a fresh chunk are
// identical to what Prometheus writes for the same samples, including the trailing byte of §3.6.
//
// Thread-safety: none of these classes is thread-safe. Readers of a chunk that is being appended
// to need external synchronisation (the head's series lock).
#ifndef STRATA_TSDB_CHUNKENC_XOR_H_
#define STRATA_TSDB_CHUNKENC_XOR_H_

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/chunkenc/bstream.h"
#include "tsdb/chunkenc/encoding.h"

namespace strata::tsdb::chunkenc {

// Size of the num_samples header in front of the bit stream (§3.1).
inline constexpr size_t kXorHeaderBytes = 2;
// The header is a be16: a chunk never holds more samples than this.
inline constexpr uint16_t kXorMaxSamples = 65535;

class XorAppender;

// Decodes an XOR chunk from borrowed bytes. A concrete, non-virtual class for hot loops; see
// iterator.h for the interface.
//
// Errors are sticky: corrupt or truncated data makes Next()/Seek() return false and status()
// DataLoss (naming the sample and bit offset). The iterator never reads outside the given bytes.
// REQUIRES: the bytes outlive the iterator (and any Reset() target replaces them).
class XorIterator {
 public:
  // An iterator over no samples.
  XorIterator() = default;
  explicit XorIterator(std::string_view chunk_bytes) { Reset(chunk_bytes); }

  // Restarts on new bytes (the full chunk data, header included), reusing this object.
  void Reset(std::string_view chunk_bytes);

  // Advances to the next sample. Returns false at the end or on error (see status()).
  bool Next() {
    if (read_ >= num_total_ || !status_.ok()) [[unlikely]] {
      done_ = true;
      return false;
    }
    if (read_ < 2 || !DecodeSample()) [[unlikely]] {
      return DecodeSlow();
    }
    return true;
  }

  // Advances to the first sample with timestamp >= t and returns true, or returns false if there
  // is none. Never moves backwards: if the current sample already qualifies, nothing changes.
  bool Seek(int64_t t);

  // The current sample. REQUIRES: the last Next()/Seek() returned true.
  std::pair<int64_t, double> At() const { return {t_, v()}; }
  int64_t t() const { return t_; }
  double v() const { return std::bit_cast<double>(v_bits_); }

  // OK, or DataLoss if the data is corrupt. Check once after Next() returned false.
  const absl::Status& status() const { return status_; }

  // Samples in the chunk according to its header.
  uint16_t num_samples() const { return num_total_; }

 private:
  // Appending resumes from the decoder's final state.
  friend class XorChunk;
  friend class XorAppender;

  bool DecodeSample();  // samples n >= 2; false on error (status not set yet)
  bool DecodeSlow();    // samples 0 and 1, and error reporting
  bool ReadValue();
  bool Fail(const char* what);

  BitReader br_;
  absl::Status status_;
  uint16_t num_total_ = 0;
  uint16_t read_ = 0;         // samples decoded so far
  bool done_ = false;         // Next() has returned false
  bool window_open_ = false;  // a value window was read (else leading_/trailing_ are 0/0)
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  int64_t t_ = 0;
  uint64_t v_bits_ = 0;
  uint64_t t_delta_ = 0;
};

// An XOR chunk that owns its bytes. Movable, not copyable (copy explicitly with FromBytes).
class XorChunk {
 public:
  // An empty chunk (2 header bytes, zero samples).
  XorChunk();
  // A chunk holding a copy of `bytes` (header included), e.g. read from disk or a WAL/snapshot.
  // Returns DataLoss if the bytes are shorter than the header.
  static absl::StatusOr<XorChunk> FromBytes(std::string_view bytes);

  XorChunk(XorChunk&&) = default;
  XorChunk& operator=(XorChunk&&) = default;
  XorChunk(const XorChunk&) = delete;
  XorChunk& operator=(const XorChunk&) = delete;

  Encoding encoding() const { return Encoding::kXOR; }
  uint16_t num_samples() const;
  // The exact encoded bytes as stored on disk. Valid until the chunk is appended to, moved or
  // destroyed.
  std::string_view bytes() const { return std::string_view(bytes_.data(), size_); }

  // An iterator over the current bytes (same lifetime rule as bytes()).
  XorIterator Iterator() const { return XorIterator(bytes()); }

  // An appender that continues after the last sample. For a chunk built from bytes this decodes
  // all samples (DataLoss if they are corrupt, or if anything but zero padding and at most one
  // unused byte follows the last sample). Only one appender may be used at a time.
  // REQUIRES: the chunk outlives the appender and is not moved while it is in use.
  absl::StatusOr<XorAppender> Appender();

 private:
  friend class XorAppender;
  explicit XorChunk(std::string bytes) : bytes_(std::move(bytes)), size_(bytes_.size()) {}

  // The first size_ bytes are the chunk; an appender keeps zeroed slack after them (bstream.h).
  std::string bytes_;
  size_t size_;
};

// What an XOR encoder carries from one sample to the next, besides the previous sample itself
// and the bytes: 24 bytes, so that a head series can keep its open chunk without an appender
// object (see AppendXorSample).
struct XorAppendState {
  uint64_t t_delta = 0;
  uint32_t bit_pos = kXorHeaderBytes * 8;  // where the next sample's bits go
  uint16_t num_samples = 0;
  uint8_t leading = 0xFF;  // 0xFF = no value window yet (§3.5)
  uint8_t trailing = 0;
  uint8_t last_byte = 0;  // BitWriter::Resume
  bool extra_byte = false;
  // Free for an owner that keeps the bytes in a ByteBlockRef: the block's size, in what would be
  // padding. StartXorChunk resets the state before it sizes the buffer.
  uint32_t block_size = 0;

  // Length of the encoded chunk (header included) in its buffer.
  size_t size_bytes() const { return (bit_pos + 7) / 8 + (extra_byte ? 1 : 0); }
};

// Starts an empty chunk in `bytes` (header and zeroed slack, at least `initial_bytes` long).
// Buffer: std::string or ByteBlockRef (bstream.h). REQUIRES: bytes->size() == 0.
template <typename Buffer>
void StartXorChunk(Buffer* bytes, XorAppendState* st, size_t initial_bytes);

// Appends (t, v) to the chunk in `bytes`, whose last sample was (prev_t, prev_v_bits) (ignored
// for the first sample), and updates the header. Per sample it allocates nothing beyond amortised
// growth of `bytes`. REQUIRES: st->num_samples < kXorMaxSamples (checked); `bytes` and `st` come
// from StartXorChunk or a previous append. Timestamps should strictly increase.
template <typename Buffer>
void AppendXorSample(Buffer* bytes, XorAppendState* st, int64_t prev_t, uint64_t prev_v_bits,
                     int64_t t, double v);

extern template void StartXorChunk(std::string*, XorAppendState*, size_t);
extern template void StartXorChunk(ByteBlockRef*, XorAppendState*, size_t);
extern template void AppendXorSample(std::string*, XorAppendState*, int64_t, uint64_t, int64_t,
                                     double);
extern template void AppendXorSample(ByteBlockRef*, XorAppendState*, int64_t, uint64_t, int64_t,
                                     double);

// Appends samples to an XorChunk. Get one from XorChunk::Appender().
class XorAppender {
 public:
  // Appends a sample. REQUIRES: num_samples() < kXorMaxSamples (checked: the be16 header would
  // wrap). Timestamps should strictly increase (the head and compactor guarantee it); other
  // orders still decode to the same samples, only less compactly.
  void Append(int64_t t, double v);

  uint16_t num_samples() const { return st_.num_samples; }

 private:
  friend class XorChunk;
  explicit XorAppender(XorChunk* chunk);  // a fresh, empty chunk
  XorAppender(XorChunk* chunk, const XorIterator& decoded, uint64_t bit_pos, bool extra_byte);

  XorChunk* chunk_;
  XorAppendState st_;
  int64_t t_ = 0;
  uint64_t v_bits_ = 0;
};

}  // namespace strata::tsdb::chunkenc

#endif  // STRATA_TSDB_CHUNKENC_XOR_H_
