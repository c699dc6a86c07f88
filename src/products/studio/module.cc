#include "products/studio/module.h"

#include "products/studio/renewal_scheduler.h"
#include "products/studio/routes.h"
#include "products/studio/studio_context.h"
#include "products/studio/training_job.h"

namespace trainyard::studio {

Status RegisterJobs(const products::ProductDeps& deps,
                    jobs::JobHandlerRegistry* registry) {
  TY_ASSIGN_OR_RETURN(std::shared_ptr<StudioContext> ctx,
                      StudioContext::Open(deps, nullptr));
  return registry->Register(kTrainJobType, [ctx](jobs::JobContext& job) {
    return RunTrainingJob(*ctx, job);
  });
}

Status AddRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                 api::Router* router) {
  TY_ASSIGN_OR_RETURN(std::shared_ptr<StudioContext> ctx,
                      StudioContext::Open(deps, jobs));
  TY_ASSIGN_OR_RETURN(notify::DeliveryOptions delivery,
                      notify::DeliveryOptionsFromConfig(*deps.config));
  ctx->deliverer = std::make_unique<notify::WebhookDeliverer>(
      ctx->webhooks, deps.clock, std::move(delivery));
  TY_RETURN_IF_ERROR(AddModelRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddTrainingRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddPredictionRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddMarketplaceRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddSubscriptionRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddAnalyticsRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddComputeRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddWebhookRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddMarketDataRoutes(ctx, router));
  // The routes own the context; the deliverer stops with the last of them.
  ctx->deliverer->Start();
  ctx->renewals = std::make_unique<RenewalScheduler>(
      ctx.get(), RenewalIntervalMsFromEnvironment());
  ctx->renewals->Start();
  return Status::Ok();
}

}  // namespace trainyard::studio
