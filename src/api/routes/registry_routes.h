// The model registry across products: one listing of a user's models of
// ILP, AI Studio and the gym (GET /api/models), and one model's record
// with every version's artifact, metrics and training job
// (GET /api/models/{model_id}), next to the product-neutral /api/jobs.
#pragma once

#include "api/router.h"
#include "store/model_store.h"

namespace trainyard::api {

struct RegistryRoutesDeps {
  store::ModelStore* models = nullptr;
};

// Registers, for signed-in users (an admin sees every user's models; anyone
// else their own, and another user's model answers 404 as a missing one):
//   GET /api/models             ?product=ilp|studio|gym &kind= &status=
//                               &page= &page_size= (<= 100), newest first
//   GET /api/models/{model_id}  the record, its versions oldest first, and
//                               the product route that serves it
// and declares their surface, "models" (/api/models).
// REQUIRES: deps.models is set and outlives the router. Errors: Router::Add's
// and Router::DeclareSurface's (CONFLICT if called twice on one router).
Status AddRegistryRoutes(Router* router, RegistryRoutesDeps deps);

}  // namespace trainyard::api
