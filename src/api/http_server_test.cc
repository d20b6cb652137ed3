// HttpServer over real sockets on 127.0.0.1, driven by the raw blocking client of test_util.h.
// Timeouts are exercised with real time at a small scale (200 ms); the client observes them with
// deadline-bounded reads, never with sleeps.
#include "api/http_server.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "api/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/check.h"
#include "util/strings.h"

namespace strata::api {
namespace {

using ::strata::api::testing::GetRequest;
using ::strata::api::testing::ParsedResponse;
using ::strata::api::testing::PostRequest;
using ::strata::api::testing::TestConnection;
using ::testing::HasSubstr;
using Ms = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// Describes the request exactly as a handler saw it.
std::string Describe(const HttpRequest& req) {
  std::string out =
      StrCat("method=", req.method, "\npath=", req.path, "\nquery=", req.raw_query, "\n");
  for (const auto& [k, v] : req.params) StrAppend(&out, "param ", k, "=", v, "\n");
  StrAppend(&out, "org=", req.Header("x-scope-orgid"), "\nbody=", req.body);
  return out;
}

int ProcessThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!release_.HasBeenNotified()) release_.Notify();
    server_.reset();
  }

  void StartServer(HttpServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(options);
    server_->Handle("/echo", [this](const HttpRequest& req) {
      ++handled_;
      return TextResponse(200, Describe(req));
    });
    server_->Handle("/empty", [](const HttpRequest&) { return HttpResponse{}; });
    server_->Handle("/post-only", [](const HttpRequest& req) {
      if (auto denied = CheckMethod(req, {"POST"})) return *denied;
      return TextResponse(200, "posted");
    });
    server_->Handle("/block", [this](const HttpRequest&) {
      entered_.Notify();
      release_.WaitForNotification();
      return TextResponse(200, "unblocked").AddHeader("X-Extra", "yes");
    });
    server_->HandlePrefix("/prometheus/api/v1/label/", [](const HttpRequest& req) {
      return TextResponse(200, StrCat("label route: ", req.path));
    });
    absl::StatusOr<int> port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status();
    ASSERT_GT(*port, 0);
    port_ = *port;
  }

  TestConnection Connect() {
    absl::StatusOr<TestConnection> conn = TestConnection::Connect(port_);
    CHECK(conn.ok());
    return std::move(*conn);
  }

  // Answers `request` on a fresh connection.
  ParsedResponse Fetch(const std::string& request) {
    TestConnection conn = Connect();
    absl::StatusOr<ParsedResponse> resp = conn.RoundTrip(request);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? *resp : ParsedResponse{};
  }

  absl::Notification entered_;
  absl::Notification release_;
  std::atomic<int> handled_{0};
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerTest, GetDecodesQueryParamsAndHeaders) {
  StartServer();
  ParsedResponse resp =
      Fetch(GetRequest("/echo?match[]=up&match%5B%5D=%7Bjob%3D%22a%22%7D&q=a+b%2Fc&empty=",
                       "x-SCOPE-orgid: tenant-7\r\n"));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.version, "HTTP/1.1");
  EXPECT_EQ(resp.Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(resp.body,
            "method=GET\npath=/echo\n"
            "query=match[]=up&match%5B%5D=%7Bjob%3D%22a%22%7D&q=a+b%2Fc&empty=\n"
            "param empty=\nparam match[]=up\nparam match[]={job=\"a\"}\nparam q=a b/c\n"
            "org=tenant-7\nbody=");
  EXPECT_EQ(resp.Header("Content-Length"), std::to_string(resp.body.size()));
}

TEST_F(HttpServerTest, PostFormParamsComeBeforeQueryParams) {
  StartServer();
  ParsedResponse resp = Fetch(PostRequest("/echo?query=from_query",
                                          "application/x-www-form-urlencoded; charset=utf-8",
                                          "query=sum(rate(x%5B5m%5D))&match[]=a&match[]=b+c"));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body,
            "method=POST\npath=/echo\nquery=query=from_query\n"
            "param match[]=a\nparam match[]=b c\n"
            "param query=sum(rate(x[5m]))\nparam query=from_query\n"
            "org=\nbody=query=sum(rate(x%5B5m%5D))&match[]=a&match[]=b+c");
}

