#include "products/studio/module.h"

#include "jobs/job_context.h"
#include "products/studio/renewal_scheduler.h"
#include "products/studio/responses.h"
#include "products/studio/routes.h"
#include "products/studio/studio_context.h"
#include "products/studio/training_job.h"

namespace trainyard::studio {

namespace {

class StudioModule : public products::ProductModule {
 public:
  ~StudioModule() override { Stop(); }

  const char* name() const override { return "studio"; }

  std::vector<std::string> SettingNames() const override {
    std::vector<std::string> names = StudioSettingNames();
    names.push_back(kRenewalIntervalSetting);
    return names;
  }

  Status Open(const products::ProductDeps& deps) override {
    TY_ASSIGN_OR_RETURN(ctx_, StudioContext::Open(deps, nullptr));
    return Status::Ok();
  }

  Status RegisterJobs(jobs::JobHandlerRegistry* registry) override {
    return registry->Register(kTrainJobType,
                              [ctx = ctx_](jobs::JobContext& job) {
                                return RunTrainingJob(*ctx, job);
                              });
  }

  Status AddRoutes(const products::ProductDeps& deps,
                   api::Router* router) override {
    // No job runs yet (workers start after the routes), so the context the
    // job handler shares can still be completed here.
    ctx_->deps = deps;
    ctx_->jobs = deps.jobs;
    TY_ASSIGN_OR_RETURN(notify::DeliveryOptions delivery,
                        notify::DeliveryOptionsFromConfig(*deps.config));
    ctx_->deliverer = std::make_unique<notify::WebhookDeliverer>(
        ctx_->webhooks, deps.clock, std::move(delivery));
    TY_RETURN_IF_ERROR(router->DeclareSurface(StudioSurface()));
    TY_RETURN_IF_ERROR(AddModelRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddTrainingRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddPredictionRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddMarketplaceRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddSubscriptionRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddAnalyticsRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddComputeRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddWebhookRoutes(ctx_, router));
    TY_RETURN_IF_ERROR(AddMarketDataRoutes(ctx_, router));
    return DeclareStudioResponses(router);
  }

  Status Start() override {
    if (ctx_ == nullptr || ctx_->deliverer == nullptr) {
      return InternalError("studio: Start before AddRoutes");
    }
    ctx_->deliverer->Start();
    ctx_->renewals = std::make_unique<RenewalScheduler>(
        ctx_.get(), RenewalIntervalMs(*ctx_->deps.config));
    ctx_->renewals->Start();
    return Status::Ok();
  }

  void Stop() override {
    if (ctx_ == nullptr) return;
    // The sweep queues webhooks, so it stops before the deliverer.
    if (ctx_->renewals) ctx_->renewals->Stop();
    if (ctx_->deliverer) ctx_->deliverer->Stop();
  }

 private:
  std::shared_ptr<StudioContext> ctx_;
};

}  // namespace

std::unique_ptr<products::ProductModule> NewModule() {
  return std::make_unique<StudioModule>();
}

}  // namespace trainyard::studio
