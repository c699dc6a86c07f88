#include "products/ilp/module.h"

#include "products/ilp/routes.h"
#include "products/ilp/train_job.h"

namespace trainyard::ilp {

Status RegisterJobs(const products::ProductDeps&,
                    jobs::JobHandlerRegistry* registry) {
  for (const char* algo : {"ddpg", "ppo"}) {
    TY_RETURN_IF_ERROR(registry->Register(TrainJobType(algo), RunTrainJob));
  }
  return Status::Ok();
}

Status AddRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                 api::Router* router) {
  return AddIlpRoutes(deps, jobs, router);
}

}  // namespace trainyard::ilp
