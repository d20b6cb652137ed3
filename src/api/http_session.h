// Internal to HttpServer: one HTTP/1.1 connection. Includes Beast, so only http_server.cc and
// http_session.cc include it.
//
// A Session is owned by shared_ptrs held in the completion handlers of its pending operation (or by
// the worker task running its request), so it dies when nothing is pending on it. Every mutable
// member is touched only on the connection's strand; the worker task gets the request message
// moved into it and posts the response back to the strand.
//
// Life of a request, one at a time per connection:
//   kIdle:     waits for the first byte of the next request (idle_timeout_ms; header_timeout_ms
//              before the first request). Stop() closes it.
//   kReading:  headers (header_timeout_ms), then body (body_timeout_ms). A Content-Length over
//              the limit is answered 413 at once.
//   kHandling: the request runs on a worker; nothing is pending on the socket.
//   kWriting:  the response goes out (write_timeout_ms); then kIdle again, or close.
//   kLinger:   after an error response that left input unread: half-closed, draining input.
//   kClosed.
#ifndef STRATA_API_HTTP_SESSION_H_
#define STRATA_API_HTTP_SESSION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "api/http_server.h"
#include "api/router.h"
#include "api/worker_pool.h"

namespace strata::api::internal {

class Session;

// What sessions share with their server. Outlives every Session: HttpServer::Impl destroys its
// io_context (and with it any handler still holding a Session) before this.
struct ServerContext {
  ServerContext(HttpServerOptions opts) : options(std::move(opts)) {}

  const HttpServerOptions options;
  const Router* router = nullptr;  // Set before Start; immutable afterwards.
  WorkerPool* pool = nullptr;      // Set by Start.
  // Set once by Stop(). Sessions read it to stop keeping connections alive.
  std::atomic<bool> stopping{false};

  absl::Mutex mu;
  // Every live Session, for Stop() to reach them. Keyed by address; a Session removes itself in
  // its destructor.
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions ABSL_GUARDED_BY(mu);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `socket` is bound to this connection's strand. `ctx` must outlive the Session.
  Session(boost::asio::ip::tcp::socket socket, ServerContext* ctx);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers with ctx and starts reading. Call once, right after construction.
  void Start();
  // Thread-safe: closes the connection if it is waiting between requests (kIdle).
  void CloseIfIdle();
  // Thread-safe: closes the connection whatever it is doing; a running handler's response is
  // dropped.
  void ForceClose();

 private:
  enum class State { kIdle, kReading, kHandling, kWriting, kLinger, kClosed };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using Message = boost::beast::http::request<boost::beast::http::string_body>;

  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, size_t n);
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnContinueWritten(boost::beast::error_code ec);
  void OnBody(boost::beast::error_code ec);
  // Handles a failed header or body read; `reading` names the phase for the 400 message.
  void OnReadError(boost::beast::error_code ec, const char* reading);
  void DispatchToWorker();
  void Write(HttpResponse resp);
  void OnWrite(boost::beast::error_code ec);
  // Answers with `status` and closes; the request's remaining input is drained, not parsed.
  void RespondAndClose(int status, std::string message);
  void Linger();
  void OnLinger(boost::beast::error_code ec, size_t n);
  void Close();

  ServerContext* const ctx_;
  boost::beast::tcp_stream stream_;
  std::string remote_addr_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> res_;
  State state_ = State::kIdle;
  unsigned version_ = 11;       // HTTP version of the current request (11 = 1.1).
  bool keep_alive_ = true;      // The current request allows another one after it.
  bool discard_input_ = false;  // After the response, drain input instead of reading a request.
  bool served_any_ = false;     // A response was written: idle waits use idle_timeout_ms.
};

// Converts a parsed message into what handlers see: decodes the path and query, and merges form
// parameters from a urlencoded POST/PUT/PATCH body. InvalidArgument on a bad %-escape.
absl::StatusOr<HttpRequest> ToHttpRequest(
    boost::beast::http::request<boost::beast::http::string_body>&& msg, std::string remote_addr);

}  // namespace strata::api::internal

#endif  // STRATA_API_HTTP_SESSION_H_
