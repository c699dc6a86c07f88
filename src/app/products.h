// Installs the product modules that this build contains (ILP, AI Studio,
// edge-scaling gym): their job handlers into the runtime and their routes
// into the router. Which products exist is decided at configure time.
#pragma once

#include <string>
#include <vector>

#include "api/router.h"
#include "app/runtime.h"
#include "jobs/job_service.h"
#include "products/product_deps.h"

namespace trainyard::app {

// The dependencies a product module sees, taken from `runtime`.
products::ProductDeps MakeProductDeps(Runtime* runtime);

// Registers every product's job handlers in runtime->handlers. Called by
// OpenRuntime, so servers, workers and CLI commands all know every job type.
// Errors: the first product that fails (e.g. its tables cannot be migrated).
Status RegisterProductJobs(Runtime* runtime);

// Adds every product's HTTP routes. REQUIRES: RegisterProductJobs ran on
// `runtime`. `jobs` and `router` must outlive the server; `health` (may be
// null) receives the products' health checks and must outlive the router.
Status AddProductRoutes(Runtime* runtime, jobs::JobService* jobs,
                        api::Router* router,
                        products::HealthChecks* health = nullptr);

// Names of the products in this build ("ilp", "studio", "gym").
std::vector<std::string> ProductNames();

}  // namespace trainyard::app
