// Test helpers: a blocking HTTP/1.1 client over one raw TCP connection, written without Beast so
// that it checks the server's bytes independently. Every read has a deadline, so a test observes
// the server closing a connection (or not answering) without sleeping.
#ifndef STRATA_API_TEST_UTIL_H_
#define STRATA_API_TEST_UTIL_H_

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "api/http_types.h"

namespace strata::api::testing {

struct ParsedResponse {
  std::string version;  // "HTTP/1.1"
  int status = 0;
  HeaderMap headers;
  std::string body;

  std::string_view Header(std::string_view name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  }
  bool HasContentLength() const { return headers.count("Content-Length") > 0; }
};

// One client connection. Not thread-safe. Closes the socket on destruction.
class TestConnection {
 public:
  // Connects to 127.0.0.1:`port`.
  static absl::StatusOr<TestConnection> Connect(int port);
  TestConnection(TestConnection&& other) noexcept;
  TestConnection& operator=(TestConnection&& other) noexcept;
  ~TestConnection();

  // Writes all of `bytes`. Fails if the server reset or closed the connection.
  absl::Status Send(std::string_view bytes);
  // Reads one response (status line, headers, a Content-Length body). Bytes after it stay
  // buffered for the next call. DeadlineExceeded if incomplete after `timeout`; Unavailable if the
  // server closed first. REQUIRES: the response has a Content-Length (ours always do) or is an
  // interim 1xx response.
  absl::StatusOr<ParsedResponse> ReadResponse(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Send + ReadResponse.
  absl::StatusOr<ParsedResponse> RoundTrip(std::string_view request);
  // Blocks until the server closes the connection (EOF or reset), discarding any bytes; false if
  // it is still open after `timeout`.
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  int fd() const { return fd_; }

 private:
  explicit TestConnection(int fd) : fd_(fd) {}
  // Appends what arrives within the deadline to buffer_. 0 bytes = EOF; <0 = error or timeout.
  ssize_t ReadSome(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// "GET <target> HTTP/1.1" with Host and `extra_headers` (each "Name: value\r\n").
std::string GetRequest(std::string_view target, std::string_view extra_headers = "");
// A POST with Content-Length and the given Content-Type.
std::string PostRequest(std::string_view target, std::string_view content_type,
                        std::string_view body, std::string_view extra_headers = "");

}  // namespace strata::api::testing

#endif  // STRATA_API_TEST_UTIL_H_
