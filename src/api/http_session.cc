#include "api/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/none.hpp>
#include <chrono>
#include <utility>

#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::api::internal {
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {

// How much an idle connection asks the socket for when its next request starts arriving.
constexpr size_t kFirstReadBytes = 16 << 10;
// Chunk size for draining unread input before closing.
constexpr size_t kLingerReadBytes = 64 << 10;

std::chrono::milliseconds Ms(int64_t ms) { return std::chrono::milliseconds(ms); }

std::string ToString(beast::string_view s) { return std::string(s.data(), s.size()); }

bool IsHttpParseError(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

std::string EndpointString(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  net::ip::tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "";
  return StrCat(ep.address().to_string(), ":", ep.port());
}

}  // namespace

absl::StatusOr<HttpRequest> ToHttpRequest(http::request<http::string_body>&& msg,
                                          std::string remote_addr) {
  HttpRequest req;
  req.method = ToString(msg.method_string());
  req.target = ToString(msg.target());
  req.remote_addr = std::move(remote_addr);
  for (const auto& field : msg) {
    req.headers.emplace(ToString(field.name_string()), ToString(field.value()));
  }
  req.body = std::move(msg.body());

  std::string_view target = req.target;
  size_t q = target.find('?');
  if (q != std::string_view::npos) req.raw_query = std::string(target.substr(q + 1));
  absl::StatusOr<std::string> path = PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
  if (!path.ok()) return Annotate(path.status(), "request path");
  req.path = std::move(*path);

  // Body parameters first, as Go's Request.ParseForm orders them (Prometheus reads FormValue).
  bool has_form_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  if (has_form_body && IsFormContentType(req.Header("Content-Type"))) {
    RETURN_IF_ERROR_CTX(ParseUrlEncoded(req.body, &req.params), "form body");
  }
  RETURN_IF_ERROR_CTX(ParseUrlEncoded(req.raw_query, &req.params), "query string");
  return req;
}

Session::Session(net::ip::tcp::socket socket, ServerContext* ctx)
    : ctx_(ctx), stream_(std::move(socket)) {
  remote_addr_ = EndpointString(stream_.socket());
}

Session::~Session() {
  absl::MutexLock lock(&ctx_->mu);
  ctx_->sessions.erase(this);
}

void Session::Start() {
  {
    absl::MutexLock lock(&ctx_->mu);
    ctx_->sessions.emplace(this, weak_from_this());
  }
  // Stop() sets `stopping` before it looks at `sessions`, so a Session registered too late to be
  // seen there finds the flag set in WaitForRequest and closes.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::WaitForRequest, shared_from_this()));
}

void Session::CloseIfIdle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kIdle) self->Close();
  });
}

void Session::ForceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Session::WaitForRequest() {
  if (state_ == State::kClosed) return;
  if (ctx_->stopping.load()) return Close();
  parser_.reset();
  res_.reset();
  if (buffer_.size() > 0) return ReadHeader();  // A pipelined request is already here.
  state_ = State::kIdle;
  // A new connection that sends nothing gets the header timeout: only a client that has made a
  // request earns the longer keep-alive wait.
  stream_.expires_after(
      Ms(served_any_ ? ctx_->options.idle_timeout_ms : ctx_->options.header_timeout_ms));
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(beast::error_code ec, size_t n) {
  // Idle timeout, the client closing, or Close() from Stop(): all end the connection quietly.
  if (ec || state_ == State::kClosed) return Close();
  buffer_.commit(n);
  ReadHeader();
}

void Session::ReadHeader() {
  state_ = State::kReading;
  version_ = 11;
  keep_alive_ = true;
  parser_.emplace();
  parser_->header_limit(ctx_->options.max_header_bytes);
  // No body limit while reading the header: Beast would reject a large Content-Length itself,
  // before OnHeader could answer with a message naming it. Set in OnHeader.
  parser_->body_limit(boost::none);
  stream_.expires_after(Ms(ctx_->options.header_timeout_ms));
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec) return OnReadError(ec, "header");
  version_ = parser_->get().version();
  keep_alive_ = parser_->keep_alive();
  auto length = parser_->content_length();  // boost::optional<uint64_t>
  if (length && *length > ctx_->options.max_body_bytes) {
    return RespondAndClose(
        413, StrCat("request body too large: Content-Length ", *length, " exceeds the limit of ",
                    ctx_->options.max_body_bytes, " bytes\n"));
  }
  // Still needed for bodies without Content-Length (chunked): Beast counts them as they arrive.
  parser_->body_limit(ctx_->options.max_body_bytes);
  if (parser_->is_done()) return DispatchToWorker();
  // Clients such as curl wait for "100 Continue" before sending a large body.
  beast::string_view expect = parser_->get()[http::field::expect];
  if (version_ >= 11 && beast::iequals(expect, "100-continue")) {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    stream_.expires_after(Ms(ctx_->options.write_timeout_ms));
    http::async_write(stream_, *cont,
                      [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                        self->OnContinueWritten(ec);
                      });
    return;
  }
  ReadBody();
}

