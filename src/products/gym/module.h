// The edge-scaling gym product (spec/gym-api.md): RL agents that scale
// service replicas across edge nodes, trained on EdgeScaling-v0, reconciled
// against new load, deployed locally and monitored. src/app calls these two
// functions; docs/gym.md is the user guide.
#pragma once

#include "api/router.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "jobs/job_service.h"
#include "products/product_deps.h"

namespace trainyard::gym {

// Migrates the gym's tables and registers the "gym.train" job handler.
// Runs in every process (server, worker, CLI). Errors: the migration's.
Status RegisterJobs(const products::ProductDeps& deps,
                    jobs::JobHandlerRegistry* registry);

// Adds the gym's routes under /api/v1 (training, models, metrics). The
// routes own a local deployment manager and a host sampler thread that live
// as long as the router.
Status AddRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                 api::Router* router);

}  // namespace trainyard::gym
