// Routes every deployment has whatever products are enabled: the ILP
// welcome string (GET /api/v1/), health (GET /api/v1/health, as the gym
// document shows it: the platform's api and database components plus the
// ones products register, e.g. the gym's kubernetes and wandb) and the
// product-neutral job API under /api/jobs.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/http_metrics.h"
#include "api/router.h"
#include "core/clock.h"
#include "jobs/job_service.h"

namespace trainyard::api {

// The state of one dependency, for the health answer: "healthy",
// "unhealthy", "unreachable", "not_configured", ..., and why when it is not
// healthy (shown under "details"; empty = nothing to say). Converts from a
// plain status string.
struct ComponentState {
  ComponentState(std::string s = "", std::string m = "")
      : status(std::move(s)), message(std::move(m)) {}
  ComponentState(const char* s) : status(s) {}
  std::string status;
  std::string message;
};
using ComponentProbe = std::function<ComponentState()>;
// The states of the components products registered, by component name.
using ComponentsProbe = std::function<std::map<std::string, ComponentState>()>;

struct SystemRoutesDeps {
  jobs::JobService* jobs = nullptr;
  const Clock* clock = nullptr;
  std::string version;
  int64_t started_at_ms = 0;
  ComponentProbe database;
  // The products' components (may be unset: none).
  ComponentsProbe components;
  std::function<int()> job_workers;           // worker threads in this process
  std::function<int()> running_jobs;          // jobs running in this process
  const HttpMetrics* http_metrics = nullptr;  // null: no HTTP series
  // Appends families of other components (webhook deliveries, database
  // round trips) to GET /metrics; may be empty.
  std::function<void(PrometheusWriter*)> extra_metrics;
};

// Registers the routes: welcome, health, /api/jobs..., GET /metrics
// (Prometheus; admin token) and GET /api/openapi.json (public; generated
// from `router` itself when first asked, so it lists routes and surfaces
// added after this call too), and declares the surfaces "jobs"
// (/api/jobs) and kDefaultSurfaceTag (api/openapi.h: every path that no
// other surface claims). `deps` is copied; its pointers must outlive the
// router. Errors: Router::Add's and Router::DeclareSurface's (CONFLICT if
// called twice on one router).
Status AddSystemRoutes(Router* router, SystemRoutesDeps deps);

// Registers GET /api/v1/health alone, for a `trainyard worker`'s health
// port (Config::worker_health_port): only `clock`, `version`,
// `started_at_ms`, `database`, `components`, `job_workers` and
// `running_jobs` of `deps` are used.
Status AddHealthRoute(Router* router, SystemRoutesDeps deps);

// Health verdict from component states: "unhealthy" if the database is
// not "healthy"; "degraded" if one of `others` is configured but not
// healthy ("not_configured" and "configured" do not count); else "healthy".
std::string OverallHealth(const std::string& database,
                          const std::vector<std::string>& others);

// "1d2h3m4s"-style uptime ("24h" for exactly a day, as the document shows).
std::string FormatUptime(int64_t seconds);

}  // namespace trainyard::api
