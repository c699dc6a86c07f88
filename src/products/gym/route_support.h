// What the gym's route files (training_routes.cc, group_routes.cc,
// model_routes.cc, deployment_routes.cc, system_routes.cc) share: the
// routes' state, binding handlers to it, and the helpers more than one
// resource uses (timestamps, the caller's model, a task's environment).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/body_schema.h"
#include "api/http_types.h"
#include "api/router.h"
#include "env/edge_scaling/edge_scaling.h"
#include "jobs/job_service.h"
#include "products/gym/deployments.h"
#include "products/gym/gym_store.h"
#include "products/gym/host_sampler.h"
#include "products/gym/kubernetes.h"
#include "products/gym/process_runner.h"
#include "products/gym/routes.h"
#include "products/product_deps.h"

namespace trainyard::gym {

// A value recomputed at most once per ttl_ms; thread-safe.
template <typename T>
class TtlValue {
 public:
  template <typename Fetch>
  T Get(int64_t now_ms, int64_t ttl_ms, Fetch fetch) {
    std::lock_guard lock(mu_);
    if (at_ms_ < 0 || now_ms - at_ms_ >= ttl_ms) {
      value_ = fetch();
      at_ms_ = now_ms;
    }
    return value_;
  }

 private:
  std::mutex mu_;
  int64_t at_ms_ = -1;
  T value_{};
};

// The state every gym route reads; one per router, shared by its handlers.
struct GymContext {
  products::ProductDeps deps;
  jobs::JobService* jobs = nullptr;
  std::shared_ptr<GymStore> store;
  RouteOptions options;
  // Declared after the store: destroyed first, joining loader threads
  // whose callbacks write to the store.
  std::unique_ptr<DeploymentManager> deployments;
  std::unique_ptr<HostSampler> sampler;
  // What predict needs of a deployed model, so that it does not query the
  // store: its owner and its environment's configuration.
  struct Served {
    std::string owner_id;
    env::edge::EdgeScalingConfig config;
    std::vector<env::edge::ObservationField> layout;
  };
  std::mutex served_mu;
  std::map<std::string, std::shared_ptr<const Served>> served;
  std::unique_ptr<ProcessRunner> own_runner;
  std::unique_ptr<KubernetesClient> kube;
  // kubectl answers, asked at most once per kube_state_ttl_ms (health is
  // public: no request may spawn kubectl).
  TtlValue<nlohmann::json> kube_state;
  TtlValue<KubernetesClient::Health> kube_health;
};

using GymHandler = Result<api::Response> (*)(GymContext&, api::Request&);

// One route of a route file's table.
struct GymRoute {
  std::string method;
  std::string pattern;
  api::Access access;
  GymHandler fn;
  // The schema `fn` reads its body through (api::Route::body), or null.
  std::shared_ptr<const api::BodySchema> body = nullptr;
};

// Registers `routes` with the shared context. Errors: Router::Add's.
Status AddRouteTable(api::Router* router,
                     const std::shared_ptr<GymContext>& ctx,
                     const std::vector<GymRoute>& routes);

// ISO 8601 (seconds) of a Unix time in milliseconds; nullopt / JSON null
// for none.
std::optional<std::string> Iso(const std::optional<int64_t>& ms);
nlohmann::json NullableIso(const std::optional<int64_t>& ms);

// The model named by path parameter model_id if the caller owns it (an
// admin: anyone's); NOT_FOUND otherwise, so ids cannot be probed.
Result<ModelRow> VisibleModel(GymContext& c, const api::Request& req);

// The environment configuration a model was trained with (its task's).
// NOT_FOUND without the task; VALIDATION_ERROR for unreadable parameters.
Result<env::edge::EdgeScalingConfig> ModelEnvConfig(
    GymContext& c, const std::string& model_id);

// The per-resource route groups, one file each; AddGymRoutes (routes.h)
// adds them all. Each returns Router::Add's errors.
Status AddTrainingRoutes(const std::shared_ptr<GymContext>& ctx,
                         api::Router* router);
Status AddGroupRoutes(const std::shared_ptr<GymContext>& ctx,
                      api::Router* router);
Status AddModelRoutes(const std::shared_ptr<GymContext>& ctx,
                      api::Router* router);
// Also brings back the deployments the store lists as deployed.
Status AddDeploymentRoutes(const std::shared_ptr<GymContext>& ctx,
                           api::Router* router);
// Also registers the "kubernetes" health check (ProductDeps::health).
Status AddSystemRoutes(const std::shared_ptr<GymContext>& ctx,
                       api::Router* router);

// The "gym" surface (api::ApiSurface, responses.cc): the gym document's
// paths under /api/v1 — training, models, groups, metrics, and health,
// which the server answers (api/routes/system_routes.h) as that document
// describes it. No error of its own.
api::ApiSurface GymSurface();

// Declares what every gym route answers on success (responses.cc).
// REQUIRES: every gym route is added. Errors: Router::DeclareResponses's.
Status DeclareGymResponses(api::Router* router);

}  // namespace trainyard::gym
