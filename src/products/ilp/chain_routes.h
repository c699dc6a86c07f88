// HTTP routes of the chain integration (docs/chain.md "Server"): the RPC
// endpoints admins configure, and the import of a pool's history from a
// chain as the caller's market data, run as a job.
#pragma once

#include <memory>

#include "api/router.h"
#include "jobs/job_service.h"
#include "products/ilp/chain_endpoints.h"
#include "products/product_deps.h"

namespace trainyard::ilp {

// GET    /api/v1/chain/endpoints/               names (admins: URLs too)
// PUT    /api/v1/chain/endpoints/{name}/        admin: add or replace
// DELETE /api/v1/chain/endpoints/{name}/        admin: remove
// POST   /api/v1/chain/pool-history/            import (a job)
// GET    /api/v1/chain/pool-history/            the caller's data sets
// GET    /api/v1/chain/pool-history/{name}/     one, with its job's progress
// `jobs`, the deps and the router's lifetime as AddIlpRoutes.
Status AddChainRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                      std::shared_ptr<ChainEndpoints> endpoints,
                      api::Router* router);

}  // namespace trainyard::ilp
