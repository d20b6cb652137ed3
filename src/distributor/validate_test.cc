#include "distributor/validate.h"

#include <functional>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "distributor/validate_messages.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prompb/decode.h"
#include "prompb/encode.h"

// Expected messages were printed by Go's fmt (go1.19) with Cortex's format strings and its
// label-set formatting (errors.go formatLabelSet, model.Metric.String, labels.Labels.String),
// and written as C++ literals with octal escapes.

namespace strata::distributor {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kGraceMs = 600'000;

limits::Limits TestLimits() {
  limits::Limits l;
  l.max_label_names_per_series = 3;
  l.max_label_name_length = 25;
  l.max_label_value_length = 25;
  l.max_labels_size_bytes = 0;
  l.reject_old_samples = true;
  l.reject_old_samples_max_age_ms = kHourMs;
  l.creation_grace_period_ms = kGraceMs;
  l.enforce_metric_name = true;
  l.max_metadata_length = 10;
  return l;
}

prompb::TimeSeries Series(const Pairs& labels, std::vector<int64_t> timestamps = {kNow}) {
  prompb::TimeSeries ts;
  for (const auto& [n, v] : labels) ts.labels.push_back({n, v});
  for (int64_t t : timestamps) ts.samples.push_back({1.0, t});
  return ts;
}

// A request as the distributor sees it: encoded, then decoded into a view.
class Request {
 public:
  explicit Request(const prompb::WriteRequest& req) {
    prompb::EncodeWriteRequest(req, &body_);
    status_ = prompb::DecodeWriteRequest(body_, &view_);
  }
  const prompb::WriteRequestView& view() const { return view_; }
  const absl::Status& status() const { return status_; }

 private:
  std::string body_;
  prompb::WriteRequestView view_;
  absl::Status status_;
};

Pairs LabelsOf(const ValidatedRequest& out, const ValidatedRequest::Series& s) {
  Pairs p;
  for (const labels::Label& l : out.LabelsOf(s)) p.emplace_back(l.name, l.value);
  return p;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s);
  return out;
}

struct SeriesCase {
  std::string name;
  Pairs labels;
  std::vector<int64_t> timestamps;
  DiscardReason reason;
  std::string message;
  Pairs want_labels = {};  // for a valid series: the labels handed on
  std::function<void(limits::Limits&, ValidationOptions&)> configure = nullptr;
};

