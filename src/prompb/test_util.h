// Helpers for the prompb tests: random requests built with libprotobuf (the reference), their
// conversion to our owning types, exact comparison of decoded views against them, and an
// allocation counter. Linked only into prompb_test.
#ifndef STRATA_PROMPB_TEST_UTIL_H_
#define STRATA_PROMPB_TEST_UTIL_H_

#include <cstddef>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "prompb/decode.h"
#include "prompb/write_request.h"
#include "src/prompb/testdata/remote_write.pb.h"

namespace strata::prompb::testing {

// A random request exercising the awkward corners: empty and unicode strings, long strings
// (multi-byte lengths), NaN (including the staleness marker), ±Inf, -0.0, negative and extreme
// timestamps, exemplars, histograms, metadata with out-of-range enum values, empty series.
prompb_test::WriteRequest RandomProtoRequest(std::mt19937_64& rng);

// The same request as our owning type (histograms as their serialized bytes).
WriteRequest FromProto(const prompb_test::WriteRequest& proto);

// Success if `view` holds exactly `proto` (doubles compared bit for bit), else the first
// difference. Histograms are compared by their bytes: for a parsed prompb_test::Histogram
// those are libprotobuf's re-serialization, equal to the input only if it was canonical.
::testing::AssertionResult ViewMatchesProto(const WriteRequestView& view,
                                            const prompb_test::WriteRequest& proto);
::testing::AssertionResult ViewMatchesProto(const WriteRequestView& view,
                                            const prompb_test::LenientWriteRequest& proto);

// Counts calls of the global operator new made by this thread while alive. Under TSan nothing is
// counted (its runtime cannot share operator new): the counts read 0, so the upper bounds tests
// put on them hold trivially there and are checked by the other builds.
class AllocationCounter {
 public:
  AllocationCounter();
  ~AllocationCounter();
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  size_t count() const;
  size_t largest_bytes() const;  // the largest single allocation
};

}  // namespace strata::prompb::testing

#endif  // STRATA_PROMPB_TEST_UTIL_H_
