// Helpers shared by the chunks tests.
#ifndef STRATA_TSDB_CHUNKS_CHUNKS_TEST_UTIL_H_
#define STRATA_TSDB_CHUNKS_CHUNKS_TEST_UTIL_H_

#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "util/fs.h"

namespace strata::tsdb::chunks {

inline void WriteWholeFile(const std::string& path, std::string_view data) {
  auto f = DefaultFs()->NewWritableFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Append(data).ok());
  ASSERT_TRUE((*f)->Close().ok());
}

inline std::string ReadWholeFile(const std::string& path) {
  auto data = DefaultFs()->ReadFile(path);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *data : std::string();
}

}  // namespace strata::tsdb::chunks

#endif  // STRATA_TSDB_CHUNKS_CHUNKS_TEST_UTIL_H_
