#include "tsdb/chunkenc/xor.h"

#include "util/coding.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::chunkenc {
namespace {

// Reads a uvarint written byte by byte into the bit stream (§3.3). False on a short stream or a
// value that overflows 64 bits.
bool ReadUvarintBits(BitReader* br, uint64_t* out) {
  uint64_t result = 0;
  for (int i = 0, shift = 0; i < kMaxVarintLen64; i++, shift += 7) {
    uint64_t byte;
    if (!br->ReadBits(8, &byte)) return false;
    if (i == kMaxVarintLen64 - 1 && byte > 1) return false;
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *out = result;
      return true;
    }
  }
  return false;
}

// Sign-extends an n-bit dod payload the way §3.4 decodes it: +2^(n-1) stays positive.
inline int64_t DecodeDod(uint64_t bits, int n) {
  if (n == 64) return static_cast<int64_t>(bits);
  if (bits > (uint64_t{1} << (n - 1))) return static_cast<int64_t>(bits - (uint64_t{1} << n));
  return static_cast<int64_t>(bits);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// XorIterator

void XorIterator::Reset(std::string_view chunk_bytes) {
  *this = XorIterator();
  if (chunk_bytes.size() < kXorHeaderBytes) {
    status_ = absl::DataLossError(
        StrCat("xor chunk: ", chunk_bytes.size(), " bytes, shorter than its 2-byte header"));
    return;
  }
  num_total_ = DecodeBE16(chunk_bytes.data());
  br_ = BitReader(chunk_bytes.substr(kXorHeaderBytes));
}

bool XorIterator::Fail(const char* what) {
  status_ =
      absl::DataLossError(StrCat("xor chunk: ", what, " in sample ", read_, " of ", num_total_,
                                 " at bit offset ", kXorHeaderBytes * 8 + br_.bits_read()));
  done_ = true;
  return false;
}

bool XorIterator::ReadValue() {
  bool changed;
  if (!br_.ReadBit(&changed)) return false;
  if (!changed) return true;
  bool new_window;
  if (!br_.ReadBit(&new_window)) return false;
  if (new_window) {
    uint64_t leading, sig;
    if (!br_.ReadBits(5, &leading) || !br_.ReadBits(6, &sig)) return false;
    if (sig == 0) sig = 64;  // 64 significant bits are stored as 0
    // A writer never produces leading + sig > 64 (§3.5); it would shift by >= 64 below.
    if (leading + sig > 64) return false;
    leading_ = static_cast<uint8_t>(leading);
    trailing_ = static_cast<uint8_t>(64 - leading - sig);
    window_open_ = true;
  }
  // Before any window is opened leading_ = trailing_ = 0, i.e. 64 bits (§3.5 notes).
  uint64_t m;
  if (!br_.ReadBits(64 - leading_ - trailing_, &m)) return false;
  v_bits_ ^= m << trailing_;
  return true;
}

bool XorIterator::DecodeSample() {
  int ones = 0;
  for (bool bit = true; ones < 4; ones++) {
    if (!br_.ReadBit(&bit)) return false;
    if (!bit) break;
  }
  int64_t dod = 0;
  if (ones > 0) {
    static constexpr int kPayloadBits[5] = {0, 14, 17, 20, 64};
    const int n = kPayloadBits[ones];
    uint64_t bits;
    if (!br_.ReadBits(n, &bits)) return false;
    dod = DecodeDod(bits, n);
  }
  // int64 arithmetic wraps as in the writer; done unsigned to avoid undefined overflow.
  t_delta_ += static_cast<uint64_t>(dod);
  t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + t_delta_);
  if (!ReadValue()) return false;
  read_++;
  return true;
}

bool XorIterator::DecodeSlow() {
  if (read_ >= 2) return Fail("truncated or corrupt sample");
  uint64_t u;
  if (!ReadUvarintBits(&br_, &u)) return Fail("bad timestamp varint");
  if (read_ == 0) {
    t_ = ZigZagDecode(u);
    if (!br_.ReadBits(64, &v_bits_)) return Fail("truncated first value");
  } else {
    t_delta_ = u;
    t_ = static_cast<int64_t>(static_cast<uint64_t>(t_) + u);
    if (!ReadValue()) return Fail("truncated or corrupt value");
  }
  read_++;
  return true;
}

