#include "products/gym/module.h"

#include "jobs/job_context.h"
#include "products/gym/gym_store.h"
#include "products/gym/routes.h"
#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"

namespace trainyard::gym {

namespace {

class GymModule : public products::ProductModule {
 public:
  const char* name() const override { return "gym"; }

  Status Open(const products::ProductDeps& deps) override {
    // The tables are the metadata store's, which outlives the product: the
    // pointer is shared without ownership.
    store_ = std::shared_ptr<GymStore>(std::shared_ptr<void>(),
                                       deps.store->gym());
    deps_ = deps;
    return Status::Ok();
  }

  Status RegisterJobs(jobs::JobHandlerRegistry* registry) override {
    return registry->Register(
        kTrainJobType, [deps = deps_, store = store_](jobs::JobContext& ctx) {
          return RunTrainingJob(deps, store.get(), ctx);
        });
  }

  Status AddRoutes(const products::ProductDeps& deps,
                   api::Router* router) override {
    return AddGymRoutes(deps, deps.jobs, store_, router);
  }

 private:
  products::ProductDeps deps_;
  // Shared by the job handler and the routes.
  std::shared_ptr<GymStore> store_;
};

}  // namespace

std::unique_ptr<products::ProductModule> NewModule() {
  return std::make_unique<GymModule>();
}

}  // namespace trainyard::gym