std::vector<SeriesCase> SeriesCases() {
  using R = DiscardReason;
  const std::vector<int64_t> now = {kNow};
  std::vector<SeriesCase> cases = {
      {"valid",
       {{"__name__", "up"}, {"job", "a"}},
       now,
       R::kNone,
       "",
       {{"__name__", "up"}, {"job", "a"}}},
      {"missing metric name",
       {{"job", "a"}},
       now,
       R::kMissingMetricName,
       "sample missing metric name"},
      {"empty metric name",
       {{"__name__", ""}, {"job", "a"}},
       now,
       R::kMetricNameInvalid,
       "sample invalid metric name: \"\""},
      {"first __name__ decides",
       {{"__name__", ""}, {"__name__", "m"}},
       now,
       R::kMetricNameInvalid,
       "sample invalid metric name: \"\""},
      {"metric name starts with a digit",
       {{"__name__", "1up"}},
       now,
       R::kMetricNameInvalid,
       "sample invalid metric name: \"1up\""},
      {"metric name not legacy",
       {{"__name__", "up.caf\303\251"}},
       now,
       R::kMetricNameInvalid,
       "sample invalid metric name: \"up.caf\303\251\""},
      {"metric name invalid utf8",
       {{"__name__", "a\377b"}},
       now,
       R::kMetricNameInvalid,
       "sample invalid metric name: \"a\\xffb\""},
      {"colons are fine in metric names",
       {{"__name__", "job:up:sum"}},
       now,
       R::kNone,
       "",
       {{"__name__", "job:up:sum"}}},
      {"too many labels",
       {{"__name__", "testmetric"}, {"foo", "bar"}, {"foo2", "bar2"}, {"zz", "1"}},
       now,
       R::kMaxLabelNamesPerSeries,
       "series has too many labels (actual: 4, limit: 3) series: "
       "'testmetric{foo2=\"bar2\", foo=\"bar\", zz=\"1\"}'"},
      {"too many labels, a later duplicate wins",
       {{"__name__", "m"}, {"a", "1"}, {"a", "2"}, {"b", "3"}},
       now,
       R::kMaxLabelNamesPerSeries,
       "series has too many labels (actual: 4, limit: 3) series: 'm{a=\"2\", b=\"3\"}'"},
      {"empty values are dropped before counting",
       {{"__name__", "m"}, {"a", "1"}, {"b", ""}, {"c", "3"}},
       now,
       R::kNone,
       "",
       {{"__name__", "m"}, {"a", "1"}, {"c", "3"}}},
      {"invalid label name",
       {{"__name__", "valid"}, {"foo ", "bar"}},
       now,
       R::kLabelInvalid,
       "sample invalid label: \"foo \" metric \"valid{foo =\\\"bar\\\"}\""},
      {"invalid label name bytes",
       {{"__name__", "m"}, {"a\377b", "1"}},
       now,
       R::kLabelInvalid,
       "sample invalid label: \"a\\xffb\" metric \"m{a\\xffb=\\\"1\\\"}\""},
      {"label name too long",
       {{"__name__", "badLabelName"},
        {"this_is_a_really_really_long_name_that_should_cause_an_error",
         "test_value_please_ignore"}},
       now,
       R::kLabelNameTooLong,
       "label name too long for metric (actual: 60, limit: 25) metric: "
       "\"badLabelName{this_is_a_really_really_long_name_that_should_cause_an_error="
       "\\\"test_value_please_ignore\\\"}\" label name: "
       "\"this_is_a_really_really_long_name_that_should_cause_an_error\""},
      {"label value too long",
       {{"__name__", "badLabelValue"},
        {"much_shorter_name", "test_value_please_ignore_no_really_nothing_to_see_here"}},
       now,
       R::kLabelValueTooLong,
       "label value too long for metric (actual: 54, limit: 25) metric: "
       "\"badLabelValue{much_shorter_name=\\\"test_value_please_ignore_no_really_nothing_to_see_"
       "here\\\"}\" label name: \"much_shorter_name\" label value: "
       "\"test_value_please_ignore_no_really_nothing_to_see_here\""},
      {"label value too long, unicode cut at 200 runes",
       {{"__name__", "m"}, {"v", Repeat("\303\251", 300)}},
       now,
       R::kLabelValueTooLong,
       "label value too long for metric (actual: 600, limit: 25) metric: \"m{v=\\\"" +
           Repeat("\303\251", 195) + "\" label name: \"v\" label value: \"" +
           Repeat("\303\251", 200) + "\""},
      {"uppercase names sort before __name__",
       {{"__name__", "m"}, {"Zeta", "abcdefghijklmnopqrstuvwxyz"}},
       now,
       R::kLabelValueTooLong,
       "label value too long for metric (actual: 26, limit: 25) metric: "
       "\"m{Zeta=\\\"abcdefghijklmnopqrstuvwxyz\\\"}\" label name: \"Zeta\" label value: "
       "\"abcdefghijklmnopqrstuvwxyz\""},
      {"duplicate label name",
       {{"__name__", "m"}, {"a", "1"}, {"a", "2"}},
       now,
       R::kDuplicateLabelNames,
       "duplicate label name: \"a\" metric \"m{a=\\\"1\\\", a=\\\"2\\\"}\""},
      {"duplicate __name__",
       {{"__name__", "m"}, {"__name__", "n"}},
       now,
       R::kDuplicateLabelNames,
       "duplicate label name: \"__name__\" metric \"m{__name__=\\\"n\\\"}\""},
      {"unsorted labels are sorted",
       {{"b", "2"}, {"__name__", "m"}, {"a", "1"}},
       now,
       R::kNone,
       "",
       {{"__name__", "m"}, {"a", "1"}, {"b", "2"}}},
      {"duplicates found after sorting",
       {{"a", "1"}, {"__name__", "m"}, {"a", "2"}},
       now,
       R::kDuplicateLabelNames,
       "duplicate label name: \"a\" metric \"m{a=\\\"1\\\", a=\\\"2\\\"}\""},
      {"a duplicate with an empty value is dropped, not a duplicate",
       {{"__name__", "m"}, {"a", ""}, {"a", "1"}},
       now,
       R::kNone,
       "",
       {{"__name__", "m"}, {"a", "1"}}},
      {"labels size bytes",
       {{"__name__", "exactly_twenty_five_chars"},
        {"exactly_twenty_five_chars", "exactly_twenty_five_chars"}},
       now,
       R::kLabelsSizeBytesExceeded,
       "labels size bytes exceeded for metric (actual: 91, limit: 90) metric: "
       "\"exactly_twenty_five_chars{exactly_twenty_five_chars=\\\"exactly_twenty_five_chars"
       "\\\"}\"",
       {},
       [](limits::Limits& l, ValidationOptions&) { l.max_labels_size_bytes = 90; }},
      {"labels size bytes at the limit",
       {{"__name__", "exactly_twenty_five_chars"},
        {"exactly_twenty_five_chars", "exactly_twenty_five_chars"}},
       now,
       R::kNone,
       "",
       {{"__name__", "exactly_twenty_five_chars"},
        {"exactly_twenty_five_chars", "exactly_twenty_five_chars"}},
       [](limits::Limits& l, ValidationOptions&) { l.max_labels_size_bytes = 91; }},
      {"too old",
       {{"__name__", "m"}},
       {kNow - kHourMs - 1},
       R::kGreaterThanMaxSampleAge,
       "timestamp too old: 1699996399999 metric: \"m\""},
      {"oldest allowed", {{"__name__", "m"}}, {kNow - kHourMs}, R::kNone, "", {{"__name__", "m"}}},
      {"old samples allowed when not rejected",
       {{"__name__", "m"}},
       {0},
       R::kNone,
       "",
       {{"__name__", "m"}},
       [](limits::Limits& l, ValidationOptions&) { l.reject_old_samples = false; }},
      {"too new",
       {{"__name__", "m"}},
       {kNow + kGraceMs + 1},
       R::kTooFarInFuture,
       "timestamp too new: 1700000600001 metric: \"m\""},
      {"newest allowed", {{"__name__", "m"}}, {kNow + kGraceMs}, R::kNone, "", {{"__name__", "m"}}},
      {"one bad sample discards the series",
       {{"__name__", "m"}},
       {kNow, kNow + kGraceMs + 1, kNow},
       R::kTooFarInFuture,
       "timestamp too new: 1700000600001 metric: \"m\""},
      {"no metric name enforced: timestamp message without one",
       {{"job", "a"}},
       {kNow + kGraceMs + 1},
       R::kTooFarInFuture,
       "timestamp too new: 1700000600001 metric: \"\"",
       {},
       [](limits::Limits& l, ValidationOptions&) { l.enforce_metric_name = false; }},
      {"only empty values left",
       {{"job", ""}},
       now,
       R::kUserLabelRemovalConfiguration,
       "",
       {},
       [](limits::Limits& l, ValidationOptions&) { l.enforce_metric_name = false; }},
      {"not sorting: unsorted is an error",
       {{"__name__", "m"}, {"b", "2"}, {"a", "1"}},
       now,
       R::kLabelsNotSorted,
       "labels not sorted: \"a\" metric \"m{b=\\\"2\\\", a=\\\"1\\\"}\"",
       {},
       [](limits::Limits&, ValidationOptions& o) { o.sort_labels = false; }},
      {"skip label name validation",
       {{"__name__", "foo"}, {"invalid%label&name", "bar"}},
       now,
       R::kNone,
       "",
       {{"__name__", "foo"}, {"invalid%label&name", "bar"}},
       [](limits::Limits&, ValidationOptions& o) { o.skip_label_name_validation = true; }},
      {"utf8 names",
       {{"__name__", "http.requests"}, {"service.name", "x"}},
       now,
       R::kNone,
       "",
       {{"__name__", "http.requests"}, {"service.name", "x"}},
       [](limits::Limits&, ValidationOptions& o) {
         o.name_validation = NameValidationScheme::kUtf8;
       }},
      {"utf8 names must be valid utf8",
       {{"__name__", "m"}, {"a\377", "x"}},
       now,
       R::kLabelInvalid,
       "sample invalid label: \"a\\xff\" metric \"m{a\\xff=\\\"x\\\"}\"",
       {},
       [](limits::Limits&, ValidationOptions& o) {
         o.name_validation = NameValidationScheme::kUtf8;
       }},
  };
  // A metric string longer than 200 runes is cut inside the quotes.
  Pairs many = {{"__name__", "big"}};
  for (int i = 0; i < 9; ++i) {
    many.emplace_back("l" + std::to_string(i), std::string(24, static_cast<char>('a' + i)));
  }
  many.emplace_back("zz-bad", "x");
  cases.push_back(
      {"long metric string is cut",
       many,
       now,
       R::kLabelInvalid,
       "sample invalid label: \"zz-bad\" metric \"big{l0=\\\"aaaaaaaaaaaaaaaaaaaaaaaa\\\", "
       "l1=\\\"bbbbbbbbbbbbbbbbbbbbbbbb\\\", l2=\\\"cccccccccccccccccccccccc\\\", "
       "l3=\\\"dddddddddddddddddddddddd\\\", l4=\\\"eeeeeeeeeeeeeeeeeeeeeeee\\\", "
       "l5=\\\"ffffffffffffffffffffffff\\\", l6=\\\"gggggg\"",
       {},
       [](limits::Limits& l, ValidationOptions&) { l.max_label_names_per_series = 30; }});
  return cases;
}

