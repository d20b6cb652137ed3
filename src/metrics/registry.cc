#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::metrics {
namespace {

// The names a family's page lines start with.
std::vector<std::string> LineNames(std::string_view name, MetricType type) {
  std::vector<std::string> names{std::string(name)};
  if (type == MetricType::kHistogram) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) names.push_back(StrCat(name, suffix));
  }
  return names;
}

absl::Status ValidateLabelName(std::string_view metric, std::string_view label, MetricType type) {
  if (!IsValidLabelName(label)) {
    return absl::InvalidArgumentError(
        StrCat("metric ", metric, ": invalid label name \"", label, "\""));
  }
  if (label.starts_with("__")) {
    return absl::InvalidArgumentError(
        StrCat("metric ", metric, ": label name \"", label, "\" uses the reserved prefix __"));
  }
  if (type == MetricType::kHistogram && label == "le") {
    return absl::InvalidArgumentError(
        StrCat("histogram ", metric, ": label name \"le\" is reserved for buckets"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateDesc(const Desc& desc) {
  if (!IsValidMetricName(desc.name)) {
    return absl::InvalidArgumentError(StrCat("invalid metric name \"", desc.name, "\""));
  }
  for (size_t i = 0; i < desc.label_names.size(); i++) {
    RETURN_IF_ERROR(ValidateLabelName(desc.name, desc.label_names[i], desc.type));
    for (size_t j = 0; j < i; j++) {
      if (desc.label_names[j] == desc.label_names[i]) {
        return absl::InvalidArgumentError(
            StrCat("metric ", desc.name, ": duplicate label name \"", desc.label_names[i], "\""));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<double>> ValidateBuckets(std::vector<double> buckets) {
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  for (size_t i = 0; i < buckets.size(); i++) {
    if (!std::isfinite(buckets[i]) || (i > 0 && !(buckets[i - 1] < buckets[i]))) {
      return absl::InvalidArgumentError(
          StrCat("histogram buckets must be finite and strictly increasing; bucket ", i, " is ",
                 buckets[i]));
    }
  }
  return buckets;
}

absl::Status Registry::CheckNamesFree(const std::vector<Desc>& descs) const {
  std::set<std::string, std::less<>> wanted;
  for (const Desc& d : descs) {
    for (std::string& n : LineNames(d.name, d.type)) {
      if (taken_.contains(n) || !wanted.insert(n).second) {
        return absl::AlreadyExistsError(
            StrCat("metric ", d.name, ": name \"", n, "\" is already registered"));
      }
    }
  }
  return absl::OkStatus();
}

void Registry::Take(std::string_view name, Entry entry) {
  for (std::string& n : LineNames(name, entry.type)) taken_.insert(std::move(n));
  entries_.emplace(std::string(name), entry);
}

template <typename T>
absl::StatusOr<MetricFamily<T>*> Registry::AddFamily(std::string name, std::string help,
                                                     MetricType type,
                                                     std::vector<std::string> label_names,
                                                     std::vector<double> buckets) {
  std::vector<Desc> descs{Desc{name, "", type, label_names}};
  RETURN_IF_ERROR(ValidateDesc(descs[0]));
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(CheckNamesFree(descs));
  auto family = std::make_unique<MetricFamily<T>>(std::move(name), std::move(help),
                                                  std::move(label_names), std::move(buckets));
  MetricFamily<T>* ptr = family.get();
  Take(ptr->name(), Entry{.type = type, .family = ptr});
  families_.push_back(std::move(family));
  return ptr;
}

absl::StatusOr<CounterFamily*> Registry::NewCounterFamily(std::string name, std::string help,
                                                          std::vector<std::string> label_names) {
  return AddFamily<Counter>(std::move(name), std::move(help), MetricType::kCounter,
                            std::move(label_names));
}

absl::StatusOr<GaugeFamily*> Registry::NewGaugeFamily(std::string name, std::string help,
                                                      std::vector<std::string> label_names) {
  return AddFamily<Gauge>(std::move(name), std::move(help), MetricType::kGauge,
                          std::move(label_names));
}

absl::StatusOr<HistogramFamily*> Registry::NewHistogramFamily(std::string name, std::string help,
                                                              std::vector<std::string> label_names,
                                                              std::vector<double> buckets) {
  ASSIGN_OR_RETURN(buckets, ValidateBuckets(std::move(buckets)));
  return AddFamily<Histogram>(std::move(name), std::move(help), MetricType::kHistogram,
                              std::move(label_names), std::move(buckets));
}

absl::StatusOr<Counter*> Registry::NewCounter(std::string name, std::string help) {
  ASSIGN_OR_RETURN(CounterFamily * f, NewCounterFamily(std::move(name), std::move(help), {}));
  return &f->WithLabels({});
}

absl::StatusOr<Gauge*> Registry::NewGauge(std::string name, std::string help) {
  ASSIGN_OR_RETURN(GaugeFamily * f, NewGaugeFamily(std::move(name), std::move(help), {}));
  return &f->WithLabels({});
}

absl::StatusOr<Histogram*> Registry::NewHistogram(std::string name, std::string help,
                                                  std::vector<double> buckets) {
  ASSIGN_OR_RETURN(HistogramFamily * f,
                   NewHistogramFamily(std::move(name), std::move(help), {}, std::move(buckets)));
  return &f->WithLabels({});
}

absl::Status Registry::NewGaugeFunc(std::string name, std::string help,
                                    std::function<double()> fn) {
  return NewCollector({Desc{std::move(name), std::move(help), MetricType::kGauge, {}}},
                      [fn = std::move(fn)](CollectSink& sink) { sink.Add(0, {}, fn()); });
}

absl::Status Registry::NewCounterFunc(std::string name, std::string help,
                                      std::function<double()> fn) {
  return NewCollector({Desc{std::move(name), std::move(help), MetricType::kCounter, {}}},
                      [fn = std::move(fn)](CollectSink& sink) { sink.Add(0, {}, fn()); });
}

absl::Status Registry::NewCollector(std::vector<Desc> descs, CollectFn fn) {
  if (descs.empty()) return absl::InvalidArgumentError("collector without metric families");
  for (const Desc& d : descs) RETURN_IF_ERROR(ValidateDesc(d));
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(CheckNamesFree(descs));
  auto collector = std::make_unique<Collector>(std::move(descs), std::move(fn));
  for (size_t i = 0; i < collector->descs().size(); i++) {
    const Desc& d = collector->descs()[i];
    Take(d.name, Entry{.type = d.type, .collector = collector.get(), .desc_index = i});
  }
  collectors_.push_back(std::move(collector));
  return absl::OkStatus();
}

absl::Status Registry::Unregister(std::string_view name) {
  absl::MutexLock l(&mu_);
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    return absl::NotFoundError(StrCat("metric ", name, " is not registered"));
  }
  Entry entry = it->second;
  // Collect every family name of the registration, then forget them all.
  std::vector<std::pair<std::string, MetricType>> names;
  for (const auto& [n, e] : entries_) {
    if (e.family == entry.family && e.collector == entry.collector) {
      names.emplace_back(n, e.type);
    }
  }
  for (const auto& [n, type] : names) {
    for (const std::string& line : LineNames(n, type)) taken_.erase(line);
    entries_.erase(n);
  }
  std::erase_if(families_, [&](const auto& f) { return f.get() == entry.family; });
  std::erase_if(collectors_, [&](const auto& c) { return c.get() == entry.collector; });
  return absl::OkStatus();
}

void Registry::AppendTextExposition(std::string* out) const {
  absl::ReaderMutexLock l(&mu_);
  // Each collector runs once per scrape, even when it writes several families.
  absl::flat_hash_map<const Collector*, CollectSink> sinks;
  for (const auto& c : collectors_) sinks.emplace(c.get(), c->Collect());
  for (const auto& [name, e] : entries_) {
    if (e.family != nullptr) {
      e.family->AppendText(out);
    } else {
      e.collector->AppendText(sinks.at(e.collector), e.desc_index, out);
    }
  }
}

std::string Registry::TextExposition() const {
  std::string out;
  AppendTextExposition(&out);
  return out;
}

}  // namespace strata::metrics
