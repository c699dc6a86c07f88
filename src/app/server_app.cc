#include "app/server_app.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>

#include "api/auth.h"
#include "api/dispatcher.h"
#include "api/http_metrics.h"
#include "api/http_server.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "api/routes/admin_routes.h"
#include "api/routes/registry_routes.h"
#include "api/routes/system_routes.h"
#include "app/dashboard.h"
#include "app/health_probes.h"
#include "app/products.h"
#include "core/version.h"
#include "jobs/job_service.h"
#include "jobs/worker_pool.h"
#include "store/tables/webhook_store.h"

namespace trainyard::app {

namespace {

// GET /metrics families of the metadata store: one timed query round trip
// (what every request's queries wait behind) and the webhook outbox.
void StoreMetrics(store::MetadataStore* store, api::PrometheusWriter* out) {
  const auto start = std::chrono::steady_clock::now();
  const bool up = store->Ping().ok();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const api::PrometheusWriter::Labels backend = {{"backend", store->backend()}};
  out->Family("trainyard_database_up", "gauge",
              "1 if a query round trip to the metadata database succeeds.");
  out->Sample("trainyard_database_up", backend, up ? 1 : 0);
  out->Family("trainyard_database_ping_seconds", "gauge",
              "Duration of one query round trip, measured by this scrape.");
  out->Sample("trainyard_database_ping_seconds", backend, seconds);
  store::webhooks::WebhookStore* hooks = store->webhooks();
  if (hooks == nullptr) return;
  Result<store::webhooks::DeliveryTotals> totals = hooks->Totals();
  if (!totals.ok()) return;
  out->Family("trainyard_webhook_deliveries", "gauge",
              "Webhook deliveries in the outbox by status.");
  for (const char* status :
       {store::webhooks::kPending, store::webhooks::kDelivered,
        store::webhooks::kFailed}) {
    std::string label = status;
    for (char& c : label) c = static_cast<char>(std::tolower(c));
    out->Sample("trainyard_webhook_deliveries", {{"status", label}},
                static_cast<double>(totals->by_status[status]));
  }
  out->Family("trainyard_webhook_attempts_total", "counter",
              "Webhook delivery attempts.");
  out->Sample("trainyard_webhook_attempts_total", {},
              static_cast<double>(totals->attempts));
  out->Family("trainyard_webhook_failed_attempts_total", "counter",
              "Webhook delivery attempts without a 2xx answer.");
  out->Sample("trainyard_webhook_failed_attempts_total", {},
              static_cast<double>(totals->failed_attempts));
}

jobs::WorkerPoolOptions PoolOptions(const Runtime& rt, int threads) {
  jobs::WorkerPoolOptions o;
  o.threads = threads;
  o.lease_ms = static_cast<int64_t>(rt.config.job_lease_seconds) * 1000;
  o.checkpoint_root = CheckpointRoot(rt);
  o.runs_root = RunsRoot(rt);
  return o;
}

// The principal --auth=off requests act as: the first admin user.
Result<api::Principal> LocalAdmin(store::UserStore* users) {
  TY_ASSIGN_OR_RETURN(std::vector<store::User> all, users->ListUsers());
  for (const auto& u : all) {
    if (u.role == store::Role::kAdmin)
      return api::Principal{u.id, u.name, u.tier, u.role, ""};
  }
  return InternalError(
      "no admin user exists; create one with `trainyard token create "
      "--user admin --role admin`");
}

}  // namespace

ServerOptions ServerOptions::FromEnvironment() {
  const char* check = std::getenv("TRAINYARD_CHECK_RESPONSES");
  return {.check_responses = check != nullptr && std::string(check) == "1"};
}

Result<std::unique_ptr<ServerApp>> ServerApp::Create(const Config& config,
                                                     ServerOptions options) {
  std::unique_ptr<ServerApp> app(new ServerApp());
  TY_ASSIGN_OR_RETURN(app->runtime_,
                      OpenRuntime(config, store::OpenCheck::kFull));
  TY_ASSIGN_OR_RETURN(std::optional<api::IssuedToken> issued,
                      api::BootstrapAdmin(app->runtime_->store->users(),
                                          *SystemClock::Default()));
  if (issued) app->bootstrap_token_ = issued->token;
  TY_RETURN_IF_ERROR(app->Wire(options));
  return app;
}

namespace {

// What health reports for a server or a worker: the database (probed at
// most once a second: under load every health request would otherwise
// queue for a connection) and the job threads of `pool` (may be null: an
// API server without workers).
api::SystemRoutesDeps HealthDeps(Runtime& rt, const Clock* clock,
                                 int64_t started_at_ms,
                                 const jobs::WorkerPool* pool) {
  api::SystemRoutesDeps health;
  health.clock = clock;
  health.version = kVersion;
  health.started_at_ms = started_at_ms;
  auto database = std::make_shared<CachedProbe>(
      [store = rt.store.get()] { return ProbeDatabase(store); },
      std::chrono::seconds(1));
  health.database = [database] { return (*database)(); };
  health.job_workers = [pool] { return pool ? pool->threads() : 0; };
  health.running_jobs = [pool] { return pool ? pool->running() : 0; };
  return health;
}

}  // namespace

Status ServerApp::Wire(const ServerOptions& options) {
  Runtime& rt = *runtime_;
  const Clock* clock = SystemClock::Default();
  started_at_ms_ = clock->NowMillis();
  if (rt.config.workers > 0) {
    pool_ = std::make_unique<jobs::WorkerPool>(
        rt.store->jobs(), &rt.handlers, clock,
        PoolOptions(rt, rt.config.workers));
  }
  job_service_ = std::make_unique<jobs::JobService>(
      rt.store->jobs(), &rt.handlers, pool_.get(), clock);
  api::Principal local_admin;
  if (!rt.config.auth) {
    TY_ASSIGN_OR_RETURN(local_admin, LocalAdmin(rt.store->users()));
  }
  auth_ = std::make_unique<api::Authenticator>(rt.store->users(), clock,
                                               rt.config.auth, local_admin);
  limiter_ = std::make_unique<api::RateLimiter>(
      api::RateLimits{rt.config.rate_limit_free, rt.config.rate_limit_pro,
                      rt.config.rate_limit_elite, 3'600'000},
      clock, rt.store->rate_counters());
  TY_RETURN_IF_ERROR(limiter_->Load());
  router_ = std::make_unique<api::Router>();
  http_metrics_ = std::make_unique<api::HttpMetrics>();

  api::SystemRoutesDeps system =
      HealthDeps(rt, clock, started_at_ms_, pool_.get());
  system.jobs = job_service_.get();
  // Every other component is a product's (the gym's kubernetes and wandb),
  // registered by its AddRoutes below.
  auto product_checks = std::make_shared<products::HealthChecks>();
  system.components = [product_checks] {
    std::map<std::string, api::ComponentState> states;
    for (const auto& [name, state] : product_checks->RunAll()) {
      states[name] = {state.status, state.message};
    }
    return states;
  };
  system.http_metrics = http_metrics_.get();
  system.extra_metrics = [store = rt.store.get()](api::PrometheusWriter* out) {
    StoreMetrics(store, out);
  };
  TY_RETURN_IF_ERROR(api::AddSystemRoutes(router_.get(), std::move(system)));
  TY_RETURN_IF_ERROR(api::AddAdminRoutes(
      router_.get(),
      {rt.store->users(), rt.store->audit(), auth_.get(), clock}));
  TY_RETURN_IF_ERROR(
      api::AddRegistryRoutes(router_.get(), {rt.store->models()}));
  TY_RETURN_IF_ERROR(AddProductRoutes(&rt, job_service_.get(), router_.get(),
                                      product_checks.get()));
  TY_RETURN_IF_ERROR(AddDashboardRoutes(router_.get()));

  dispatcher_ = std::make_unique<api::Dispatcher>(
      router_.get(), auth_.get(), limiter_.get(), clock,
      rt.config.max_body_bytes, http_metrics_.get(), options.check_responses);
  http_ = std::make_unique<api::HttpServer>(
      dispatcher_.get(), api::HttpServerOptions{rt.config.bind, rt.config.port,
                                                rt.config.http_threads});
  return Status::Ok();
}

Status ServerApp::Start() {
  if (started_) return InternalError("server already started");
  TY_RETURN_IF_ERROR(StartProducts(runtime_.get()));
  Status http = http_->Start();
  if (!http.ok()) {
    StopProducts(runtime_.get());
    return http;
  }
  started_ = true;
  if (pool_) TY_RETURN_IF_ERROR(pool_->Start());
  flusher_ = std::thread([this] { FlushLoop(); });
  if (!runtime_->config.auth) {
    spdlog::warn(
        "authentication is OFF: every request acts as the admin user. "
        "Allowed only on loopback ({}); never expose this server.",
        runtime_->config.bind);
  }
  spdlog::info(
      "trainyard {} serving on http://{}:{} (data: {}, job workers: {})",
      kVersion, runtime_->config.bind, http_->port(),
      runtime_->data_dir->root(), runtime_->config.workers);
  return Status::Ok();
}

void ServerApp::FlushLoop() {
  std::unique_lock lock(mu_);
  while (!stop_cv_.wait_for(lock, std::chrono::seconds(1),
                            [this] { return stopping_; })) {
    lock.unlock();
    Status s = limiter_->Flush();
    if (!s.ok())
      spdlog::warn("cannot persist rate-limit counters: {}", s.ToString());
    lock.lock();
  }
}

void ServerApp::Stop() {
  if (!started_) return;
  started_ = false;
  spdlog::info("shutting down: finishing in-flight requests");
  http_->Stop();
  if (pool_) {
    spdlog::info("asking running jobs to checkpoint");
    pool_->Stop();
  }
  StopProducts(runtime_.get());
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  Status s = limiter_->Flush();
  if (!s.ok())
    spdlog::warn("cannot persist rate-limit counters: {}", s.ToString());
  spdlog::info("stopped");
}

ServerApp::~ServerApp() { Stop(); }

int ServerApp::port() const { return http_->port(); }

Result<std::unique_ptr<WorkerApp>> WorkerApp::Create(const Config& config) {
  std::unique_ptr<WorkerApp> app(new WorkerApp());
  TY_ASSIGN_OR_RETURN(app->runtime_,
                      OpenRuntime(config, store::OpenCheck::kFull));
  const int threads = std::max(1, config.workers);
  app->pool_ = std::make_unique<jobs::WorkerPool>(
      app->runtime_->store->jobs(), &app->runtime_->handlers,
      SystemClock::Default(), PoolOptions(*app->runtime_, threads));
  if (config.worker_health_port > 0) TY_RETURN_IF_ERROR(app->WireHealth());
  return app;
}

Status WorkerApp::WireHealth() {
  Runtime& rt = *runtime_;
  const Clock* clock = SystemClock::Default();
  router_ = std::make_unique<api::Router>();
  TY_RETURN_IF_ERROR(api::AddHealthRoute(
      router_.get(), HealthDeps(rt, clock, clock->NowMillis(), pool_.get())));
  // The one route is public: no token is ever checked or counted.
  auth_ =
      std::make_unique<api::Authenticator>(rt.store->users(), clock,
                                           /*enabled=*/true, api::Principal{});
  limiter_ = std::make_unique<api::RateLimiter>(
      api::RateLimits{rt.config.rate_limit_free, rt.config.rate_limit_pro,
                      rt.config.rate_limit_elite, 3'600'000},
      clock, nullptr);
  dispatcher_ = std::make_unique<api::Dispatcher>(router_.get(), auth_.get(),
                                                  limiter_.get(), clock, 1024);
  http_ = std::make_unique<api::HttpServer>(
      dispatcher_.get(),
      api::HttpServerOptions{rt.config.bind, rt.config.worker_health_port, 2});
  return Status::Ok();
}

Status WorkerApp::Start() {
  if (http_) {
    TY_RETURN_IF_ERROR(http_->Start());
    spdlog::info("worker health on http://{}:{}/api/v1/health",
                 runtime_->config.bind, http_->port());
  }
  return pool_->Start();
}

void WorkerApp::Stop() {
  pool_->Stop();
  if (http_) http_->Stop();
}

int WorkerApp::health_port() const { return http_ ? http_->port() : 0; }

WorkerApp::~WorkerApp() {
  if (pool_) pool_->Stop();
  if (http_) http_->Stop();
}

}  // namespace trainyard::app
