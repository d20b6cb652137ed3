// Helpers shared by the WAL tests.
#ifndef STRATA_TSDB_WAL_WAL_TEST_UTIL_H_
#define STRATA_TSDB_WAL_WAL_TEST_UTIL_H_

#include <fcntl.h>
#include <unistd.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tsdb/wal/reader.h"
#include "util/check.h"
#include "util/fs.h"

namespace strata::tsdb::wal::testutil {

struct ReadResult {
  std::vector<std::string> records;
  std::vector<Position> positions;
  absl::Status status;
  std::optional<Position> torn_tail;
  std::optional<Position> corruption;
};

inline ReadResult ReadAll(Fs* fs, const SegmentRange& range) {
  ReadResult r;
  absl::StatusOr<std::unique_ptr<Reader>> reader = Reader::Open(fs, range);
  if (!reader.ok()) {
    r.status = reader.status();
    return r;
  }
  while ((*reader)->Next()) {
    r.records.emplace_back((*reader)->record());
    r.positions.push_back((*reader)->position());
  }
  r.status = (*reader)->status();
  r.torn_tail = (*reader)->torn_tail();
  r.corruption = (*reader)->corruption();
  return r;
}

// `size` bytes; compressible ones repeat a short random pattern, the others are random.
inline std::string RandomRecord(std::mt19937_64& rng, size_t size, bool compressible) {
  std::string s(size, '\0');
  std::string pattern(1 + rng() % 16, '\0');
  for (char& c : pattern) c = static_cast<char>(rng());
  for (size_t i = 0; i < size; i++) {
    s[i] = compressible ? pattern[i % pattern.size()] : static_cast<char>(rng());
  }
  return s;
}

inline std::string ReadFileOrDie(Fs* fs, const std::string& path) {
  absl::StatusOr<std::string> s = fs->ReadFile(path);
  CHECK(s.ok());
  return *std::move(s);
}

// XORs one byte of a file in place (no truncation: rewriting whole files is slow on ext4).
inline void XorByteInPlace(const std::string& path, uint64_t offset, uint8_t mask) {
  int fd = ::open(path.c_str(), O_RDWR);
  CHECK(fd >= 0);
  char c;
  CHECK(::pread(fd, &c, 1, static_cast<off_t>(offset)) == 1);
  c = static_cast<char>(c ^ mask);
  CHECK(::pwrite(fd, &c, 1, static_cast<off_t>(offset)) == 1);
  ::close(fd);
}

inline void WriteFileOrDie(Fs* fs, const std::string& path, std::string_view data) {
  absl::StatusOr<std::unique_ptr<WritableFile>> f = fs->NewWritableFile(path);
  CHECK(f.ok());
  CHECK((*f)->Append(data).ok());
  CHECK((*f)->Close().ok());
}

}  // namespace strata::tsdb::wal::testutil

#endif  // STRATA_TSDB_WAL_WAL_TEST_UTIL_H_