TEST(ValidateWriteRequestTest, SeriesTable) {
  for (const SeriesCase& c : SeriesCases()) {
    SCOPED_TRACE(c.name);
    limits::Limits limits = TestLimits();
    ValidationOptions options;
    if (c.configure) c.configure(limits, options);
    prompb::WriteRequest req;
    req.timeseries.push_back(Series(c.labels, c.timestamps));
    Request r(req);
    ASSERT_TRUE(r.status().ok()) << r.status();
    ValidatedRequest out;
    ASSERT_TRUE(ValidateWriteRequest(r.view(), limits, kNow, options, &out).ok());
    ASSERT_EQ(out.series_reason.size(), 1u);
    EXPECT_EQ(out.series_reason[0], c.reason) << DiscardReasonName(out.series_reason[0]);
    EXPECT_EQ(out.first_error, c.message);
    const auto n = static_cast<int64_t>(c.timestamps.size());
    if (c.reason == DiscardReason::kNone) {
      ASSERT_EQ(out.series.size(), 1u);
      EXPECT_EQ(out.series[0].index, 0u);
      EXPECT_EQ(LabelsOf(out, out.series[0]), c.want_labels);
      EXPECT_EQ(out.valid_samples, n);
      EXPECT_TRUE(out.status().ok());
    } else {
      EXPECT_TRUE(out.series.empty());
      EXPECT_TRUE(out.labels.empty());
      EXPECT_EQ(out.valid_samples, 0);
      EXPECT_EQ(out.discarded_samples[static_cast<size_t>(c.reason)], n);
      if (!c.message.empty()) {
        EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_EQ(std::string(out.status().message()), c.message);
      }
    }
  }
}