TEST_F(HttpServerTest, NonFormBodyIsNotParsed) {
  StartServer();
  std::string body("a=b\0\xff", 5);
  ParsedResponse resp = Fetch(PostRequest("/echo", "application/x-protobuf", body));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, StrCat("method=POST\npath=/echo\nquery=\norg=\nbody=", body));
}

TEST_F(HttpServerTest, LargeBodyWithinLimitArrivesWhole) {
  StartServer();
  std::string body(3 << 20, 'x');
  for (size_t i = 0; i < body.size(); i += 4099) body[i] = static_cast<char>('a' + i % 26);
  ParsedResponse resp = Fetch(PostRequest("/echo", "application/octet-stream", body));
  EXPECT_EQ(resp.status, 200);
  std::string want = StrCat("method=POST\npath=/echo\nquery=\norg=\nbody=", body);
  EXPECT_EQ(resp.body.size(), want.size());
  EXPECT_TRUE(resp.body == want);  // Not EXPECT_EQ: a failure would print megabytes.
}

TEST_F(HttpServerTest, PathIsPercentDecodedAndPrefixRouted) {
  StartServer();
  ParsedResponse resp = Fetch(GetRequest("/prometheus/api/v1/label/a%2Fb+c/values?x=1"));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, "label route: /prometheus/api/v1/label/a/b+c/values");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  StartServer();
  ParsedResponse nf = Fetch(GetRequest("/nope"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body, "404 page not found\n");
  ParsedResponse denied = Fetch(GetRequest("/post-only"));
  EXPECT_EQ(denied.status, 405);
  EXPECT_EQ(denied.Header("Allow"), "POST");
  EXPECT_EQ(Fetch(PostRequest("/post-only", "text/plain", "")).body, "posted");
}

TEST_F(HttpServerTest, EmptyBodyStillHasContentLengthAndExtraHeaders) {
  StartServer();
  ParsedResponse resp = Fetch(GetRequest("/empty"));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.Header("Content-Length"), "0");
  EXPECT_FALSE(resp.headers.count("Content-Type"));
  release_.Notify();
  ParsedResponse blocked = Fetch(GetRequest("/block"));
  EXPECT_EQ(blocked.Header("X-Extra"), "yes");
}

TEST_F(HttpServerTest, KeepAliveAnswersSequentialAndPipelinedRequestsInOrder) {
  StartServer();
  TestConnection conn = Connect();
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<ParsedResponse> resp = conn.RoundTrip(GetRequest(StrCat("/echo?i=", i)));
    ASSERT_TRUE(resp.ok()) << resp.status();
    EXPECT_THAT(resp->body, HasSubstr(StrCat("param i=", i, "\n")));
    EXPECT_FALSE(resp->headers.count("Connection"));  // HTTP/1.1: keep-alive by default.
  }
  std::string pipelined;
  for (int i = 0; i < 5; ++i) StrAppend(&pipelined, GetRequest(StrCat("/echo?p=", i)));
  ASSERT_TRUE(conn.Send(pipelined).ok());
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<ParsedResponse> resp = conn.ReadResponse();
    ASSERT_TRUE(resp.ok()) << resp.status();
    EXPECT_THAT(resp->body, HasSubstr(StrCat("param p=", i, "\n")));
  }
  EXPECT_EQ(server_->num_connections(), 1);
  EXPECT_EQ(handled_.load(), 8);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10CloseAfterResponse) {
  StartServer();
  TestConnection conn = Connect();
  absl::StatusOr<ParsedResponse> resp =
      conn.RoundTrip(GetRequest("/echo", "Connection: close\r\n"));
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->Header("Connection"), "close");
  EXPECT_TRUE(conn.WaitForClose());

  TestConnection old = Connect();
  resp = old.RoundTrip("GET /echo HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->version, "HTTP/1.0");
  EXPECT_TRUE(old.WaitForClose());

  TestConnection old_keep = Connect();
  resp = old_keep.RoundTrip("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->Header("Connection"), "keep-alive");
  resp = old_keep.RoundTrip("GET /echo?again=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_THAT(resp->body, HasSubstr("param again=1"));
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponse) {
  StartServer();
  TestConnection conn = Connect();
  ASSERT_TRUE(conn.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        "Expect: 100-continue\r\n\r\n")
                  .ok());
  absl::StatusOr<ParsedResponse> interim = conn.ReadResponse();
  ASSERT_TRUE(interim.ok()) << interim.status();
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(conn.Send("hello").ok());
  absl::StatusOr<ParsedResponse> resp = conn.ReadResponse();
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 200);
  EXPECT_THAT(resp->body, HasSubstr("body=hello"));
}

