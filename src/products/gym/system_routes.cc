// GET metrics (admins): the host, the cluster and the training queue; and
// the "kubernetes" health check.
#include "api/routes/system_routes.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "api/error_response.h"
#include "products/gym/route_support.h"
#include "products/gym/task_spec.h"
#include "products/gym/time_series.h"
#include "products/gym/training_job.h"

namespace trainyard::gym {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

// The health probe's kubectl readiness answer.
KubernetesClient::Health KubeHealth(GymContext& c) {
  return c.kube_health.Get(c.deps.clock->NowMillis(),
                           c.options.kube_state_ttl_ms,
                           [&] { return c.kube->CheckHealth(); });
}

// kubectl's node and pod counts.
json KubeState(GymContext& c) {
  return c.kube_state.Get(c.deps.clock->NowMillis(),
                          c.options.kube_state_ttl_ms,
                          [&] { return c.kube->State(); });
}

Result<Response> SystemMetrics(GymContext& c, Request& req) {
  TY_ASSIGN_OR_RETURN(Window window,
                      ParseWindow(req, c.deps.clock->NowMillis()));
  store::JobFilter filter;
  filter.type = kTrainJobType;
  filter.status = store::JobStatus::kRunning;
  TY_ASSIGN_OR_RETURN(int64_t running, c.jobs->Count(filter));
  filter.status = store::JobStatus::kQueued;
  TY_ASSIGN_OR_RETURN(int64_t queued, c.jobs->Count(filter));
  filter.status = store::JobStatus::kCompleted;
  TY_ASSIGN_OR_RETURN(int64_t completed, c.jobs->Count(filter));
  filter.limit = 1000;  // the newest thousand are a fair average
  TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> done, c.jobs->List(filter));
  double seconds = 0.0;
  int64_t timed = 0;
  for (const auto& job : done) {
    if (job.started_at && job.finished_at) {
      seconds += (*job.finished_at - *job.started_at) / 1000.0;
      ++timed;
    }
  }
  json average_seconds = timed > 0 ? json(seconds / timed) : json();
  json average_text =
      timed > 0 ? json(api::FormatUptime(std::llround(seconds / timed)))
                : json();
  json kubernetes = KubeState(c);
  kubernetes["resource_usage"] = nullptr;
  json out = {{"system", c.sampler->Series(window)},
              {"kubernetes", kubernetes},
              {"training",
               {{"active_tasks", running + queued},
                {"running_tasks", running},
                {"queued_tasks", queued},
                {"completed_tasks", completed},
                {"average_training_time", average_text},
                {"average_training_seconds", average_seconds}}}};
  return JsonResponse(200, out.dump());
}

}  // namespace

Status AddSystemRoutes(const std::shared_ptr<GymContext>& ctx,
                       api::Router* router) {
  if (ctx->deps.health != nullptr) {
    ctx->deps.health->Set(
        "kubernetes", [weak = std::weak_ptr<GymContext>(ctx)] {
          std::shared_ptr<GymContext> c = weak.lock();
          if (!c) return products::HealthChecks::State{"not_configured", ""};
          KubernetesClient::Health h = KubeHealth(*c);
          return products::HealthChecks::State{h.status, h.message};
        });
  }
  return AddRouteTable(
      router, ctx,
      {{"GET", "/api/v1/metrics", api::Access::kAdmin, SystemMetrics}});
}

}  // namespace trainyard::gym
