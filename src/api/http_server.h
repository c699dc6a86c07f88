// Serves a Dispatcher over HTTP/1.1 (cpp-httplib, kept out of this header).
// Start binds and returns once the socket listens; Stop stops accepting and
// lets in-flight requests finish.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "api/dispatcher.h"
#include "core/status.h"

namespace trainyard::api {

struct HttpServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8000;  // 0 = pick a free port
  int threads = 8;
};

// Not copyable. Start/Stop from one thread; serving is multi-threaded.
class HttpServer {
 public:
  HttpServer(const Dispatcher* dispatcher, HttpServerOptions options);
  ~HttpServer();  // calls Stop()

  // IO error if the address cannot be bound (e.g. port in use).
  Status Start();
  // The bound port (useful with port 0). REQUIRES: Start() succeeded.
  int port() const { return port_; }
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  const Dispatcher* dispatcher_;
  HttpServerOptions options_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace trainyard::api
