// HTTP handlers of the ILP surface (spec/ilp-api.md); module.h wires them.
#pragma once

#include "api/router.h"
#include "jobs/job_service.h"
#include "products/product_deps.h"

namespace trainyard::ilp {

// Adds the routes; the state they share (the workspace base set by
// initialize-script, the model cache) lives as long as the router.
Status AddIlpRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    api::Router* router);

}  // namespace trainyard::ilp