TEST(ValidateWriteRequestTest, ReasonNamesAreCortexs) {
  const std::pair<DiscardReason, std::string_view> names[] = {
      {DiscardReason::kNone, ""},
      {DiscardReason::kMissingMetricName, "missing_metric_name"},
      {DiscardReason::kMetricNameInvalid, "metric_name_invalid"},
      {DiscardReason::kUserLabelRemovalConfiguration, "user_label_removal_configuration"},
      {DiscardReason::kMaxLabelNamesPerSeries, "max_label_names_per_series"},
      {DiscardReason::kLabelInvalid, "label_invalid"},
      {DiscardReason::kLabelNameTooLong, "label_name_too_long"},
      {DiscardReason::kLabelValueTooLong, "label_value_too_long"},
      {DiscardReason::kDuplicateLabelNames, "duplicate_label_names"},
      {DiscardReason::kLabelsNotSorted, "labels_not_sorted"},
      {DiscardReason::kLabelsSizeBytesExceeded, "labels_size_bytes_exceeded"},
      {DiscardReason::kGreaterThanMaxSampleAge, "greater_than_max_sample_age"},
      {DiscardReason::kTooFarInFuture, "too_far_in_future"},
      {DiscardReason::kExemplarLabelsMissing, "exemplar_labels_missing"},
      {DiscardReason::kExemplarTimestampInvalid, "exemplar_timestamp_invalid"},
      {DiscardReason::kExemplarLabelsTooLong, "exemplar_labels_too_long"},
      {DiscardReason::kMetricNameTooLong, "metric_name_too_long"},
      {DiscardReason::kHelpTooLong, "help_too_long"},
      {DiscardReason::kUnitTooLong, "unit_too_long"},
      {DiscardReason::kRateLimited, "rate_limited"},
  };
  static_assert(std::size(names) == kNumDiscardReasons);
  for (const auto& [r, name] : names) EXPECT_EQ(DiscardReasonName(r), name);
}

