#include "products/ilp/module.h"

#include "jobs/job_context.h"
#include "products/ilp/routes.h"
#include "products/ilp/train_job.h"

namespace trainyard::ilp {

namespace {

class IlpModule : public products::ProductModule {
 public:
  const char* name() const override { return "ilp"; }

  Status Open(const products::ProductDeps&) override { return Status::Ok(); }

  Status RegisterJobs(jobs::JobHandlerRegistry* registry) override {
    for (const char* algo : {"ddpg", "ppo"}) {
      TY_RETURN_IF_ERROR(registry->Register(TrainJobType(algo), RunTrainJob));
    }
    return Status::Ok();
  }

  Status AddRoutes(const products::ProductDeps& deps,
                   api::Router* router) override {
    return AddIlpRoutes(deps, deps.jobs, router);
  }
};

}  // namespace

std::unique_ptr<products::ProductModule> NewModule() {
  return std::make_unique<IlpModule>();
}

}  // namespace trainyard::ilp
