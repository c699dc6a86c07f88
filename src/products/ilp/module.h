// The liquidity-provisioning (ILP) product: the /api/v1 surface of
// spec/ilp-api.md (initialize-script, file/download, ddpg/* and ppo/*
// train, train-result and evaluate, inference, predict-action) and its
// training jobs. See docs/ilp.md.
#pragma once

#include "api/router.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "jobs/job_service.h"
#include "products/product_deps.h"

namespace trainyard::ilp {

// Registers the job types "ilp.ddpg.train" and "ilp.ppo.train". CONFLICT
// if already registered.
Status RegisterJobs(const products::ProductDeps& deps,
                    jobs::JobHandlerRegistry* registry);

// Adds every ILP route (GET /api/v1/ itself belongs to the system routes).
// `jobs` and the deps must outlive the router. CONFLICT on a route clash.
Status AddRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                 api::Router* router);

}  // namespace trainyard::ilp