TEST(ValidateWriteRequestTest, EmptyLabelsRejectTheWholeRequest) {
  prompb::WriteRequest req;
  req.timeseries.push_back(Series({{"__name__", "ok"}}));
  req.timeseries.push_back(Series({}));
  Request r(req);
  ValidatedRequest out;
  const absl::Status s = ValidateWriteRequest(r.view(), TestLimits(), kNow, {}, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(s.message()), "empty labels found");
  EXPECT_TRUE(out.series.empty());
}

TEST(ValidateWriteRequestTest, PartialRequestKeepsValidSeriesAndFirstError) {
  // Cortex's TestDistributorValidation "multiple validation fails return the first one".
  prompb::WriteRequest req;
  req.timeseries.push_back(Series({{"__name__", "a"}}, {kNow, kNow + 1}));
  req.timeseries.push_back(
      Series({{"__name__", "testmetric"}, {"foo", "bar"}, {"foo2", "bar2"}, {"x", "y"}}));
  req.timeseries.push_back(Series({{"__name__", "b"}}, {kNow + kGraceMs + 5, kNow}));
  req.timeseries.push_back(Series({{"job", "c"}, {"__name__", "c"}}, {kNow}));
  req.timeseries.push_back(Series({{"__name__", "d"}}, {kNow - 2 * kHourMs}));
  req.timeseries.back().histograms.push_back("");  // one histogram, discarded with the series
  Request r(req);
  ValidatedRequest out;
  ASSERT_TRUE(ValidateWriteRequest(r.view(), TestLimits(), kNow, {}, &out).ok());
  EXPECT_THAT(out.series_reason,
              ::testing::ElementsAre(DiscardReason::kNone, DiscardReason::kMaxLabelNamesPerSeries,
                                     DiscardReason::kTooFarInFuture, DiscardReason::kNone,
                                     DiscardReason::kGreaterThanMaxSampleAge));
  EXPECT_EQ(out.first_error,
            "series has too many labels (actual: 4, limit: 3) series: "
            "'testmetric{foo2=\"bar2\", foo=\"bar\", x=\"y\"}'");
  ASSERT_EQ(out.series.size(), 2u);
  EXPECT_EQ(out.series[0].index, 0u);
  EXPECT_EQ(LabelsOf(out, out.series[0]), (Pairs{{"__name__", "a"}}));
  EXPECT_EQ(out.series[1].index, 3u);
  EXPECT_EQ(LabelsOf(out, out.series[1]), (Pairs{{"__name__", "c"}, {"job", "c"}}));
  EXPECT_EQ(out.valid_samples, 3);
  EXPECT_EQ(out.discarded_samples[static_cast<size_t>(DiscardReason::kMaxLabelNamesPerSeries)], 1);
  EXPECT_EQ(out.discarded_samples[static_cast<size_t>(DiscardReason::kTooFarInFuture)], 2);
  EXPECT_EQ(out.discarded_samples[static_cast<size_t>(DiscardReason::kGreaterThanMaxSampleAge)],
            2);  // one float sample + one histogram
}

prompb::TimeSeries WithExemplar(prompb::TimeSeries ts, const Pairs& labels, int64_t t) {
  prompb::Exemplar e;
  for (const auto& [n, v] : labels) e.labels.push_back({n, v});
  e.value = 1;
  e.timestamp_ms = t;
  ts.exemplars.push_back(e);
  return ts;
}

