// End-to-end test helpers: run the real strata binary (and real Prometheus tools) as child
// processes, talk HTTP to them, and wait for conditions with a deadline (never a fixed sleep).
#ifndef STRATA_TESTS_E2E_UTIL_H_
#define STRATA_TESTS_E2E_UTIL_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "nlohmann/json.hpp"
#include "prompb/compression.h"
#include "prompb/encode.h"

namespace strata::e2e {

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests on one machine).
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A child process; killed (SIGKILL) on destruction unless it already exited.
// `env` ("NAME=value") is added to the inherited environment (replacing an inherited NAME). It is
// built before fork(): a child of a threaded parent may only make async-signal-safe calls.
class Process {
 public:
  Process(const std::string& binary, const std::vector<std::string>& args, const std::string& log,
          const std::vector<std::string>& env = {}) {
    std::vector<std::string> env_strings = env;
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view kv(*e);
      bool replaced = false;
      for (const auto& x : env) {
        replaced |=
            std::string_view(x).substr(0, x.find('=') + 1) == kv.substr(0, kv.find('=') + 1);
      }
      if (!replaced) env_strings.emplace_back(kv);
    }
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execve(binary.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Sends `sig` and waits for the exit; returns the exit code (-1 if killed by a signal).
  int Stop(int sig = SIGTERM) {
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct HttpResult {
  int status = 0;  // 0: no answer
  std::string body;
};

// Bounds every read and write on `fd` (30 s), so a hung server fails a test instead of hanging it.
inline void SetSocketTimeouts(int fd) {
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Sends `bytes` to 127.0.0.1:port on a fresh connection and returns everything the server sent
// until it closed the connection ("" if it could not connect). `half_close` shuts the sending
// side first (for servers that wait for the end of input). Reads are bounded (30 s).
inline std::string Exchange(int port, const std::string& bytes, bool half_close) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SetSocketTimeouts(fd);
  std::string resp;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    for (size_t off = 0; off < bytes.size();) {
      ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += n;
    }
    if (half_close) ::shutdown(fd, SHUT_WR);
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) resp.append(buf, n);
  }
  ::close(fd);
  return resp;
}

// One HTTP/1.1 request on a fresh connection to 127.0.0.1:port.
inline HttpResult HttpCall(int port, const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {}) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string resp = Exchange(port, req, /*half_close=*/false);
  HttpResult r;
  if (resp.size() < 12) return r;
  r.status = std::atoi(resp.substr(9, 3).c_str());
  size_t hdr_end = resp.find("\r\n\r\n");
  if (hdr_end != std::string::npos) r.body = resp.substr(hdr_end + 4);
  return r;
}

// Waits until `cond` holds or `deadline` passes; polls every 50 ms. Returns whether it held.
inline bool WaitFor(const std::function<bool()>& cond,
                    std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

// The value of a sample in a /metrics page (`name{labels}` exactly as printed), if present.
inline std::optional<double> MetricValue(const std::string& page, const std::string& series) {
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) == 0)
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
  }
  return std::nullopt;
}

// A snappy-compressed remote-write body.
inline std::string EncodePush(const prompb::WriteRequest& req) {
  std::string raw, out;
  prompb::EncodeWriteRequest(req, &raw);
  prompb::CompressSnappy(raw, &out);
  return out;
}

