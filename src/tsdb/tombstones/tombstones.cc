#include "tsdb/tombstones/tombstones.h"

#include <utility>

#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::tombstones {
namespace {

constexpr size_t kHeaderSize = 5;  // magic + version
constexpr size_t kCrcSize = 4;

absl::Status Corrupt(std::string_view name, std::string_view what) {
  return absl::DataLossError(StrCat(name, ": ", what));
}

}  // namespace

Intervals MemTombstones::Get(uint64_t ref) const {
  absl::MutexLock lock(&mu_);
  auto it = intervals_.find(ref);
  return it == intervals_.end() ? Intervals() : it->second;
}

void MemTombstones::AddInterval(uint64_t ref, Interval itv) {
  if (itv.empty()) return;  // so that no series maps to an empty list
  absl::MutexLock lock(&mu_);
  intervals_[ref].Add(itv);
}

absl::Status MemTombstones::Iter(
    absl::FunctionRef<absl::Status(uint64_t, const Intervals&)> fn) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [ref, list] : intervals_) RETURN_IF_ERROR(fn(ref, list));
  return absl::OkStatus();
}

uint64_t MemTombstones::Total() const {
  absl::MutexLock lock(&mu_);
  uint64_t n = 0;
  for (const auto& [ref, list] : intervals_) n += list.size();
  return n;
}

size_t MemTombstones::NumSeries() const {
  absl::MutexLock lock(&mu_);
  return intervals_.size();
}

std::string EncodeTombstones(const MemTombstones& stones) {
  std::string out;
  PutBE32(&out, kMagic);
  out.push_back(static_cast<char>(kFormatV1));
  (void)stones.Iter([&](uint64_t ref, const Intervals& list) {
    for (const Interval& itv : list) {
      PutUvarint(&out, ref);
      PutVarint(&out, itv.mint);
      PutVarint(&out, itv.maxt);
    }
    return absl::OkStatus();
  });
  // The CRC covers the entries only, not magic and version (§5).
  PutBE32(&out, crc32c::Value(std::string_view(out).substr(kHeaderSize)));
  return out;
}

absl::StatusOr<std::unique_ptr<MemTombstones>> DecodeTombstones(std::string_view data,
                                                                std::string_view name) {
  if (data.size() < kHeaderSize + kCrcSize) {
    return Corrupt(name, StrCat("file too short (", data.size(), " bytes)"));
  }
  if (uint32_t magic = DecodeBE32(data.data()); magic != kMagic) {
    return Corrupt(name, StrCat("invalid magic number 0x", absl::Hex(magic)));
  }
  if (uint8_t version = static_cast<uint8_t>(data[4]); version != kFormatV1) {
    return Corrupt(name, StrCat("unsupported version ", version));
  }
  const size_t crc_offset = data.size() - kCrcSize;
  const std::string_view entries = data.substr(kHeaderSize, crc_offset - kHeaderSize);
  const uint32_t want = DecodeBE32(data.data() + crc_offset);
  if (uint32_t got = crc32c::Value(entries); got != want) {
    return Corrupt(name, StrCat("checksum mismatch at offset ", crc_offset, ": stored 0x",
                                absl::Hex(want), ", computed 0x", absl::Hex(got)));
  }
  auto stones = std::make_unique<MemTombstones>();
  // Decode over everything before the CRC so that error offsets are file offsets.
  Decbuf d(data.substr(0, crc_offset));
  d.Skip(kHeaderSize);
  while (d.ok() && d.remaining() > 0) {
    const uint64_t ref = d.Uvarint();
    const int64_t mint = d.Varint();
    const int64_t maxt = d.Varint();
    if (d.ok()) stones->AddInterval(ref, Interval{mint, maxt});
  }
  if (!d.ok()) return Corrupt(name, StrCat("bad entry: ", d.status().message()));
  return stones;
}

absl::StatusOr<uint64_t> WriteTombstones(Fs* fs, const std::string& dir,
                                         const MemTombstones& stones) {
  const std::string data = EncodeTombstones(stones);
  const std::string path = JoinPath(dir, kFilename);
  RETURN_IF_ERROR_CTX(WriteFileAtomically(fs, path, data), "write tombstones");
  return data.size();
}

absl::StatusOr<std::unique_ptr<MemTombstones>> ReadTombstones(Fs* fs, const std::string& dir) {
  const std::string path = JoinPath(dir, kFilename);
  absl::StatusOr<std::string> data = fs->ReadFile(path);
  if (absl::IsNotFound(data.status())) return std::make_unique<MemTombstones>();
  if (!data.ok()) return Annotate(data.status(), "read tombstones");
  return DecodeTombstones(*data, path);
}

}  // namespace strata::tsdb::tombstones