void Session::OnContinueWritten(beast::error_code ec) {
  if (ec || state_ == State::kClosed) return Close();
  ReadBody();
}

void Session::ReadBody() {
  stream_.expires_after(Ms(ctx_->options.body_timeout_ms));
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Session::OnBody(beast::error_code ec) {
  if (ec) return OnReadError(ec, "body");
  DispatchToWorker();
}

void Session::OnReadError(beast::error_code ec, const char* reading) {
  if (state_ == State::kClosed) return;
  if (ec == http::error::body_limit) {
    return RespondAndClose(413, StrCat("request body too large: exceeds the limit of ",
                                       ctx_->options.max_body_bytes, " bytes\n"));
  }
  if (ec == http::error::header_limit) {
    return RespondAndClose(431, StrCat("request headers too large: exceed the limit of ",
                                       ctx_->options.max_header_bytes, " bytes\n"));
  }
  // end_of_stream and partial_message mean the client went away; timeouts and socket errors end
  // the connection without an answer, as there is no one to read it.
  if (IsHttpParseError(ec) && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return RespondAndClose(400,
                           StrCat("malformed HTTP request ", reading, ": ", ec.message(), "\n"));
  }
  Close();
}

void Session::DispatchToWorker() {
  state_ = State::kHandling;
  stream_.expires_never();
  Message msg = parser_->release();
  parser_.reset();
  auto task = [self = shared_from_this(), msg = std::move(msg)]() mutable {
    absl::StatusOr<HttpRequest> req = ToHttpRequest(std::move(msg), self->remote_addr_);
    HttpResponse resp = req.ok() ? self->ctx_->router->Serve(*req)
                                 : TextResponse(400, StrCat(req.status().message(), "\n"));
    net::post(self->stream_.get_executor(),
              [self, resp = std::move(resp)]() mutable { self->Write(std::move(resp)); });
  };
  if (!ctx_->pool->Submit(std::move(task))) {
    // Only while stopping: the pool no longer takes work.
    RespondAndClose(503, "server is shutting down\n");
  }
}

void Session::Write(HttpResponse resp) {
  if (state_ == State::kClosed) return;
  state_ = State::kWriting;
  bool keep_alive = keep_alive_ && !discard_input_ && !ctx_->stopping.load();
  keep_alive_ = keep_alive;
  res_.emplace();
  res_->version(version_);
  // Beast rejects codes outside 100..999 (by throwing); a handler returning one is a bug.
  bool valid_status = resp.status >= 100 && resp.status <= 999;
  res_->result(static_cast<unsigned>(valid_status ? resp.status : 500));
  if (!resp.content_type.empty()) res_->set(http::field::content_type, resp.content_type);
  for (const auto& [name, value] : resp.headers) res_->insert(name, value);
  res_->keep_alive(keep_alive);
  res_->body() = std::move(resp.body);
  // Content-Length even for an empty body: the client must not wait for the connection to close.
  res_->content_length(res_->body().size());
  stream_.expires_after(Ms(ctx_->options.write_timeout_ms));
  http::async_write(stream_, *res_, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->OnWrite(ec);
  });
}

void Session::OnWrite(beast::error_code ec) {
  if (ec || state_ == State::kClosed) return Close();
  served_any_ = true;
  if (discard_input_) return Linger();
  if (!keep_alive_) return Close();
  WaitForRequest();
}

void Session::RespondAndClose(int status, std::string message) {
  discard_input_ = true;
  parser_.reset();
  Write(TextResponse(status, std::move(message)));
}

void Session::Linger() {
  // Half-close, then read and drop whatever the client still sends until it closes or the linger
  // time runs out. Closing with unread input would send a reset, and a reset can destroy the
  // response in the client's receive buffer before the client reads it.
  state_ = State::kLinger;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  stream_.expires_after(Ms(ctx_->options.linger_timeout_ms));
  stream_.async_read_some(buffer_.prepare(kLingerReadBytes),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::OnLinger(beast::error_code ec, size_t n) {
  if (ec || state_ == State::kClosed) return Close();
  // The expiry set in Linger() still applies: draining is bounded in total, not per read.
  stream_.async_read_some(buffer_.prepare(kLingerReadBytes),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace strata::api::internal