// 500 idle keep-alive connections with one I/O thread and two workers: no thread per connection.
TEST_F(HttpServerTest, ManyIdleKeepAliveConnectionsDoNotStarveOthers) {
  rlimit nofile{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &nofile), 0);
  if (nofile.rlim_cur < 4096 && nofile.rlim_max > nofile.rlim_cur) {
    nofile.rlim_cur = std::min<rlim_t>(nofile.rlim_max, 4096);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &nofile), 0);
  }
  constexpr int kIdle = 500;
  HttpServerOptions options;
  options.io_threads = 1;
  options.worker_threads = 2;
  StartServer(options);
  std::vector<TestConnection> idle;
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(Connect());
    absl::StatusOr<ParsedResponse> resp = idle.back().RoundTrip(GetRequest(StrCat("/echo?c=", i)));
    ASSERT_TRUE(resp.ok()) << i << ": " << resp.status();
  }
  EXPECT_EQ(server_->num_connections(), kIdle);
  int threads = ProcessThreadCount();
  EXPECT_GT(threads, 0);
  EXPECT_LT(threads, 20);  // Main + 1 I/O + 2 workers (+ whatever gtest has): far below 500.

  ParsedResponse other = Fetch(GetRequest("/echo?other=1"));
  EXPECT_THAT(other.body, HasSubstr("param other=1"));
  // All of them are still open and served, in reverse order for good measure.
  for (int i = kIdle - 1; i >= 0; --i) {
    absl::StatusOr<ParsedResponse> resp = idle[i].RoundTrip(GetRequest(StrCat("/echo?again=", i)));
    ASSERT_TRUE(resp.ok()) << i << ": " << resp.status();
    ASSERT_THAT(resp->body, HasSubstr(StrCat("param again=", i, "\n")));
  }
}

TEST_F(HttpServerTest, BlockingHandlerDoesNotBlockOtherConnections) {
  HttpServerOptions options;
  options.io_threads = 1;
  options.worker_threads = 2;
  StartServer(options);
  TestConnection blocked = Connect();
  ASSERT_TRUE(blocked.Send(GetRequest("/block")).ok());
  entered_.WaitForNotification();
  for (int i = 0; i < 3; ++i) {
    ParsedResponse resp = Fetch(GetRequest(StrCat("/echo?while_blocked=", i)));
    EXPECT_THAT(resp.body, HasSubstr(StrCat("param while_blocked=", i)));
  }
  // The blocked request is still unanswered.
  EXPECT_EQ(blocked.ReadResponse(Ms(50)).status().code(), absl::StatusCode::kDeadlineExceeded);
  release_.Notify();
  absl::StatusOr<ParsedResponse> resp = blocked.ReadResponse();
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->body, "unblocked");
}

