// HttpServer: HTTP/1.1 with keep-alive for the remote-write and query APIs.
//
// Thousands of keep-alive connections are served without a thread per connection: a few I/O
// threads run asynchronous accept/read/write (Boost.Beast on Asio), each connection serialized on
// its own strand. A complete request is handed to a fixed pool of worker threads, where handlers
// may block; the response is then written back asynchronously on the connection's strand. One
// request per connection is in flight at a time, so pipelined requests are answered in order.
//
// Protection: a body limit checked from Content-Length before the body is read (413), a header
// size limit (431), malformed requests (400), and timeouts for idle keep-alive connections, for
// receiving headers (slow loris), for receiving the body, and for writing the response.
//
// Boost stays out of this header (pimpl) so that modules registering handlers compile fast.
//
//   HttpServer server(HttpServerOptions{});
//   server.Handle("/api/v1/push", [&](const HttpRequest& req) { ... return resp; });
//   ASSIGN_OR_RETURN(int port, server.Start("0.0.0.0", 9009));
//   ...
//   server.Stop();
#ifndef STRATA_API_HTTP_SERVER_H_
#define STRATA_API_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/http_types.h"
#include "metrics/family.h"

namespace strata::api {

struct HttpServerOptions {
  // Threads running the event loop (accept, read, write). Default 2.
  int io_threads = 2;
  // Threads running handlers; also the number of requests handled at once. Default 8.
  int worker_threads = 8;
  // Largest accepted request body. A larger Content-Length is answered 413 before any body byte
  // is read; a chunked body is cut off with 413 when it crosses the limit. Default 100 MiB, as
  // Cortex allows for a decompressed remote-write request.
  uint64_t max_body_bytes = 100ull << 20;
  // Largest request line + headers; beyond it 431. Default 1 MiB (Go's http.DefaultMaxHeaderBytes:
  // PromQL queries travel in the URL).
  uint32_t max_header_bytes = 1u << 20;
  // How long a keep-alive connection may wait for the first byte of its next request before it is
  // closed. Default 120 s (Cortex's http_server_idle_timeout).
  int64_t idle_timeout_ms = 120'000;
  // From the first byte of a request until its headers are complete; protects against clients
  // that trickle headers (slow loris). Also how long a new connection may stay silent before its
  // first request. Default 30 s.
  int64_t header_timeout_ms = 30'000;
  // For receiving the whole body once the headers are in. Default 120 s.
  int64_t body_timeout_ms = 120'000;
  // For writing a response to a client that does not read. Default 120 s.
  int64_t write_timeout_ms = 120'000;
  // After an error response that leaves request bytes unread (413, 400), the server half-closes
  // and drains the socket for up to this long before closing, so the client's unsent body does
  // not turn into a TCP reset that destroys the response before the client reads it. Default 1 s.
  int64_t linger_timeout_ms = 1'000;
  // How long Stop() waits for in-flight requests before closing their connections. Default 10 s.
  int64_t shutdown_timeout_ms = 10'000;
};

class HttpServer {
 public:
  // Runs on a worker thread and may block; see HttpHandler. Stop() waits for running handlers.
  using Handler = HttpHandler;

  explicit HttpServer(HttpServerOptions options);
  // Calls Stop().
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes requests whose decoded path equals `path` to `handler`, for every method (handlers
  // check the method; see CheckMethod). Exact routes win over prefix routes.
  // REQUIRES: called before Start(); `path` not registered before.
  void Handle(std::string path, Handler handler);
  // Routes requests whose decoded path starts with `prefix` (e.g. "/api/v1/label/"); the longest
  // matching prefix wins. REQUIRES: called before Start(); `prefix` not registered before.
  void HandlePrefix(std::string prefix, Handler handler);
  // Times every request into `durations` (see Router::Instrument). Call before Start.
  void Instrument(metrics::HistogramFamily* durations);

  // Listens on `address` ("0.0.0.0", "127.0.0.1", "::", "localhost"; "" means "0.0.0.0") and
  // `port` (0 picks a free one) and starts the I/O and worker threads. Returns the bound port.
  // InvalidArgument for a bad address, Unavailable if the socket cannot be bound.
  // REQUIRES: called at most once successfully; a stopped server cannot be restarted.
  absl::StatusOr<int> Start(const std::string& address, int port);

  // Graceful shutdown: stops accepting, closes idle keep-alive connections, lets in-flight
  // requests finish (their responses carry "Connection: close") for up to shutdown_timeout_ms,
  // then closes the remaining connections, waits for running handlers to return, and stops the
  // threads. Idempotent; a no-op if never started.
  // REQUIRES: not called from a handler (it would wait for itself).
  void Stop();

  // Open connections right now. Thread-safe.
  int num_connections() const;
  // The port Start() bound, or 0 before Start(). Thread-safe.
  int port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::api

#endif  // STRATA_API_HTTP_SERVER_H_
