// The gym's HTTP surface under /api/v1 (spec/gym-api.md): training tasks
// (training_routes.cc: create, list, get, cancel, reconcile), load groups
// (group_routes.cc), models (model_routes.cc: list, get; deployment_routes.cc:
// deploy, predict, metrics) and system metrics (system_routes.cc), with
// their shared state in route_support.h. docs/gym.md documents every field.
#pragma once

#include <memory>
#include <optional>

#include "api/router.h"
#include "core/status.h"
#include "jobs/job_service.h"
#include "products/gym/gym_store.h"
#include "products/gym/kubernetes.h"
#include "products/gym/process_runner.h"
#include "products/product_deps.h"

namespace trainyard::gym {

struct RouteOptions {
  // How often GET /api/v1/metrics samples the host.
  int64_t host_sample_period_ms = 10000;
  // How long POST .../cancel waits for a running task to stop.
  int64_t cancel_wait_ms = 5000;
  // The Kubernetes deploy path; unset = KubeSettingsFromConfig (with the
  // source tree's deploy/k8s templates).
  std::optional<KubeSettings> kube;
  // Runs kubectl; null = a SubprocessRunner owned by the routes. Must
  // outlive the router when given.
  ProcessRunner* process_runner = nullptr;
  // How long GET /api/v1/metrics reuses kubectl's node and pod counts.
  int64_t kube_state_ttl_ms = 10000;
};

// Adds every gym route. The routes keep what they need (the store, a
// deployment manager, a host sampler) alive as long as the router.
Status AddGymRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    std::shared_ptr<GymStore> store, api::Router* router,
                    RouteOptions options = {});

}  // namespace trainyard::gym