TEST_F(HttpServerTest, BodyOverLimitIs413WithoutReadingIt) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  TestConnection conn = Connect();
  // Announce 10 MiB but send only the start: the answer must not wait for the rest.
  ASSERT_TRUE(conn.Send(StrCat("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n"
                               "Content-Type: application/x-protobuf\r\n\r\n",
                               std::string(4096, 'z')))
                  .ok());
  absl::StatusOr<ParsedResponse> resp = conn.ReadResponse();
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 413);
  EXPECT_EQ(resp->body,
            "request body too large: Content-Length 10485760 exceeds the limit of 1024 bytes\n");
  EXPECT_EQ(resp->Header("Connection"), "close");
  EXPECT_TRUE(conn.WaitForClose());
  EXPECT_EQ(handled_.load(), 0);

  // Exactly at the limit is fine.
  ParsedResponse ok = Fetch(PostRequest("/echo", "text/plain", std::string(1024, 'y')));
  EXPECT_EQ(ok.status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitIs413) {
  HttpServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);
  TestConnection conn = Connect();
  std::string chunk(600, 'c');
  ASSERT_TRUE(conn.Send(StrCat("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                               "\r\n258\r\n",
                               chunk, "\r\n258\r\n", chunk, "\r\n0\r\n\r\n"))
                  .ok());
  absl::StatusOr<ParsedResponse> resp = conn.ReadResponse();
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 413);
  EXPECT_EQ(resp->body, "request body too large: exceeds the limit of 1024 bytes\n");
  EXPECT_TRUE(conn.WaitForClose());
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, MalformedRequestsAre400) {
  StartServer();
  for (const char* bad : {"NOT AN HTTP REQUEST\r\n\r\n", "GET /echo HTTP/1.1\r\nNo colon\r\n\r\n",
                          "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    SCOPED_TRACE(bad);
    TestConnection conn = Connect();
    absl::StatusOr<ParsedResponse> resp = conn.RoundTrip(bad);
    ASSERT_TRUE(resp.ok()) << resp.status();
    EXPECT_EQ(resp->status, 400);
    EXPECT_THAT(resp->body, HasSubstr("malformed HTTP request header: "));
    EXPECT_TRUE(conn.WaitForClose());
  }
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, BadUrlEscapeIs400AndKeepsConnection) {
  StartServer();
  TestConnection conn = Connect();
  absl::StatusOr<ParsedResponse> resp = conn.RoundTrip(GetRequest("/echo?query=up%zz"));
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 400);
  EXPECT_EQ(resp->body, "query string: parameter \"query=up%zz\": invalid URL escape \"%zz\"\n");
  resp = conn.RoundTrip(GetRequest("/ec%ho"));
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 400);
  EXPECT_EQ(resp->body, "request path: invalid URL escape \"%ho\"\n");
  resp = conn.RoundTrip(GetRequest("/echo?fine=1"));
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 200);
}

TEST_F(HttpServerTest, HeadersOverLimitAre431) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  StartServer(options);
  TestConnection conn = Connect();
  absl::StatusOr<ParsedResponse> resp =
      conn.RoundTrip(GetRequest("/echo", StrCat("X-Big: ", std::string(2000, 'h'), "\r\n")));
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 431);
  EXPECT_EQ(resp->body, "request headers too large: exceed the limit of 1024 bytes\n");
  EXPECT_TRUE(conn.WaitForClose());
}

