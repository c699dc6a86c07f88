// The ILP surface's HTTP routes (spec/ilp-api.md); module.h wires them.
// One file per resource — training_routes.cc, evaluation_routes.cc,
// model_routes.cc, file_routes.cc, prediction_routes.cc, pool_data_routes.cc,
// chain_routes.cc — with their shared state and helpers in route_support.h.
#pragma once

#include <memory>

#include "api/router.h"
#include "jobs/job_service.h"
#include "products/ilp/chain_endpoints.h"
#include "products/product_deps.h"

namespace trainyard::ilp {

// Adds the routes, the chain routes (chain_routes.h) among them; the state
// they share (the workspace base set by initialize-script, the model cache,
// `endpoints` for live pools) lives as long as the router.
Status AddIlpRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    std::shared_ptr<ChainEndpoints> endpoints,
                    api::Router* router);

}  // namespace trainyard::ilp
