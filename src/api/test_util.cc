#include "api/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "util/strings.h"

namespace strata::api::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

absl::StatusOr<ParsedResponse> ParseHead(std::string_view head) {
  ParsedResponse resp;
  size_t eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos || status_line.size() < sp + 4) {
    return absl::DataLossError(StrCat("bad status line: ", status_line));
  }
  resp.version = std::string(status_line.substr(0, sp));
  resp.status = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
  std::string_view rest = eol == std::string_view::npos ? "" : head.substr(eol + 2);
  while (!rest.empty()) {
    eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? "" : rest.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return absl::DataLossError(StrCat("bad header: ", line));
    resp.headers.emplace(std::string(line.substr(0, colon)),
                         std::string(Trim(line.substr(colon + 1))));
  }
  return resp;
}

}  // namespace

absl::StatusOr<TestConnection> TestConnection::Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(StrCat("connect: ", std::strerror(err)));
  }
  return TestConnection(fd);
}

TestConnection::TestConnection(TestConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

TestConnection& TestConnection::operator=(TestConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

TestConnection::~TestConnection() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status TestConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(StrCat("send: ", std::strerror(errno)));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

ssize_t TestConnection::ReadSome(Clock::time_point deadline) {
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return -1;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return 0;  // A reset is a close, as far as tests care.
    buffer_.append(chunk, static_cast<size_t>(n));
    return n;
  }
}

absl::StatusOr<ParsedResponse> TestConnection::ReadResponse(std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ReadSome(deadline);
    if (n == 0) return absl::UnavailableError("connection closed before a response");
    if (n < 0) return absl::DeadlineExceededError("no complete response header");
  }
  absl::StatusOr<ParsedResponse> resp = ParseHead(std::string_view(buffer_).substr(0, head_end));
  if (!resp.ok()) return resp.status();
  if (resp->status / 100 == 1) {  // Interim responses (100 Continue) have no body.
    buffer_.erase(0, head_end + 4);
    return resp;
  }
  if (!resp->HasContentLength()) return absl::DataLossError("response without Content-Length");
  size_t length = std::strtoull(std::string(resp->Header("Content-Length")).c_str(), nullptr, 10);
  size_t body_start = head_end + 4;
  while (buffer_.size() < body_start + length) {
    ssize_t n = ReadSome(deadline);
    if (n == 0) return absl::UnavailableError("connection closed inside a response body");
    if (n < 0) return absl::DeadlineExceededError("incomplete response body");
  }
  resp->body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return resp;
}

absl::StatusOr<ParsedResponse> TestConnection::RoundTrip(std::string_view request) {
  absl::Status sent = Send(request);
  if (!sent.ok()) return sent;
  return ReadResponse();
}

bool TestConnection::WaitForClose(std::chrono::milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    ssize_t n = ReadSome(deadline);
    if (n == 0) return true;
    if (n < 0) return false;
    buffer_.clear();
  }
}

std::string GetRequest(std::string_view target, std::string_view extra_headers) {
  return StrCat("GET ", target, " HTTP/1.1\r\nHost: localhost\r\n", extra_headers, "\r\n");
}

std::string PostRequest(std::string_view target, std::string_view content_type,
                        std::string_view body, std::string_view extra_headers) {
  return StrCat("POST ", target, " HTTP/1.1\r\nHost: localhost\r\nContent-Type: ", content_type,
                "\r\nContent-Length: ", body.size(), "\r\n", extra_headers, "\r\n", body);
}

}  // namespace strata::api::testing