TEST(ValidateWriteRequestTest, Exemplars) {
  struct Case {
    std::string name;
    Pairs series;
    Pairs exemplar;
    int64_t ts;
    DiscardReason reason;
    std::string message;
  };
  const Case cases[] = {
      {"ok", {{"__name__", "m"}}, {{"trace_id", "abc"}}, 1000, DiscardReason::kNone, ""},
      {"missing labels",
       {{"a", "1"}, {"__name__", "m"}},
       {},
       5,
       DiscardReason::kExemplarLabelsMissing,
       "exemplar missing labels, timestamp: 5 series: {__name__=\"m\", a=\"1\"} labels: {}"},
      {"missing timestamp",
       {{"__name__", "m"}},
       {{"trace_id", "abc"}},
       0,
       DiscardReason::kExemplarTimestampInvalid,
       "exemplar missing timestamp, timestamp: 0 series: {__name__=\"m\"} labels: "
       "{trace_id=\"abc\"}"},
      {"utf8 names quoted",
       {{"__name__", "m"}, {"service.name", "x\ny"}},
       {{"trace.id", "\303\251"}},
       0,
       DiscardReason::kExemplarTimestampInvalid,
       "exemplar missing timestamp, timestamp: 0 series: {__name__=\"m\", "
       "\"service.name\"=\"x\\ny\"} labels: {\"trace.id\"=\"\303\251\"}"},
      {"129 runes",
       {{"__name__", "m"}},
       {{"foo", std::string(126, '0')}},
       1000,
       DiscardReason::kExemplarLabelsTooLong,
       "exemplar combined labelset exceeds 128 characters, timestamp: 1000 series: "
       "{__name__=\"m\"} labels: {foo=\"" +
           std::string(126, '0') + "\"}"},
      {"128 runes",
       {{"__name__", "m"}},
       {{"foo", std::string(125, '0')}},
       1000,
       DiscardReason::kNone,
       ""},
      {"runes, not bytes",
       {{"__name__", "m"}},
       {{"trace", Repeat("\303\251", 123)}},
       1000,
       DiscardReason::kNone,
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    limits::Limits limits = TestLimits();
    limits.max_label_value_length = 2048;
    prompb::WriteRequest req;
    req.timeseries.push_back(WithExemplar(Series(c.series), c.exemplar, c.ts));
    Request r(req);
    ValidatedRequest out;
    ValidationOptions options;
    options.name_validation = NameValidationScheme::kUtf8;  // for "service.name"
    ASSERT_TRUE(ValidateWriteRequest(r.view(), limits, kNow, options, &out).ok());
    EXPECT_EQ(out.series_reason[0], c.reason);
    EXPECT_EQ(out.first_error, c.message);
    const auto i = static_cast<size_t>(c.reason);
    if (c.reason == DiscardReason::kNone) {
      EXPECT_EQ(out.valid_exemplars, 1);
    } else {
      EXPECT_EQ(out.discarded_exemplars[i], 1);
      EXPECT_EQ(out.discarded_samples[i], 1);
    }
  }
}

TEST(ValidateWriteRequestTest, Metadata) {
  struct Case {
    std::string name;
    std::string family;
    std::string help;
    std::string unit;
    DiscardReason reason;
    std::string message;
  };
  // max_metadata_length is 10 in TestLimits.
  const Case cases[] = {
      {"ok", "m", "help text", "seconds", DiscardReason::kNone, ""},
      {"at the limit", "abcdefghij", "0123456789", "0123456789", DiscardReason::kNone, ""},
      {"missing name", "", "a test", "", DiscardReason::kMissingMetricName,
       "metadata missing metric name"},
      {"name too long", "a_very_long_name", "", "", DiscardReason::kMetricNameTooLong,
       "metadata 'METRIC_NAME' value too long: \"a_very_long_name\" metric \"a_very_long_name\""},
      {"help too long", "m", "help \"quoted\" text", "secondsssss", DiscardReason::kHelpTooLong,
       "metadata 'HELP' value too long: \"help \\\"quoted\\\" text\" metric \"m\""},
      {"unit too long", "m", "", "secondsssss", DiscardReason::kUnitTooLong,
       "metadata 'UNIT' value too long: \"secondsssss\" metric \"m\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    prompb::WriteRequest req;
    req.metadata.push_back({prompb::MetricType::kCounter, c.family, c.help, c.unit});
    Request r(req);
    ValidatedRequest out;
    ASSERT_TRUE(ValidateWriteRequest(r.view(), TestLimits(), kNow, {}, &out).ok());
    ASSERT_EQ(out.metadata_reason.size(), 1u);
    EXPECT_EQ(out.metadata_reason[0], c.reason);
    EXPECT_EQ(out.first_error, c.message);
    EXPECT_EQ(out.valid_metadata, c.reason == DiscardReason::kNone ? 1 : 0);
    if (c.reason != DiscardReason::kNone) {
      EXPECT_EQ(out.discarded_metadata[static_cast<size_t>(c.reason)], 1);
    }
  }
}

TEST(ValidateWriteRequestTest, SeriesErrorsComeBeforeMetadataErrors) {
  prompb::WriteRequest req;
  req.metadata.push_back({prompb::MetricType::kGauge, "", "", ""});
  req.timeseries.push_back(Series({{"__name__", "m"}}, {kNow + kGraceMs + 1}));
  Request r(req);
  ValidatedRequest out;
  ASSERT_TRUE(ValidateWriteRequest(r.view(), TestLimits(), kNow, {}, &out).ok());
  EXPECT_EQ(out.first_error, "timestamp too new: 1700000600001 metric: \"m\"");
  EXPECT_EQ(out.metadata_reason[0], DiscardReason::kMissingMetricName);
}

TEST(ValidateWriteRequestTest, ReuseClearsEverything) {
  ValidatedRequest out;
  {
    prompb::WriteRequest bad;
    bad.timeseries.push_back(Series({{"job", "x"}}));
    bad.metadata.push_back({prompb::MetricType::kGauge, "", "", ""});
    Request r(bad);
    ASSERT_TRUE(ValidateWriteRequest(r.view(), TestLimits(), kNow, {}, &out).ok());
    EXPECT_FALSE(out.first_error.empty());
  }
  prompb::WriteRequest good;
  good.timeseries.push_back(Series({{"__name__", "m"}}));
  Request r(good);
  ASSERT_TRUE(ValidateWriteRequest(r.view(), TestLimits(), kNow, {}, &out).ok());
  EXPECT_TRUE(out.first_error.empty());
  EXPECT_TRUE(out.status().ok());
  EXPECT_EQ(out.series.size(), 1u);
  EXPECT_EQ(out.metadata_reason.size(), 0u);
  for (size_t i = 0; i < kNumDiscardReasons; ++i) {
    EXPECT_EQ(out.discarded_samples[i], 0);
    EXPECT_EQ(out.discarded_metadata[i], 0);
  }
}

TEST(ValidateWriteRequestTest, ManyUnsortedLabelsAreSortedStably) {
  // More labels than the in-place insertion sort handles, sent in reverse order.
  Pairs labels;
  for (int i = 99; i >= 0; --i) labels.emplace_back("l" + std::to_string(100 + i), "v");
  labels.emplace_back("__name__", "m");
  limits::Limits limits = TestLimits();
  limits.max_label_names_per_series = 200;
  prompb::WriteRequest req;
  req.timeseries.push_back(Series(labels));
  Request r(req);
  ValidatedRequest out;
  ASSERT_TRUE(ValidateWriteRequest(r.view(), limits, kNow, {}, &out).ok());
  ASSERT_EQ(out.series.size(), 1u);
  const Pairs got = LabelsOf(out, out.series[0]);
  ASSERT_EQ(got.size(), 101u);
  EXPECT_EQ(got[0].first, "__name__");
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[i + 1].first, "l" + std::to_string(100 + i));
}

TEST(FormatTest, LabelSetForms) {
  using labels::Label;
  const Label name_only[] = {{"__name__", "m"}};
  const Label plain[] = {{"a", "1"}};
  EXPECT_EQ(FormatLabelSet(name_only), "m");
  EXPECT_EQ(FormatLabelSet({}), "{}");
  EXPECT_EQ(FormatLabelSet(plain), "{a=\"1\"}");
  EXPECT_EQ(FormatMetric({}), "{}");
  EXPECT_EQ(FormatMetric(plain), "{a=\"1\"}");
  EXPECT_EQ(FormatMetric(name_only), "m");
  EXPECT_EQ(FormatPromLabels(name_only), "{__name__=\"m\"}");
  EXPECT_EQ(FormatPromLabels({}), "{}");
}

}  // namespace
}  // namespace strata::distributor
