// What the ILP route files (training_routes.cc, evaluation_routes.cc,
// model_routes.cc, file_routes.cc, prediction_routes.cc, pool_data_routes.cc)
// share: the routes' state, binding handlers to it, and the helpers more
// than one resource uses (the caller's usable model version).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/body_schema.h"
#include "api/http_types.h"
#include "api/json_validator.h"
#include "api/router.h"
#include "jobs/job_service.h"
#include "products/ilp/chain_endpoints.h"
#include "products/ilp/model_registry.h"
#include "products/ilp/predictor.h"
#include "products/ilp/settings_store.h"
#include "products/ilp/workspace.h"
#include "products/product_deps.h"

namespace trainyard::ilp {

// Upper bound of agent_budget_usd, and the lower bound of numbers that
// must be positive.
inline constexpr double kMaxBudget = 1e12;
inline constexpr double kTiny = 1e-12;

// The state every ILP route reads; one per router, shared by its handlers.
// Thread-safe as its members are (the registry, predictor and stores are).
struct IlpContext {
  products::ProductDeps deps;
  jobs::JobService* jobs;
  Workspace workspace;
  IlpModelRegistry registry;
  Predictor predictor;
  SettingsStore* settings = nullptr;          // initialize-script's base_path
  std::shared_ptr<ChainEndpoints> endpoints;  // live pools (pool_address)
  IlpContext(const products::ProductDeps& d, jobs::JobService* j)
      : deps(d),
        jobs(j),
        workspace(d.data_dir),
        registry(d.store->models(), d.store->jobs(), d.artifacts, &workspace,
                 d.clock),
        predictor(d.artifacts) {}
};

using IlpHandler = Result<api::Response> (*)(IlpContext&, api::Request&);
// A handler of a route registered once per algorithm (ppo, ddpg).
using IlpAlgoHandler = Result<api::Response> (*)(IlpContext&,
                                                 const std::string& algo,
                                                 api::Request&);

// One route of a route file's table.
struct IlpRoute {
  std::string method;
  std::string pattern;
  api::Access access;
  IlpHandler fn;
  int64_t max_body_bytes = 0;  // as api::Route's
  // The schema `fn` reads its body through (api::Route::body), or null.
  std::shared_ptr<const api::BodySchema> body = nullptr;
};

// Registers `routes` with the shared context. Errors: Router::Add's.
Status AddRouteTable(api::Router* router,
                     const std::shared_ptr<IlpContext>& ctx,
                     const std::vector<IlpRoute>& routes);
// Registers a per-algorithm route: `fn` is called with `algo`; `body` as
// IlpRoute::body.
Status AddIlpAlgoRoute(api::Router* router, const std::string& method,
                       const std::string& pattern, api::Access access,
                       const std::shared_ptr<IlpContext>& ctx,
                       IlpAlgoHandler fn, const std::string& algo,
                       std::shared_ptr<const api::BodySchema> body = nullptr);

// The version of the caller's model that `ref` names, to use it: the
// version asked for, or else the newest whose training completed.
// NOT_FOUND if the caller has no such model (whoever else has one);
// CONFLICT if its only versions are still training.
Result<IlpVersion> UsableVersion(IlpContext& s, const api::Principal& caller,
                                 const std::string& algo,
                                 const ModelReference& ref);

// The document's training status of a job: running (queued or running),
// done, failed or cancelled.
std::string ResultStatus(store::JobStatus st);

// The per-resource route groups, one file each; AddIlpRoutes (routes.h)
// adds them all. Each returns Router::Add's errors.
Status AddTrainingRoutes(const std::shared_ptr<IlpContext>& ctx,
                         api::Router* router);
Status AddEvaluationRoutes(const std::shared_ptr<IlpContext>& ctx,
                           api::Router* router);
Status AddModelRoutes(const std::shared_ptr<IlpContext>& ctx,
                      api::Router* router);
Status AddFileRoutes(const std::shared_ptr<IlpContext>& ctx,
                     api::Router* router);
Status AddPredictionRoutes(const std::shared_ptr<IlpContext>& ctx,
                           api::Router* router);
Status AddPoolDataRoutes(const std::shared_ptr<IlpContext>& ctx,
                         api::Router* router);

// The "ILP" surface (api::ApiSurface, responses.cc): every path under
// /api/v1 that no other surface claims with a longer prefix (the gym's),
// including the server's welcome string at /api/v1/, which is the ILP
// document's. No error of its own.
api::ApiSurface IlpSurface();

// Declares what every ILP route answers on success (responses.cc).
// REQUIRES: every ILP route is added. Errors: Router::DeclareResponses's.
Status DeclareIlpResponses(api::Router* router);

}  // namespace trainyard::ilp
