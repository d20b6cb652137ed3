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
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
class Process {
 public:
  Process(const std::string& binary, const std::vector<std::string>& args, const std::string& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv{const_cast<char*>(binary.c_str())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
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

// One HTTP/1.1 request on a fresh connection to 127.0.0.1:port.
inline HttpResult HttpCall(int port, const std::string& method, const std::string& target,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {}) {
  HttpResult r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return r;
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (size_t off = 0; off < req.size();) {
    ssize_t n = ::write(fd, req.data() + off, req.size() - off);
    if (n <= 0) break;
    off += n;
  }
  std::string resp;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) resp.append(buf, n);
  ::close(fd);
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
    if (line.rfind(series + " ", 0) == 0) return std::strtod(line.c_str() + series.size() + 1, nullptr);
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

}  // namespace strata::e2e

#endif  // STRATA_TESTS_E2E_UTIL_H_
