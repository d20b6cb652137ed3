// Helpers for TSDB tests: append samples, read everything back.
#ifndef STRATA_TSDB_TSDB_TEST_UTIL_H_
#define STRATA_TSDB_TSDB_TEST_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "labels/labels.h"
#include "storage/appender.h"
#include "storage/list_series.h"
#include "storage/storage.h"

namespace strata::tsdb::testing {

using SeriesSamples = std::map<std::string, std::vector<storage::Sample>>;  // labels text → samples

// Appends one sample through a fresh view of `lset`.
inline storage::AppendResult AppendOne(storage::Appender& app, const labels::Labels& lset,
                                       int64_t t, double v) {
  std::vector<labels::Label> view(lset.begin(), lset.end());
  return app.Append(view, t, v);
}

// Everything `q` returns for all series, keyed by the labels' text form.
inline SeriesSamples ReadAll(storage::Querier& q) {
  SeriesSamples out;
  auto set = q.Select(true, {}, {});
  auto got = storage::ExpandSeriesSet(*set);
  EXPECT_TRUE(got.ok()) << got.status();
  if (!got.ok()) return out;
  for (auto& [l, s] : *got) out[l.ToString()] = std::move(s);
  return out;
}

}  // namespace strata::tsdb::testing

#endif  // STRATA_TSDB_TSDB_TEST_UTIL_H_
