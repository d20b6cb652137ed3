// Helpers shared by the index tests.
#ifndef STRATA_TSDB_INDEX_INDEX_TEST_UTIL_H_
#define STRATA_TSDB_INDEX_INDEX_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "labels/labels.h"
#include "tsdb/chunks/chunk_meta.h"
#include "util/fs.h"
#include "util/testing.h"

namespace strata::tsdb::index {

// An in-memory "mapping", for opening many corrupted variants without touching the disk.
class StringRegion final : public ReadOnlyRegion {
 public:
  explicit StringRegion(std::string s) : s_(std::move(s)) {}
  std::string_view data() const override { return s_; }

 private:
  std::string s_;
};

inline std::string ReferenceBlockDir() {
  return testing::SharedTestdataDir() + "/prom-block-small/01M8A330PDKH79JT5WWS1GKG2C";
}

struct TestSeries {
  labels::Labels lset;
  std::vector<chunks::ChunkMeta> chunks;
};

// The three series of the reference block (its README and §4.13).
inline std::vector<TestSeries> ReferenceSeries() {
  return {
      {labels::Labels{{"__name__", "http_requests_total"}, {"code", "200"}, {"method", "get"}},
       {{8, 1700000000000, 1700000030000}}},
      {labels::Labels{{"__name__", "http_requests_total"}, {"code", "500"}, {"method", "get"}},
       {{38, 1700000000000, 1700000030000}}},
      {labels::Labels{{"__name__", "temperature_celsius"}, {"room", "lab"}},
       {{65, 1700000000000, 1700000031000}}},
  };
}

inline std::vector<std::string> ReferenceSymbols() {
  return {"",    "200",    "500",  "__name__",           "code", "get", "http_requests_total",
          "lab", "method", "room", "temperature_celsius"};
}

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_INDEX_TEST_UTIL_H_
