// AI Studio (studio-api.md, /api/ai-studio/): trading models on OHLCV
// features trained with XGBoost as billed jobs, predictions with SHAP,
// importance plots, a marketplace, analytics, compute credits and webhooks.
// The composition root (src/app/products.cc) calls these two functions.
#pragma once

#include "api/router.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "jobs/job_service.h"
#include "products/product_deps.h"

namespace trainyard::studio {

// Migrates the studio tables and registers the "studio.train" job handler.
// Runs in every process (server, worker, CLI). Errors: the migration's.
Status RegisterJobs(const products::ProductDeps& deps,
                    jobs::JobHandlerRegistry* registry);

// Adds every /api/ai-studio/ route and starts the webhook deliverer (which
// stops when the router is destroyed). REQUIRES: RegisterJobs ran; `jobs`
// and `router` outlive the server.
Status AddRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                 api::Router* router);

}  // namespace trainyard::studio
