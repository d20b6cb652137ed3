// TSDB workload driver (after leveldb's db_bench): runs named workloads, in the order given, on
// one tsdb::DB and prints a line per workload with its throughput and what the head holds after.
//
//   tsdb_bench_driver -benchmarks=fillseq,query,replay,compact -series=10000 -samples=120
//                     -threads=2 -ooo_fraction=0.1 -replay_threads=2 -dir=/tmp/x
//
// Workloads:
//   fillseq   one sample per series per scrape, in order (-batch series per commit)
//   fillooo   as fillseq, plus -ooo_fraction of the samples up to -ooo_max_ms back (OOO window on)
//   newseries every sample goes to a series that did not exist (churn: series creation cost)
//   query     select every series and iterate every sample, -reads times
//   replay    close the DB and open it again (WAL/WBL/chunks_head replay)
//   compact   ForceCompact: every sample into blocks; reports bytes on disk per sample
//
// Timestamps start at -start_ms and advance 15 s per scrape; each workload continues after the
// previous one's data. Everything goes through the real file system.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "tsdb/db.h"
#include "util/clock.h"
#include "util/testing.h"

namespace {

using strata::tsdb::DB;
using strata::tsdb::DBOptions;

constexpr int64_t kScrapeMs = 15000;

struct Options {
  std::string benchmarks = "fillseq,query,replay,compact";
  int series = 10000;
  int samples = 120;  // per series, per fill workload
  int threads = 1;
  int batch = 0;  // series per commit; 0: all of a thread's series
  double ooo_fraction = 0.1;
  int64_t ooo_max_ms = 30 * 60 * 1000;
  int reads = 3;
  int64_t start_ms = 1700000000000;
  bool wal_compression = false;
  int replay_threads = 0;  // HeadOptions::replay_concurrency (0: one per core)
  bool deadlock_detection = false;
  std::string dir;  // empty: a temporary directory, removed at exit
};

bool ParseFlag(const char* arg, const char* name, std::string* out) {
  if (arg[0] != '-') return false;
  const char* a = arg + (arg[1] == '-' ? 2 : 1);
  const size_t n = std::strlen(name);
  if (std::strncmp(a, name, n) != 0 || a[n] != '=') return false;
  *out = a + n + 1;
  return true;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string v;
    if (ParseFlag(argv[i], "benchmarks", &v)) o.benchmarks = v;
    else if (ParseFlag(argv[i], "series", &v)) o.series = std::stoi(v);
    else if (ParseFlag(argv[i], "samples", &v)) o.samples = std::stoi(v);
    else if (ParseFlag(argv[i], "threads", &v)) o.threads = std::stoi(v);
    else if (ParseFlag(argv[i], "batch", &v)) o.batch = std::stoi(v);
    else if (ParseFlag(argv[i], "ooo_fraction", &v)) o.ooo_fraction = std::stod(v);
    else if (ParseFlag(argv[i], "ooo_max_ms", &v)) o.ooo_max_ms = std::stoll(v);
    else if (ParseFlag(argv[i], "reads", &v)) o.reads = std::stoi(v);
    else if (ParseFlag(argv[i], "start_ms", &v)) o.start_ms = std::stoll(v);
    else if (ParseFlag(argv[i], "wal_compression", &v)) o.wal_compression = v == "true";
    else if (ParseFlag(argv[i], "replay_threads", &v)) o.replay_threads = std::stoi(v);
    else if (ParseFlag(argv[i], "deadlock_detection", &v)) o.deadlock_detection = v == "true";
    else if (ParseFlag(argv[i], "dir", &v)) o.dir = v;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      std::exit(2);
    }
  }
  if (o.threads < 1 || o.series < o.threads) {
    std::fprintf(stderr, "need 1 <= threads <= series\n");
    std::exit(2);
  }
  return o;
}

// 10 labels, like a typical scraped series.
std::vector<std::string> LabelStrings(int i, int generation) {
  return {"__name__", "http_requests_total",
          "code",     std::to_string(200 + i % 5),
          "handler",  "/api/v1/query_range",
          "instance", "10.0.0." + std::to_string(i % 250) + ":9090",
          "job",      "bench",
          "method",   i % 2 == 0 ? "get" : "post",
          "pod",      "pod-" + std::to_string(i) + "-" + std::to_string(generation),
          "region",   "eu-west-1",
          "series",   std::to_string(i),
          "zone",     "eu-west-1a"};
}

