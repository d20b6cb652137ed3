#include "api/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "api/http_session.h"
#include "api/router.h"
#include "api/worker_pool.h"
#include "util/check.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::api {
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;
using internal::ServerContext;
using internal::Session;

namespace {

// After a failed accept (e.g. out of file descriptors) wait this long before trying again, so the
// accept loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay(50);
// After Stop() has closed every connection, how long to wait for them to be released.
constexpr absl::Duration kReleaseWait = absl::Seconds(5);

absl::StatusOr<net::ip::address> ParseAddress(const std::string& address) {
  if (address.empty()) return net::ip::address_v4::any();
  if (address == "localhost") return net::ip::address_v4::loopback();
  boost::system::error_code ec;
  net::ip::address addr = net::ip::make_address(address, ec);
  if (ec) return absl::InvalidArgumentError(StrCat("invalid listen address \"", address, "\""));
  return addr;
}

}  // namespace

// Member order matters for destruction: the io_context dies before `ctx_` and `router_`, because
// destroying it destroys pending handlers, which may hold the last reference to a Session.
class HttpServer::Impl {
 public:
  explicit Impl(HttpServerOptions options)
      : ctx_(std::move(options)),
        acceptor_(net::make_strand(ioc_)),
        retry_timer_(acceptor_.get_executor()) {
    ctx_.router = &router_;
  }
  ~Impl() { Stop(); }

  Router& router() {
    CHECK(!started_.load());  // Routes are read without locks once the server runs.
    return router_;
  }
  absl::StatusOr<int> Start(const std::string& address, int port);
  void Stop();
  int num_connections() {
    absl::MutexLock lock(&ctx_.mu);
    return static_cast<int>(ctx_.sessions.size());
  }
  int port() const { return port_.load(); }

 private:
  absl::Status Listen(const tcp::endpoint& endpoint);
  void Accept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);
  void CloseAcceptor();
  std::vector<std::shared_ptr<Session>> LiveSessions();
  bool AwaitNoSessions(absl::Duration timeout);

  Router router_;
  ServerContext ctx_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<int> port_{0};
  net::io_context ioc_;
  // Keeps run() going while no operation is pending, e.g. when every connection waits for a
  // worker: the responses are posted to the io_context later.
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_guard_;
  tcp::acceptor acceptor_;         // On its own strand: accepts, retries and Stop's close.
  net::steady_timer retry_timer_;  // On the acceptor's strand.
  std::unique_ptr<WorkerPool> pool_;
  std::vector<std::thread> io_threads_;
};

absl::Status HttpServer::Impl::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return absl::UnavailableError(StrCat("listen on ", endpoint.address().to_string(), ":",
                                         endpoint.port(), ": ", ec.message()));
  }
  port_.store(acceptor_.local_endpoint(ec).port());
  return absl::OkStatus();
}

absl::StatusOr<int> HttpServer::Impl::Start(const std::string& address, int port) {
  CHECK(!started_.load());
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(StrCat("invalid listen port ", port));
  }
  ASSIGN_OR_RETURN(net::ip::address addr, ParseAddress(address));
  RETURN_IF_ERROR(Listen(tcp::endpoint(addr, static_cast<uint16_t>(port))));
  pool_ = std::make_unique<WorkerPool>(std::max(1, ctx_.options.worker_threads));
  ctx_.pool = pool_.get();
  started_.store(true);
  net::post(acceptor_.get_executor(), [this] { Accept(); });
  work_guard_.emplace(ioc_.get_executor());
  int io_threads = std::max(1, ctx_.options.io_threads);
  for (int i = 0; i < io_threads; ++i) io_threads_.emplace_back([this] { ioc_.run(); });
  return port_.load();
}

void HttpServer::Impl::Accept() {
  // Each connection gets its own strand, so its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(ioc_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void HttpServer::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open()) return;  // Stop() closed it.
  if (ec) {
    // Typically EMFILE/ENFILE: existing connections keep working; try again shortly.
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) Accept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<Session>(std::move(socket), &ctx_)->Start();
  Accept();
}

void HttpServer::Impl::CloseAcceptor() {
  // On the acceptor's strand, and waited for: once this returns no new Session can appear
  // except from an accept that already completed, and that one sees `stopping`.
  std::promise<void> done;
  net::post(acceptor_.get_executor(), [this, &done] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    done.set_value();
  });
  done.get_future().wait();
}

std::vector<std::shared_ptr<Session>> HttpServer::Impl::LiveSessions() {
  std::vector<std::shared_ptr<Session>> live;
  absl::MutexLock lock(&ctx_.mu);
  for (const auto& [ptr, weak] : ctx_.sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool HttpServer::Impl::AwaitNoSessions(absl::Duration timeout) {
  auto none = [](ServerContext* ctx)
                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(ctx->mu) { return ctx->sessions.empty(); };
  absl::MutexLock lock(&ctx_.mu);
  return ctx_.mu.AwaitWithTimeout(absl::Condition(+none, &ctx_), timeout);
}

void HttpServer::Impl::Stop() {
  if (!started_.load() || stopped_.exchange(true)) return;
  ctx_.stopping.store(true);
  CloseAcceptor();
  for (const auto& session : LiveSessions()) session->CloseIfIdle();
  if (!AwaitNoSessions(absl::Milliseconds(ctx_.options.shutdown_timeout_ms))) {
    for (const auto& session : LiveSessions()) session->ForceClose();
  }
  // Waits for handlers still running (their responses are dropped) and drops queued requests.
  pool_->Shutdown();
  AwaitNoSessions(kReleaseWait);
  work_guard_.reset();
  ioc_.stop();
  for (std::thread& t : io_threads_) t.join();
  io_threads_.clear();
}

HttpServer::HttpServer(HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() = default;

void HttpServer::Handle(std::string path, Handler handler) {
  impl_->router().Handle(std::move(path), std::move(handler));
}

void HttpServer::HandlePrefix(std::string prefix, Handler handler) {
  impl_->router().HandlePrefix(std::move(prefix), std::move(handler));
}

void HttpServer::Instrument(metrics::HistogramFamily* durations) {
  impl_->router().Instrument(durations);
}

absl::StatusOr<int> HttpServer::Start(const std::string& address, int port) {
  return impl_->Start(address, port);
}

void HttpServer::Stop() { impl_->Stop(); }

int HttpServer::num_connections() const { return impl_->num_connections(); }

int HttpServer::port() const { return impl_->port(); }

}  // namespace strata::api