bool XorIterator::Seek(int64_t t) {
  if (done_) return false;
  if (read_ > 0 && t_ >= t) return true;
  while (Next()) {
    if (t_ >= t) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// XorChunk

XorChunk::XorChunk() : bytes_(kXorHeaderBytes, '\0'), size_(kXorHeaderBytes) {}

absl::StatusOr<XorChunk> XorChunk::FromBytes(std::string_view bytes) {
  if (bytes.size() < kXorHeaderBytes) {
    return absl::DataLossError(
        StrCat("xor chunk: ", bytes.size(), " bytes, shorter than its 2-byte header"));
  }
  return XorChunk(std::string(bytes));
}

uint16_t XorChunk::num_samples() const { return DecodeBE16(bytes_.data()); }

absl::StatusOr<XorAppender> XorChunk::Appender() {
  bytes_.resize(size_);  // drop a previous appender's slack
  if (size_ == kXorHeaderBytes && num_samples() == 0) return XorAppender(this);
  XorIterator it(bytes());
  while (it.Next()) {
  }
  RETURN_IF_ERROR_CTX(it.status(), "resume appending");
  // Where the writer stopped: the decoder's position. Only zero padding up to the byte boundary
  // and at most the one unused byte of §3.6 may follow.
  const uint64_t pos = kXorHeaderBytes * 8 + it.br_.bits_read();
  const size_t used = static_cast<size_t>((pos + 7) / 8);
  const bool extra = bytes_.size() == used + 1 && pos % 8 == 0;
  bool clean = bytes_.size() == used || extra;
  if (clean && pos % 8 != 0) {
    clean = (static_cast<uint8_t>(bytes_[used - 1]) & (0xFFu >> (pos % 8))) == 0;
  }
  if (clean && extra) clean = bytes_.back() == '\0';
  if (!clean) {
    return absl::DataLossError(StrCat("resume appending: xor chunk of ", bytes_.size(),
                                      " bytes has data after its last sample at bit ", pos));
  }
  return XorAppender(this, it, pos, extra);
}

// ---------------------------------------------------------------------------------------------
// Appending
namespace {

template <typename Writer>
void WriteDod(Writer* bw, int64_t dod) {
  // Bucket prefix and payload in one call: a value write always follows, so merging does not
  // change the trailing-byte rule (bstream.h).
  const auto u = static_cast<uint64_t>(dod);
  if (dod == 0) {
    bw->WriteBit(false);
  } else if (dod >= -8191 && dod <= 8192) {
    bw->WriteBits((uint64_t{0b10} << 14) | (u & 0x3FFF), 16);
  } else if (dod >= -65535 && dod <= 65536) {
    bw->WriteBits((uint64_t{0b110} << 17) | (u & 0x1FFFF), 20);
  } else if (dod >= -524287 && dod <= 524288) {
    bw->WriteBits((uint64_t{0b1110} << 20) | (u & 0xFFFFF), 24);
  } else {
    bw->WriteBits(0b1111, 4);
    bw->WriteBits(u, 64);
  }
}

template <typename Writer>
void WriteValue(Writer* bw, XorAppendState* st, uint64_t prev_v_bits, uint64_t v_bits) {
  const uint64_t x = v_bits ^ prev_v_bits;
  if (x == 0) {
    bw->WriteBit(false);
    return;
  }
  int leading = std::countl_zero(x);
  if (leading >= 32) leading = 31;  // only 5 bits to store it
  const int trailing = std::countr_zero(x);
  if (st->leading != 0xFF && leading >= st->leading && trailing >= st->trailing) {
    bw->WriteBits(0b10, 2);
    bw->WriteBits(x >> st->trailing, 64 - st->leading - st->trailing);
    return;
  }
  st->leading = static_cast<uint8_t>(leading);
  st->trailing = static_cast<uint8_t>(trailing);
  const int sig = 64 - leading - trailing;
  // Control bits, leading and sig in one call; the payload call below decides the trailing byte.
  bw->WriteBits((uint64_t{0b11} << 11) | (uint64_t(leading) << 6) | uint64_t(sig & 63), 13);
  bw->WriteBits(x >> trailing, sig);
}

}  // namespace

template <typename Buffer>
void StartXorChunk(Buffer* bytes, XorAppendState* st, size_t initial_bytes) {
  *st = XorAppendState();
  BasicBitWriter<Buffer> bw(bytes, 0, false, initial_bytes);  // header and slack, all zero
}

template <typename Buffer>
void AppendXorSample(Buffer* bytes, XorAppendState* st, int64_t prev_t, uint64_t prev_v_bits,
                     int64_t t, double v) {
  CHECK(st->num_samples < kXorMaxSamples);
  using Writer = BasicBitWriter<Buffer>;
  Writer bw(bytes, typename Writer::Resume{st->bit_pos, st->extra_byte, st->last_byte});
  const auto v_bits = std::bit_cast<uint64_t>(v);
  // Timestamp arithmetic wraps like Go's int64; done unsigned to avoid undefined overflow.
  const uint64_t delta = static_cast<uint64_t>(t) - static_cast<uint64_t>(prev_t);
  if (st->num_samples >= 2) [[likely]] {
    WriteDod(&bw, static_cast<int64_t>(delta - st->t_delta));
    WriteValue(&bw, st, prev_v_bits, v_bits);
    st->t_delta = delta;
  } else {
    char buf[kMaxVarintLen64];
    const int n = EncodeUvarint(st->num_samples == 0 ? ZigZagEncode(t) : delta, buf);
    for (int i = 0; i < n; i++) bw.WriteByte(static_cast<uint8_t>(buf[i]));
    if (st->num_samples == 0) {
      bw.WriteBits(v_bits, 64);
    } else {
      WriteValue(&bw, st, prev_v_bits, v_bits);
      st->t_delta = delta;
    }
  }
  st->num_samples++;
  st->bit_pos = static_cast<uint32_t>(bw.bit_pos());
  st->extra_byte = bw.extra_byte();
  st->last_byte = bw.last_byte();
  EncodeBE16(st->num_samples, bytes->data());
}

template void StartXorChunk(std::string*, XorAppendState*, size_t);
template void StartXorChunk(ByteBlockRef*, XorAppendState*, size_t);
template void AppendXorSample(std::string*, XorAppendState*, int64_t, uint64_t, int64_t, double);
template void AppendXorSample(ByteBlockRef*, XorAppendState*, int64_t, uint64_t, int64_t, double);

// Prometheus starts chunks with 128 bytes of capacity; a 120-sample counter chunk fits.
XorAppender::XorAppender(XorChunk* chunk) : chunk_(chunk) {
  chunk->bytes_.clear();
  StartXorChunk(&chunk->bytes_, &st_, /*initial_bytes=*/128);
}

XorAppender::XorAppender(XorChunk* chunk, const XorIterator& decoded, uint64_t bit_pos,
                         bool extra_byte)
    : chunk_(chunk), t_(decoded.t_), v_bits_(decoded.v_bits_) {
  BitWriter bw(&chunk->bytes_, bit_pos, extra_byte);  // adds the slack
  st_.t_delta = decoded.t_delta_;
  st_.bit_pos = static_cast<uint32_t>(bit_pos);
  st_.num_samples = decoded.num_samples();
  st_.last_byte = bw.last_byte();
  st_.extra_byte = extra_byte;
  // Prometheus 2.42 resumes with the decoder's 0/0 window even if none was ever opened, which
  // forces 64-bit values from then on. Keeping the "no window" sentinel instead makes a resumed
  // chunk byte-identical to one encoded in a single pass; decoders accept both (§3.5 notes).
  if (decoded.window_open_) {
    st_.leading = decoded.leading_;
    st_.trailing = decoded.trailing_;
  }
}

void XorAppender::Append(int64_t t, double v) {
  AppendXorSample(&chunk_->bytes_, &st_, t_, v_bits_, t, v);
  t_ = t;
  v_bits_ = std::bit_cast<uint64_t>(v);
  chunk_->size_ = st_.size_bytes();
}

}  // namespace strata::tsdb::chunkenc
