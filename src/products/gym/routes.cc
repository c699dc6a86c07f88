#include "products/gym/routes.h"

#include <memory>
#include <utility>

#include "products/gym/route_support.h"

namespace trainyard::gym {

Status AddGymRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    std::shared_ptr<GymStore> store, api::Router* router,
                    RouteOptions options) {
  auto c = std::make_shared<GymContext>();
  c->deps = deps;
  c->jobs = jobs;
  c->store = std::move(store);
  c->options = options;
  c->deployments = std::make_unique<DeploymentManager>(deps.clock);
  c->sampler =
      std::make_unique<HostSampler>(deps.clock, options.host_sample_period_ms);
  ProcessRunner* runner = options.process_runner;
  if (runner == nullptr) {
    c->own_runner = std::make_unique<SubprocessRunner>();
    runner = c->own_runner.get();
  }
  c->kube = std::make_unique<KubernetesClient>(
      options.kube ? *options.kube
                   : KubeSettingsFromConfig(*deps.config,
                                            TRAINYARD_DEPLOY_TEMPLATES_DIR),
      runner);
  TY_RETURN_IF_ERROR(AddTrainingRoutes(c, router));
  TY_RETURN_IF_ERROR(AddGroupRoutes(c, router));
  TY_RETURN_IF_ERROR(AddModelRoutes(c, router));
  TY_RETURN_IF_ERROR(AddDeploymentRoutes(c, router));
  TY_RETURN_IF_ERROR(AddSystemRoutes(c, router));
  TY_RETURN_IF_ERROR(router->DeclareSurface(GymSurface()));
  return DeclareGymResponses(router);
}

}  // namespace trainyard::gym
