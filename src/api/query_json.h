// JSON of the Prometheus HTTP query API, byte for byte as Prometheus 2.42 writes it
// (web/api/v1/api.go with jsoniter, util/jsonutil, promql/value.go), because clients parse
// more than the JSON grammar promises: timestamps with a fixed three-digit fraction, values as
// strings in Go's float formats, label objects in name order.
//
// Pure functions; thread-safe.
#ifndef STRATA_API_QUERY_JSON_H_
#define STRATA_API_QUERY_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "labels/labels.h"
#include "promql/value.h"

namespace strata::api {

// Appends `s` as a JSON string the way Go's encoding/json writes it with HTML escaping on (as
// does jsoniter's standard-library-compatible config): `"` and `\` backslash-escaped; \n \r \t;
// other bytes below 0x20 as \u00XX; `<` `>` `&` as \u003c \u003e \u0026; U+2028 and U+2029 as
// \u2028 and \u2029; each byte of invalid UTF-8 as \ufffd; all else (DEL, non-ASCII) as is.
void AppendJsonString(std::string* out, std::string_view s);

// A label set as a JSON object, names in order: {"__name__":"up","job":"api"}; {} when empty.
void AppendJsonLabels(std::string* out, const labels::Labels& l);

// ["a","b"].
void AppendJsonStringArray(std::string* out, const std::vector<std::string>& v);

// A sample timestamp in seconds as jsonutil.MarshalTimestamp writes it: the fraction, when
// not zero, always has three digits: 1700000000, 1700000000.500, 0.010, -0.001.
void AppendJsonTimestamp(std::string* out, int64_t t_ms);

// A vector or matrix sample value as jsonutil.MarshalValue writes it, quoted: shortest
// round-trip digits (strconv 'f', -1) unless |v| < 1e-6 or |v| >= 1e21, which use 'e':
// "1", "0.0000012345678", "1e-07", "1e+21", "NaN", "+Inf", "-Inf", "-0".
void AppendJsonSampleValue(std::string* out, double v);

// The `data` of a query response: {"resultType":"vector","result":[...]}. Vector elements are
// {"metric":{...},"value":[t,"v"]}; matrix series {"metric":{...},"values":[[t,"v"],...]}
// ("values" left out when a series has no points). Scalars and strings use promql's own
// MarshalJSON, which differs: [t,"v"] with t as Go's encoding/json prints float64(t)/1000
// (1700000000.5, not .500) and a scalar's value always in 'f' form ("1000000000000000000000").
void AppendQueryData(std::string* out, const promql::Value& v);

}  // namespace strata::api

#endif  // STRATA_API_QUERY_JSON_H_