inline std::map<std::string, std::string> PushHeaders(const std::string& tenant = "") {
  std::map<std::string, std::string> h{{"Content-Type", "application/x-protobuf"},
                                       {"Content-Encoding", "snappy"},
                                       {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  if (!tenant.empty()) h["X-Scope-OrgID"] = tenant;
  return h;
}

inline std::string StrataBinary() {
  if (const char* b = std::getenv("STRATA_BINARY")) return b;
  // ctest runs the test from the build directory, where the strata binary sits next to it.
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "build/strata";
  std::string dir(self, static_cast<size_t>(n));
  return dir.substr(0, dir.rfind('/')) + "/strata";
}

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Sends `bytes` as they are to 127.0.0.1:port, half-closes, and returns all the server sent back
// until it closed the connection ("" if it answered nothing).
inline std::string RawCall(int port, const std::string& bytes) {
  return Exchange(port, bytes, /*half_close=*/true);
}

// The extra environment of strata children: $STRATA_E2E_STRATA_ENV, "NAME=value" entries
// separated by ';' (e.g. "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"), so any e2e
// test can be rerun under another allocator without affecting the test process itself.
inline std::vector<std::string> StrataEnvFromEnvironment() {
  std::vector<std::string> out;
  const char* v = std::getenv("STRATA_E2E_STRATA_ENV");
  if (v == nullptr) return out;
  std::stringstream in(v);
  for (std::string kv; std::getline(in, kv, ';');) {
    if (kv.find('=') != std::string::npos) out.push_back(kv);
  }
  return out;
}

// The real strata binary on a free loopback port with its data under `dir` (tsdb/, bucket/ and
// strata.log), lifecycle loops on 1 s periods. Killed on destruction unless stopped.
class StrataServer {
 public:
  explicit StrataServer(std::string dir) : dir_(std::move(dir)) {}

  // Starts strata with `extra` flags (a later flag overrides an earlier one) and waits up to 30 s
  // for /ready. Returns whether it became ready (Log() says why not).
  bool Start(const std::vector<std::string>& extra = {}) {
    port_ = FreePort();
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    std::vector<std::string> args = {
        "-server.http-listen-port=" + std::to_string(port_),
        "-server.http-listen-address=127.0.0.1",
        "-blocks-storage.tsdb.dir=" + tsdb_dir(),
        "-blocks-storage.filesystem.dir=" + bucket_dir(),
        "-blocks-storage.tsdb.head-compaction-interval=1s",
        "-blocks-storage.tsdb.ship-interval=1s",
        "-ingester.active-series-metrics-update-period=1s",
    };
    args.insert(args.end(), extra.begin(), extra.end());
    process_ =
        std::make_unique<Process>(StrataBinary(), args, log_path(), StrataEnvFromEnvironment());
    return WaitFor([&] { return HttpCall(port_, "GET", "/ready").status == 200; });
  }
  // Sends `sig` and waits for the exit; returns the exit code (-1 if killed by a signal).
  int Stop(int sig = SIGTERM) { return process_->Stop(sig); }

  int port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  std::string tsdb_dir() const { return dir_ + "/tsdb"; }
  std::string bucket_dir() const { return dir_ + "/bucket"; }
  std::string log_path() const { return dir_ + "/strata.log"; }
  std::string Log() const {
    std::ifstream in(log_path());
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  HttpResult Get(const std::string& target) const { return HttpCall(port_, "GET", target); }
  HttpResult Push(const prompb::WriteRequest& req, const std::string& tenant = "") const {
    return PushBody(EncodePush(req), tenant);
  }
  HttpResult PushBody(const std::string& body, const std::string& tenant = "") const {
    return HttpCall(port_, "POST", "/api/v1/push", body, PushHeaders(tenant));
  }
  // A sample of /metrics (`name{labels}` exactly as printed), if present.
  std::optional<double> Metric(const std::string& series) const {
    return MetricValue(Get("/metrics").body, series);
  }
  // /ingester/all_user_stats as JSON objects keyed by tenant; empty on a bad answer.
  std::map<std::string, nlohmann::json> UserStats() const {
    std::map<std::string, nlohmann::json> out;
    nlohmann::json j =
        nlohmann::json::parse(Get("/ingester/all_user_stats?format=json").body, nullptr, false);
    if (!j.is_array()) return out;
    for (auto& u : j) out[u.value("userID", "")] = u;
    return out;
  }
  // The tenant's numSeries in /ingester/all_user_stats; -1 if the tenant is not there.
  int64_t NumSeries(const std::string& tenant) const {
    auto stats = UserStats();
    auto it = stats.find(tenant);
    return it == stats.end() ? -1 : it->second.value("numSeries", int64_t{-1});
  }

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace strata::e2e

#endif  // STRATA_TESTS_E2E_UTIL_H_
