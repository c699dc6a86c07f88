// `trainyard serve` and `trainyard worker` as objects: the composition root
// that wires the runtime, authentication, rate limits, every API surface's
// routes, the HTTP server and the job workers, and stops them in order.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/runtime.h"
#include "core/config.h"
#include "core/status.h"

namespace trainyard::api {
class Router;
class Authenticator;
class RateLimiter;
class Dispatcher;
class HttpServer;
class HttpMetrics;
}  // namespace trainyard::api

namespace trainyard::jobs {
class WorkerPool;
class JobService;
}  // namespace trainyard::jobs

namespace trainyard::app {

// How a server checks itself; production leaves it all off.
struct ServerOptions {
  // Check every success answer against its route's declared response
  // (api/response_schema.h; a mismatch becomes a 500 naming it): the API
  // tests turn it on so a declaration in the OpenAPI document cannot drift
  // from its handler.
  bool check_responses = false;
  // TRAINYARD_CHECK_RESPONSES=1 (the browser tests' `trainyard serve`).
  static ServerOptions FromEnvironment();
};

// One serving process. Create, Start, (serve), Stop; Stop is idempotent and
// also run by the destructor. Not thread-safe itself; what it runs is.
class ServerApp {
 public:
  // Opens the runtime, creates the admin user and token on first start,
  // and registers every route. VALIDATION_ERROR for a bad config (including
  // --auth=off on a non-loopback address), IO for the data directory.
  static Result<std::unique_ptr<ServerApp>> Create(
      const Config& config,
      ServerOptions options = ServerOptions::FromEnvironment());
  ~ServerApp();

  // Starts the workers and the HTTP server. IO error if the address cannot
  // be bound; nothing keeps running then.
  Status Start();
  // Stops accepting requests, lets in-flight ones finish, asks running jobs
  // to checkpoint and requeues them, and persists rate-limit counters.
  void Stop();

  int port() const;
  // The admin token created by this start (first start only).
  const std::optional<std::string>& bootstrap_token() const {
    return bootstrap_token_;
  }
  Runtime& runtime() { return *runtime_; }
  // Every registered route (fixed once Create returns), for tests that must
  // cover each route, including ones added later.
  const api::Router& router() const { return *router_; }
  jobs::JobService& job_service() { return *job_service_; }

 private:
  ServerApp() = default;
  Status Wire(const ServerOptions& options);
  void FlushLoop();

  std::unique_ptr<Runtime> runtime_;
  std::optional<std::string> bootstrap_token_;
  int64_t started_at_ms_ = 0;
  std::unique_ptr<jobs::WorkerPool> pool_;
  std::unique_ptr<jobs::JobService> job_service_;
  std::unique_ptr<api::Router> router_;
  std::unique_ptr<api::Authenticator> auth_;
  std::unique_ptr<api::RateLimiter> limiter_;
  std::unique_ptr<api::Dispatcher> dispatcher_;
  std::unique_ptr<api::HttpServer> http_;
  std::thread flusher_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool started_ = false;
  // Read by the dispatcher and GET /metrics; both stop with the server
  // (Stop() runs before the members are destroyed).
  std::unique_ptr<api::HttpMetrics> http_metrics_;
};

// `trainyard worker`: a process that only runs jobs from the shared
// database. Start/Stop as ServerApp.
class WorkerApp {
 public:
  static Result<std::unique_ptr<WorkerApp>> Create(const Config& config);
  ~WorkerApp();
  // Starts the job threads and, with Config::worker_health_port, the
  // health port. IO error if that port cannot be bound.
  Status Start();
  void Stop();
  // The bound health port, 0 without one. REQUIRES: Start() succeeded.
  int health_port() const;

 private:
  WorkerApp() = default;
  // GET /api/v1/health on its own small HTTP server: the database's state
  // and this process's job threads, for Kubernetes probes.
  Status WireHealth();
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<jobs::WorkerPool> pool_;
  std::unique_ptr<api::Router> router_;
  std::unique_ptr<api::Authenticator> auth_;
  std::unique_ptr<api::RateLimiter> limiter_;
  std::unique_ptr<api::Dispatcher> dispatcher_;
  std::unique_ptr<api::HttpServer> http_;
};

}  // namespace trainyard::app
