// libFuzzer target: the XOR chunk decoder (tsdb::chunkenc) on a chunk's bytes (header
// included), as a block querier reads them from a chunk segment file, and the appender that
// resumes a chunk read back from disk or the WAL (XorChunk::FromBytes + Appender).
//
// Invariants checked beyond "does not crash":
//   - the iterator returns at most num_samples() samples, and exactly that many if it ends
//     without error;
//   - Seek(t) lands on the first decoded sample with a timestamp >= t;
//   - a chunk that decodes cleanly, re-encoded sample by sample, decodes to the same samples
//     (same bits for the values);
//   - a chunk the appender accepts, with one sample appended, decodes to its old samples plus
//     the new one.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/chunkenc/encoding.h"
#include "tsdb/chunkenc/iterator.h"
#include "tsdb/chunkenc/xor.h"

namespace {

namespace chunkenc = strata::tsdb::chunkenc;
using Samples = std::vector<std::pair<int64_t, uint64_t>>;  // t, value bits

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "xor_chunk_fuzz: invariant violated: %s\n", what);
  std::abort();
}

// Decodes all samples; false if the iterator ended with an error.
bool DecodeAll(std::string_view bytes, Samples* out) {
  chunkenc::XorIterator it(bytes);
  while (it.Next()) {
    out->emplace_back(it.t(), std::bit_cast<uint64_t>(it.v()));
    if (out->size() > it.num_samples()) Fail("more samples than the header says");
  }
  if (!it.status().ok()) return false;
  if (out->size() != it.num_samples()) Fail("clean end before num_samples()");
  return true;
}

void CheckSeek(std::string_view bytes, const Samples& samples, bool clean) {
  if (samples.empty()) return;
  // Seek to the timestamp of a sample in the middle: the first sample with t >= target.
  const int64_t target = samples[samples.size() / 2].first;
  chunkenc::XorIterator it(bytes);
  const bool found = it.Seek(target);
  size_t want = 0;
  while (want < samples.size() && samples[want].first < target) want++;
  if (want < samples.size()) {
    if (!found) Fail("Seek missed a sample that decodes");
    if (it.t() != samples[want].first || std::bit_cast<uint64_t>(it.v()) != samples[want].second) {
      Fail("Seek landed on the wrong sample");
    }
  } else if (found && clean) {
    Fail("Seek found a sample past the end");
  }
}

void CheckReencode(const Samples& samples) {
  chunkenc::XorChunk chunk;
  auto app = chunk.Appender();
  if (!app.ok()) Fail("a fresh chunk gives no appender");
  for (const auto& [t, v] : samples) app->Append(t, std::bit_cast<double>(v));
  Samples again;
  if (!DecodeAll(chunk.bytes(), &again) || again != samples) Fail("re-encoded chunk differs");
}

void CheckResume(std::string_view bytes, const Samples& samples) {
  auto chunk = chunkenc::XorChunk::FromBytes(bytes);
  if (!chunk.ok()) return;
  auto app = chunk->Appender();
  if (!app.ok() || app->num_samples() >= chunkenc::kXorMaxSamples) return;
  // Any timestamp decodes back (xor.h); the next one unless that would overflow.
  int64_t t = samples.empty() ? 0 : samples.back().first;
  if (t < std::numeric_limits<int64_t>::max()) t++;
  app->Append(t, 1.5);
  Samples after;
  if (!DecodeAll(chunk->bytes(), &after)) Fail("a resumed chunk does not decode");
  Samples want = samples;
  want.emplace_back(t, std::bit_cast<uint64_t>(1.5));
  if (after != want) Fail("a resumed chunk lost or changed samples");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Chunks hold up to 65535 samples; 16 KiB of input is plenty to reach every state.
  if (size > 16384) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Samples samples;
  const bool clean = DecodeAll(bytes, &samples);
  CheckSeek(bytes, samples, clean);
  // The interface path (NewIterator) must agree with the concrete iterator.
  auto it = chunkenc::NewIterator(chunkenc::Encoding::kXOR, bytes);
  if (it.ok()) {
    size_t n = 0;
    while ((*it)->Next()) {
      if (n >= samples.size() || (*it)->t() != samples[n].first) Fail("NewIterator disagrees");
      n++;
    }
    if (n != samples.size()) Fail("NewIterator disagrees on the count");
  }
  if (clean) {
    CheckReencode(samples);
    CheckResume(bytes, samples);
  }
  return 0;
}
