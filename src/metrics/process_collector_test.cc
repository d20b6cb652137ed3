#include "metrics/process_collector.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/fs.h"
#include "util/testing.h"

namespace strata::metrics {
namespace {

using ::testing::HasSubstr;

// A fake procfs tree for pid 4242: our own sample contents in the kernel's layout (proc(5)).
class FakeProcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = DefaultFs();
    ASSERT_TRUE(fs_->CreateDirs(dir_.Join("4242/fd")).ok());
    for (const char* fd : {"0", "1", "2", "7"}) Write(JoinPath("4242/fd", fd), "");
    // A command name with spaces and parentheses, which must not shift the fields. utime=250,
    // stime=150 ticks; starttime=12345 ticks; vsize=987654321; rss=1000 pages.
    Write("4242/stat",
          "4242 (strata (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 150 0 0 20 0 9 0 "
          "12345 987654321 1000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
    Write("stat", "cpu  1 2 3 4 5 6 7 0 0 0\nintr 1 2\nctxt 99\nbtime 1700000000\nprocesses 5\n");
    Write("4242/limits",
          "Limit                     Soft Limit           Hard Limit           Units     \n"
          "Max cpu time              unlimited            unlimited            seconds   \n"
          "Max open files            1024                 524288               files     \n"
          "Max address space         unlimited            unlimited            bytes     \n");
  }
  void Write(const std::string& rel, const std::string& content) {
    ASSERT_TRUE(WriteFileAtomically(fs_, dir_.Join(rel), content).ok());
  }
  ProcessCollectorOptions Options() const {
    return {.fs = fs_,
            .proc_dir = dir_.path(),
            .pid = "4242",
            .clock_ticks_per_second = 100,
            .page_size = 4096};
  }

  Fs* fs_ = nullptr;
  testing::TempDir dir_;
};

TEST_F(FakeProcTest, ReadsEveryValue) {
  ProcessStats s = ReadProcessStats(Options());
  EXPECT_EQ(s.cpu_seconds_total, 4.0);
  EXPECT_EQ(s.virtual_memory_bytes, 987654321.0);
  EXPECT_EQ(s.resident_memory_bytes, 4096000.0);
  EXPECT_EQ(s.start_time_seconds, 1700000123.45);
  EXPECT_EQ(s.open_fds, 4.0);
  EXPECT_EQ(s.max_fds, 1024.0);
  EXPECT_EQ(s.virtual_memory_max_bytes, 18446744073709551615.0);
}

TEST_F(FakeProcTest, Exposition) {
  Registry r;
  ASSERT_TRUE(RegisterProcessCollector(&r, Options()).ok());
  EXPECT_EQ(r.TextExposition(),
            "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
            "# TYPE process_cpu_seconds_total counter\n"
            "process_cpu_seconds_total 4\n"
            "# HELP process_max_fds Maximum number of open file descriptors.\n"
            "# TYPE process_max_fds gauge\n"
            "process_max_fds 1024\n"
            "# HELP process_open_fds Number of open file descriptors.\n"
            "# TYPE process_open_fds gauge\n"
            "process_open_fds 4\n"
            "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
            "# TYPE process_resident_memory_bytes gauge\n"
            "process_resident_memory_bytes 4.096e+06\n"
            "# HELP process_start_time_seconds Start time of the process since unix epoch in "
            "seconds.\n"
            "# TYPE process_start_time_seconds gauge\n"
            "process_start_time_seconds 1.70000012345e+09\n"
            "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
            "# TYPE process_virtual_memory_bytes gauge\n"
            "process_virtual_memory_bytes 9.87654321e+08\n"
            "# HELP process_virtual_memory_max_bytes Maximum amount of virtual memory available "
            "in bytes.\n"
            "# TYPE process_virtual_memory_max_bytes gauge\n"
            "process_virtual_memory_max_bytes 1.8446744073709552e+19\n");
  EXPECT_EQ(RegisterProcessCollector(&r, Options()).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(FakeProcTest, UnreadableSourcesAreLeftOff) {
  Write("4242/stat", "4242 (strata) S 1 2 3");  // truncated
  ASSERT_TRUE(fs_->RemoveFile(dir_.Join("4242/limits")).ok());
  ProcessStats s = ReadProcessStats(Options());
  EXPECT_FALSE(s.cpu_seconds_total.has_value());
  EXPECT_FALSE(s.resident_memory_bytes.has_value());
  EXPECT_FALSE(s.start_time_seconds.has_value());
  EXPECT_FALSE(s.max_fds.has_value());
  EXPECT_EQ(s.open_fds, 4.0);
  Registry r;
  ASSERT_TRUE(RegisterProcessCollector(&r, Options()).ok());
  EXPECT_EQ(r.TextExposition(),
            "# HELP process_open_fds Number of open file descriptors.\n"
            "# TYPE process_open_fds gauge\n"
            "process_open_fds 4\n");
}

TEST_F(FakeProcTest, GarbageNumbersAreLeftOff) {
  Write("4242/stat",
        "4242 (s) S 1 4242 4242 0 -1 4194560 1000 0 0 0 x25 150 0 0 20 0 9 0 "
        "12345 987654321 1000\n");
  Write("stat", "cpu 1\n");  // no btime
  ProcessStats s = ReadProcessStats(Options());
  EXPECT_FALSE(s.cpu_seconds_total.has_value());
  EXPECT_FALSE(s.start_time_seconds.has_value());
  EXPECT_EQ(s.resident_memory_bytes, 4096000.0);
}

TEST(ProcessCollectorTest, RealProcessIsPlausible) {
  ProcessStats s = ReadProcessStats({});
  ASSERT_TRUE(s.resident_memory_bytes.has_value());
  EXPECT_GT(*s.resident_memory_bytes, 0);
  ASSERT_TRUE(s.virtual_memory_bytes.has_value());
  EXPECT_GE(*s.virtual_memory_bytes, *s.resident_memory_bytes);
  ASSERT_TRUE(s.open_fds.has_value());
  EXPECT_GE(*s.open_fds, 3);  // stdin, stdout, stderr at least
  ASSERT_TRUE(s.max_fds.has_value());
  EXPECT_GE(*s.max_fds, *s.open_fds);
  ASSERT_TRUE(s.cpu_seconds_total.has_value());
  EXPECT_GE(*s.cpu_seconds_total, 0);
  ASSERT_TRUE(s.start_time_seconds.has_value());
  EXPECT_GT(*s.start_time_seconds, 1.5e9);  // after 2017
  EXPECT_LT(*s.start_time_seconds, 4.1e9);  // before 2100
  Registry r;
  ASSERT_TRUE(RegisterProcessCollector(&r).ok());
  EXPECT_THAT(r.TextExposition(), HasSubstr("\nprocess_resident_memory_bytes "));
}

}  // namespace
}  // namespace strata::metrics