// The server closes the connection after `timeout_ms`; measured from `start`, which the caller
// takes after the server armed its timer, the close must not come early.
void ExpectClosedAfter(TestConnection& conn, SteadyClock::time_point start, int64_t timeout_ms) {
  EXPECT_TRUE(conn.WaitForClose(Ms(10'000)));
  auto elapsed = std::chrono::duration_cast<Ms>(SteadyClock::now() - start).count();
  EXPECT_GE(elapsed, timeout_ms - 50);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionTimesOut) {
  HttpServerOptions options;
  options.idle_timeout_ms = 200;
  StartServer(options);
  TestConnection conn = Connect();
  ASSERT_TRUE(conn.RoundTrip(GetRequest("/echo")).ok());
  ExpectClosedAfter(conn, SteadyClock::now(), 200);
  EXPECT_EQ(handled_.load(), 1);
}

TEST_F(HttpServerTest, SilentNewConnectionGetsHeaderTimeout) {
  HttpServerOptions options;
  options.idle_timeout_ms = 60'000;
  options.header_timeout_ms = 200;
  StartServer(options);
  SteadyClock::time_point start = SteadyClock::now();
  TestConnection conn = Connect();
  ExpectClosedAfter(conn, start, 200);
}

TEST_F(HttpServerTest, SlowHeadersTimeOut) {
  HttpServerOptions options;
  options.idle_timeout_ms = 60'000;
  options.header_timeout_ms = 200;
  StartServer(options);
  TestConnection conn = Connect();
  SteadyClock::time_point start = SteadyClock::now();
  ASSERT_TRUE(conn.Send("GET /echo HTTP/1.1\r\n").ok());
  ASSERT_TRUE(conn.Send("Host: x\r\nX-Slow: a").ok());
  ExpectClosedAfter(conn, start, 200);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, SlowBodyTimesOut) {
  HttpServerOptions options;
  options.body_timeout_ms = 200;
  StartServer(options);
  TestConnection conn = Connect();
  SteadyClock::time_point start = SteadyClock::now();
  ASSERT_TRUE(conn.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123").ok());
  ExpectClosedAfter(conn, start, 200);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, StopClosesIdleAndLetsInFlightRequestFinish) {
  HttpServerOptions options;
  options.io_threads = 1;
  StartServer(options);
  TestConnection idle = Connect();
  ASSERT_TRUE(idle.RoundTrip(GetRequest("/echo")).ok());
  TestConnection in_flight = Connect();
  ASSERT_TRUE(in_flight.Send(GetRequest("/block")).ok());
  entered_.WaitForNotification();

  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server_->Stop();
    stopped = true;
  });
  EXPECT_TRUE(idle.WaitForClose());
  // The listener closed before the idle connections did.
  EXPECT_FALSE(TestConnection::Connect(port_).ok());
  EXPECT_FALSE(stopped.load());

  release_.Notify();
  absl::StatusOr<ParsedResponse> resp = in_flight.ReadResponse();
  ASSERT_TRUE(resp.ok()) << resp.status();
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->body, "unblocked");
  EXPECT_EQ(resp->Header("Connection"), "close");
  EXPECT_TRUE(in_flight.WaitForClose());
  stopper.join();
  EXPECT_TRUE(stopped.load());
  EXPECT_EQ(server_->num_connections(), 0);
  server_->Stop();  // Idempotent.
}

TEST_F(HttpServerTest, StopGivesUpOnInFlightAfterShutdownTimeout) {
  HttpServerOptions options;
  options.shutdown_timeout_ms = 200;
  StartServer(options);
  TestConnection in_flight = Connect();
  ASSERT_TRUE(in_flight.Send(GetRequest("/block")).ok());
  entered_.WaitForNotification();
  std::thread stopper([&] { server_->Stop(); });
  // Closed without an answer once the grace period is over, while the handler still runs.
  absl::StatusOr<ParsedResponse> resp = in_flight.ReadResponse(Ms(10'000));
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kUnavailable) << resp.status();
  release_.Notify();  // Stop() waits for running handlers before it returns.
  stopper.join();
  EXPECT_EQ(server_->num_connections(), 0);
}

TEST_F(HttpServerTest, StartErrors) {
  StartServer();
  HttpServer bad_address(HttpServerOptions{});
  EXPECT_EQ(bad_address.Start("not-an-address", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  HttpServer taken(HttpServerOptions{});
  absl::StatusOr<int> port = taken.Start("127.0.0.1", port_);
  EXPECT_EQ(port.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(port.status().message()), HasSubstr(StrCat("127.0.0.1:", port_)));
  // A failed Start may be retried.
  port = taken.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_EQ(taken.port(), *port);
}

TEST_F(HttpServerTest, DestructorClosesConnections) {
  StartServer();
  TestConnection conn = Connect();
  ASSERT_TRUE(conn.RoundTrip(GetRequest("/echo")).ok());
  server_.reset();
  EXPECT_TRUE(conn.WaitForClose());
}

}  // namespace
}  // namespace strata::api