struct Series {
  std::vector<std::string> strings;
  std::vector<strata::labels::Label> view;
  void Set(std::vector<std::string> s) {
    strings = std::move(s);
    view.clear();
    for (size_t k = 0; k + 1 < strings.size(); k += 2) view.push_back({strings[k], strings[k + 1]});
  }
};

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)), series_(o_.series) {
    if (o_.dir.empty()) {
      tmp_ = std::make_unique<strata::testing::TempDir>();
      o_.dir = tmp_->path();
    }
    for (int i = 0; i < o_.series; i++) series_[i].Set(LabelStrings(i, 0));
    opts_.head.ooo_time_window_ms = o_.ooo_max_ms;
    opts_.head.wal_compression = o_.wal_compression;
    opts_.head.replay_concurrency = static_cast<size_t>(o_.replay_threads);
    next_t_ = o_.start_ms;
    Open();
  }

  void Run(const std::string& name) {
    const auto start = std::chrono::steady_clock::now();
    uint64_t ops = 0;
    if (name == "fillseq") ops = Fill(0, false);
    else if (name == "fillooo") ops = Fill(o_.ooo_fraction, false);
    else if (name == "newseries") ops = Fill(0, true);
    else if (name == "query") ops = Query();
    else if (name == "replay") ops = Replay();
    else if (name == "compact") ops = Compact();
    else {
      std::fprintf(stderr, "unknown benchmark %s\n", name.c_str());
      std::exit(2);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Report(name, ops, secs);
  }

 private:
  void Open() {
    auto db = DB::Open(strata::DefaultFs(), o_.dir, opts_, strata::RealClock::Default());
    if (!db.ok()) {
      std::fprintf(stderr, "open: %s\n", std::string(db.status().message()).c_str());
      std::exit(1);
    }
    db_ = *std::move(db);
  }

  // `new_series`: every sample goes to a series that does not exist yet.
  uint64_t Fill(double ooo_fraction, bool new_series) {
    std::atomic<uint64_t> appended{0}, rejected{0};
    const int64_t base = next_t_;
    std::vector<std::thread> workers;
    for (int w = 0; w < o_.threads; w++) {
      workers.emplace_back([&, w] {
        const int per = o_.series / o_.threads, first = w * per;
        const int batch = o_.batch > 0 ? o_.batch : per;
        std::mt19937_64 rng(w + 1);
        std::uniform_real_distribution<double> coin(0, 1);
        Series fresh;
        for (int k = 0; k < o_.samples; k++) {
          const int64_t t = base + k * kScrapeMs;
          for (int b = first; b < first + per; b += batch) {
            auto app = db_->Appender();
            for (int i = b; i < std::min(b + batch, first + per); i++) {
              const std::vector<strata::labels::Label>* view = &series_[i].view;
              if (new_series) {
                fresh.Set(LabelStrings(i, ++generation_));
                view = &fresh.view;
              }
              int64_t ts = t;
              if (ooo_fraction > 0 && k > 0 && coin(rng) < ooo_fraction) {
                ts = t - 1 - static_cast<int64_t>(coin(rng) * double(o_.ooo_max_ms - 1));
              }
              auto r = app->Append(*view, ts, double(k + i));
              (strata::storage::IsAccepted(r) ? appended : rejected)++;
            }
            if (!app->Commit().ok()) {
              std::fprintf(stderr, "commit failed\n");
              std::exit(1);
            }
          }
        }
      });
    }
    for (auto& t : workers) t.join();
    next_t_ = base + o_.samples * kScrapeMs;
    if (rejected > 0) std::printf("  (%lu samples rejected)\n", (unsigned long)rejected.load());
    return appended;
  }

  uint64_t Query() {
    uint64_t n = 0;
    for (int r = 0; r < o_.reads; r++) {
      auto q = db_->Querier(INT64_MIN, INT64_MAX);
      auto set = q->Select(true, {}, {});
      while (set->Next()) {
        auto it = set->At().Iterator();
        while (it->Next()) n++;
      }
      if (!set->status().ok()) std::fprintf(stderr, "query failed\n");
    }
    return n;
  }

  uint64_t Replay() {
    db_.reset();
    Open();
    const auto& st = db_->head()->replay_stats();
    return st.samples + st.ooo_samples;
  }

  uint64_t Compact() {
    const uint64_t before = db_->Stats().head.num_series;
    absl::Status s = db_->ForceCompact();
    if (!s.ok()) std::fprintf(stderr, "compact: %s\n", std::string(s.message()).c_str());
    uint64_t samples = 0;
    for (const auto& b : db_->Blocks()) samples += b->meta().stats.num_samples;
    std::printf("  (%lu series compacted into %zu blocks, %.2f bytes/sample on disk)\n",
                (unsigned long)before, db_->Blocks().size(),
                samples > 0 ? double(db_->Stats().blocks_bytes) / double(samples) : 0.0);
    return samples;
  }

  void Report(const std::string& name, uint64_t ops, double secs) {
    const strata::tsdb::DBStats st = db_->Stats();
    std::printf("%-10s : %9.1f ns/sample; %8.3f M samples/s; %10lu samples in %7.3f s | head: "
                "%lu series, %.1f MiB (%.0f B/series)\n",
                name.c_str(), ops > 0 ? secs * 1e9 / double(ops) : 0.0,
                ops > 0 ? double(ops) / secs / 1e6 : 0.0, (unsigned long)ops, secs,
                (unsigned long)st.head.num_series, double(st.head.memory_bytes) / (1 << 20),
                st.head.num_series > 0 ? double(st.head.memory_bytes) / st.head.num_series : 0.0);
    std::fflush(stdout);
  }

  Options o_;
  std::unique_ptr<strata::testing::TempDir> tmp_;
  DBOptions opts_;
  std::vector<Series> series_;
  std::unique_ptr<DB> db_;
  int64_t next_t_ = 0;
  std::atomic<int> generation_{0};
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  // Debian's abseil runs absl::Mutex's deadlock detector on every Lock unless told not to
  // (about 150x the cost of an uncontended lock here).
  if (!o.deadlock_detection) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  std::printf("tsdb_bench: series=%d samples=%d threads=%d batch=%d ooo_fraction=%.2f dir=%s\n",
              o.series, o.samples, o.threads, o.batch, o.ooo_fraction,
              o.dir.empty() ? "(tmp)" : o.dir.c_str());
  Bench bench(o);
  size_t start = 0;
  while (start <= o.benchmarks.size()) {
    size_t end = o.benchmarks.find(',', start);
    if (end == std::string::npos) end = o.benchmarks.size();
    if (end > start) bench.Run(o.benchmarks.substr(start, end - start));
    start = end + 1;
  }
  return 0;
}
