#include "products/gym/module.h"

#include "products/gym/gym_store.h"
#include "products/gym/routes.h"
#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"

namespace trainyard::gym {

namespace {

Result<std::shared_ptr<GymStore>> OpenStore(const products::ProductDeps& deps) {
  // The tables are the metadata store's, which outlives the product: the
  // pointer is shared without ownership.
  return std::shared_ptr<GymStore>(std::shared_ptr<void>(), deps.store->gym());
}

}  // namespace

Status RegisterJobs(const products::ProductDeps& deps,
                    jobs::JobHandlerRegistry* registry) {
  TY_ASSIGN_OR_RETURN(std::shared_ptr<GymStore> store, OpenStore(deps));
  return registry->Register(kTrainJobType,
                            [deps, store](jobs::JobContext& ctx) {
                              return RunTrainingJob(deps, store.get(), ctx);
                            });
}

Status AddRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                 api::Router* router) {
  TY_ASSIGN_OR_RETURN(std::shared_ptr<GymStore> store, OpenStore(deps));
  return AddGymRoutes(deps, jobs, std::move(store), router);
}

}  // namespace trainyard::gym
