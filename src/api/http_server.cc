#include "api/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <optional>

#include "api/content_coding.h"
#include "api/error_response.h"
#include "core/ascii.h"
#include "core/clock.h"
#include "core/ids.h"

namespace trainyard::api {

struct HttpServer::Impl {
  httplib::Server server;
  std::atomic<bool> listen_returned{false};
};

namespace {

Request FromHttplib(const httplib::Request& in) {
  Request out;
  out.method = in.method;
  out.path = in.path;
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  for (const auto& [name, value] : in.headers) {
    std::string lower = name;
    for (char& c : lower) {  // ASCII only, without a libc call per character
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    out.headers.emplace(std::move(lower), value);
  }
  out.query.insert(in.params.begin(), in.params.end());
  return out;
}

// httplib parses a Range header before routing and applies it to every
// response it writes: it slices error bodies, answers 416 with no body and
// sends a Content-Length it computed itself for streams. Ranges are the
// dispatcher's business (file downloads only), so httplib's parsed ranges
// are dropped before it writes anything. `req` is const in the handler
// signatures but refers to a non-const local of httplib's request loop, so
// the write is well-defined.
void ForgetRanges(const httplib::Request& req) {
  const_cast<httplib::Request&>(req).ranges.clear();
}

// Whether the request announces a body (httplib reads it only after
// routing, so handlers that run earlier must not answer one that has).
bool HasBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

// Whether httplib reads the body of a request with this method. It leaves
// any other method's body on the connection, where the next request would
// be parsed from it (request smuggling: a GET whose body is a second
// request had that request served).
bool ReadsBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" ||
         method == "DELETE";
}

// Carries the real method of a request that has a body httplib would not
// read (see ReadBodyOf). Removed from every incoming request first, so a
// client cannot set it.
constexpr char kMethodWithBody[] = "X-Trainyard-Method-With-Body";

// Makes httplib read (and size-check) the body of a GET/HEAD/OPTIONS/TRACE
// request by routing it as a DELETE; RestoreMethod puts the method back
// before the dispatcher or the response writer sees it. `req` is a
// non-const local of httplib's request loop (see ForgetRanges).
void ReadBodyOf(const httplib::Request& req) {
  auto& mutable_req = const_cast<httplib::Request&>(req);
  mutable_req.headers.emplace(kMethodWithBody, req.method);
  mutable_req.method = "DELETE";
}

void RestoreMethod(const httplib::Request& req) {
  if (!req.has_header(kMethodWithBody)) return;
  auto& mutable_req = const_cast<httplib::Request&>(req);
  mutable_req.method = req.get_header_value(kMethodWithBody);
  mutable_req.headers.erase(kMethodWithBody);
}

// Methods that have a catch-all handler below.
bool IsServedMethod(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "POST" ||
         method == "PUT" || method == "PATCH" || method == "DELETE" ||
         method == "OPTIONS";
}

// Largest piece of a streamed body read at once.
constexpr int64_t kMaxStreamChunk = 64 * 1024;

// Where the client's Accept-Encoding waits for the answer (see
// HideAcceptEncoding). Removed from every incoming request first, so a
// client cannot set it.
constexpr char kAcceptEncoding[] = "X-Trainyard-Accept-Encoding";

// Moves the client's Accept-Encoding out of httplib's sight: httplib would
// compress every textual answer to a client that offers "br" (any browser)
// with brotli at its slowest level, ~300 ms of CPU for the dashboard's
// script; CompressedBody compresses with gzip instead.
void HideAcceptEncoding(const httplib::Request& req) {
  auto& mutable_req = const_cast<httplib::Request&>(req);
  mutable_req.headers.erase(kAcceptEncoding);
  std::string offered;
  auto [it, end] = req.headers.equal_range("Accept-Encoding");
  for (; it != end; ++it) offered += (offered.empty() ? "" : ", ") + it->second;
  mutable_req.headers.erase("Accept-Encoding");
  if (!offered.empty()) mutable_req.headers.emplace(kAcceptEncoding, offered);
}

// Takes back what HideAcceptEncoding put aside (the client's value).
std::string TakeAcceptEncoding(const httplib::Request& req) {
  std::string offered = req.get_header_value(kAcceptEncoding);
  const_cast<httplib::Request&>(req).headers.erase(kAcceptEncoding);
  return offered;
}

bool HasHeader(const Response& r, std::string_view name) {
  return std::any_of(r.headers.begin(), r.headers.end(), [&](const auto& h) {
    return EqualsIgnoringAsciiCase(h.first, name);
  });
}

// The gzip form of an answer's body when it is worth sending so, else
// nothing. Sets the Vary and Content-Encoding headers it implies. An answer
// its handler encoded already (the dashboard's precompressed files) is
// left alone.
std::optional<std::string> CompressedBody(const Response& in, bool gzip,
                                          httplib::Response* out) {
  if (in.body.size() < kMinCompressedBody || !IsCompressible(in.content_type) ||
      HasHeader(in, "Content-Encoding"))
    return std::nullopt;
  // A cache must not give a compressed copy to a client that did not ask.
  out->set_header("Vary", "Accept-Encoding");
  if (!gzip) return std::nullopt;
  Result<std::string> gz = Gzip(in.body, kAnswerGzipLevel);
  if (!gz.ok() || gz->size() >= in.body.size()) return std::nullopt;
  out->set_header("Content-Encoding", "gzip");
  return std::move(*gz);
}

void ToHttplib(const Response& in, bool gzip, httplib::Response* out) {
  out->status = in.status;
  for (const auto& [name, value] : in.headers) out->set_header(name, value);
  if (in.stream && in.stream_size > 0) {
    out->set_content_provider(
        static_cast<size_t>(in.stream_size), in.content_type,
        [stream = in.stream, chunk = std::string()](
            size_t offset, size_t length, httplib::DataSink& sink) mutable {
          const int64_t want =
              std::min<int64_t>(static_cast<int64_t>(length), kMaxStreamChunk);
          if (!stream(static_cast<int64_t>(offset), want, &chunk) ||
              chunk.empty())
            return false;
          return sink.write(chunk.data(), chunk.size());
        });
    return;
  }
  std::optional<std::string> compressed = CompressedBody(in, gzip, out);
  out->set_content(compressed ? *compressed : in.body, in.content_type);
}

}  // namespace

HttpServer::HttpServer(const Dispatcher* dispatcher, HttpServerOptions options)
    : impl_(std::make_unique<Impl>()),
      dispatcher_(dispatcher),
      options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  httplib::Server& server = impl_->server;
  const int threads = options_.threads;
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server.set_keep_alive_max_count(100000);
  server.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // server silently share the port; a busy port must be an error instead.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR,
               reinterpret_cast<const void*>(&yes), sizeof(yes));
  });
  // Read one byte more than the largest route limit so the dispatcher sees
  // an oversized body and answers 413 in the standard format with the
  // limit of the route that was called.
  server.set_payload_max_length(
      static_cast<size_t>(dispatcher_->largest_body_limit()) + 1);
  // One catch-all handler per method hands every request to the dispatcher
  // (httplib reads the body before calling it; a pre-routing handler would
  // run before the body is read).
  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    RestoreMethod(req);
    const std::string offered = TakeAcceptEncoding(req);
    Request request = FromHttplib(req);
    if (!offered.empty()) request.headers["accept-encoding"] = offered;
    ToHttplib(dispatcher_->Handle(request), AcceptsGzip(offered), &res);
  };
  const std::string any = ".*";
  server.Get(any, handle);
  server.Post(any, handle);
  server.Put(any, handle);
  server.Patch(any, handle);
  server.Delete(any, handle);
  server.Options(any, handle);
  server.set_pre_routing_handler(
      [handle](const httplib::Request& req, httplib::Response& res) {
        ForgetRanges(req);
        HideAcceptEncoding(req);
        // httplib waits for the read timeout and then refuses a
        // POST/PUT/PATCH with neither a Content-Length nor chunked encoding
        // — what `curl -X POST URL` without -d sends. Such a request has no
        // body: answer it at once as one with an empty body (this runs
        // before httplib reads any body). Methods httplib has no handler
        // for (TRACE, CONNECT) go to the dispatcher too, which answers 405.
        const_cast<httplib::Request&>(req).headers.erase(kMethodWithBody);
        if (HasBody(req) && !ReadsBody(req.method)) {
          ReadBodyOf(req);
          return httplib::Server::HandlerResponse::Unhandled;
        }
        const bool writes = req.method == "POST" || req.method == "PUT" ||
                            req.method == "PATCH";
        if ((writes && !HasBody(req)) || !IsServedMethod(req.method)) {
          handle(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });
  // Errors httplib answers itself (a body over the limit, a malformed
  // request line, a Range header it cannot parse) still get the standard
  // error body.
  const int64_t max_body = dispatcher_->largest_body_limit();
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [handle, max_body](const httplib::Request& req, httplib::Response& res) {
        ForgetRanges(req);
        RestoreMethod(req);
        // Errors httplib answers before routing: small bodies, sent as is.
        const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
        if (!res.body.empty())
          return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 416 && req.has_header("Range")) {
          // httplib refused a Range header it cannot parse before routing.
          // Without a body the request is served as usual (the dispatcher
          // ignores Range except on downloads, which answer 416 themselves).
          if (!HasBody(req)) {
            handle(req, res);
            return httplib::Server::HandlerResponse::Handled;
          }
          // With one, httplib has not read the body: refuse, and ask the
          // client to close so the unread bytes are not taken as a request.
          res.set_header("Connection", "close");
        }
        ErrorCode code = res.status == 413   ? ErrorCode::kPayloadTooLarge
                         : res.status == 404 ? ErrorCode::kNotFound
                         : res.status >= 500 ? ErrorCode::kInternal
                                             : ErrorCode::kValidation;
        std::string message =
            code == ErrorCode::kPayloadTooLarge
                ? "request body exceeds " + std::to_string(max_body) + " bytes"
            : res.status == 416
                ? "malformed Range header (a request with a body cannot "
                  "carry one)"
                : "malformed HTTP request (status " +
                      std::to_string(res.status) + ")";
        const std::string request_id = NewHexId24();
        const int64_t now = SystemClock::Default()->NowMillis();
        Response r =
            res.status == 416
                ? ErrorResponse(416, kRangeNotSatisfiable,
                                ValidationError(message), request_id, now)
                : ErrorResponse(Status(code, message), request_id, now);
        res.set_header("X-Request-Id", request_id);
        res.set_content(r.body, r.content_type);
        return httplib::Server::HandlerResponse::Handled;
      }));
  std::string host = options_.bind == "localhost" ? "127.0.0.1" : options_.bind;
  if (options_.port == 0) {
    port_ = server.bind_to_any_port(host);
    if (port_ <= 0) return IoError("cannot bind " + host + " on any port");
  } else {
    if (!server.bind_to_port(host, options_.port)) {
      return IoError("cannot bind " + host + ":" +
                     std::to_string(options_.port) +
                     " (in use, or not an address of this machine?)");
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] {
    impl_->server.listen_after_bind();
    impl_->listen_returned = true;
  });
  // httplib's stop() does nothing until its listen loop has started, so a
  // Stop() right after Start() would leave the loop running and join it
  // forever: wait until the loop runs (or has already given up).
  while (!impl_->server.is_running() && !impl_->listen_returned)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  impl_->server.stop();
  thread_.join();
}

}  // namespace trainyard::api
