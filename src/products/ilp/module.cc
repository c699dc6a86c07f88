#include "products/ilp/module.h"

#include "jobs/job_context.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/chain_endpoints.h"
#include "products/ilp/evaluate_job.h"
#include "products/ilp/model_registry.h"
#include "products/ilp/routes.h"
#include "products/ilp/train_job.h"

namespace trainyard::ilp {

namespace {

class IlpModule : public products::ProductModule {
 public:
  const char* name() const override { return "ilp"; }

  // One set of chain endpoints per process, shared by the import jobs and
  // the routes: a worker process reads the same configuration and settings
  // table as the server, so an import finds the endpoint its route named.
  Status Open(const products::ProductDeps& deps) override {
    TY_ASSIGN_OR_RETURN(
        std::unique_ptr<ChainEndpoints> endpoints,
        ChainEndpoints::Create(deps.config ? deps.config->eth_rpc : "",
                               deps.store->ilp_settings()));
    endpoints_ = std::move(endpoints);
    artifacts_ = deps.artifacts;
    clock_ = deps.clock;
    workspace_ = std::make_unique<Workspace>(deps.data_dir);
    registry_ = std::make_unique<IlpModelRegistry>(
        deps.store->models(), deps.store->jobs(), deps.artifacts,
        workspace_.get(), deps.clock);
    return Status::Ok();
  }

  Status RegisterJobs(jobs::JobHandlerRegistry* registry) override {
    for (const char* algo : {"ddpg", "ppo"}) {
      TY_RETURN_IF_ERROR(
          registry->Register(TrainJobType(algo), [this](jobs::JobContext& ctx) {
            return RunTrainJob(artifacts_, clock_, ctx);
          }));
    }
    TY_RETURN_IF_ERROR(
        registry->Register(kEvaluateJobType, [this](jobs::JobContext& ctx) {
          return RunEvaluateJob(registry_.get(), artifacts_, ctx);
        }));
    return registry->Register(
        kChainImportJobType, [endpoints = endpoints_, artifacts = artifacts_,
                              clock = clock_](jobs::JobContext& context) {
          return RunChainImport(*endpoints, artifacts, clock, context);
        });
  }

  Status AddRoutes(const products::ProductDeps& deps,
                   api::Router* router) override {
    return AddIlpRoutes(deps, deps.jobs, endpoints_, router);
  }

 private:
  std::shared_ptr<ChainEndpoints> endpoints_;

  store::ArtifactStore* artifacts_ = nullptr;
  const Clock* clock_ = nullptr;
  // For evaluate jobs on workers, which have no routes' state.
  std::unique_ptr<Workspace> workspace_;
  std::unique_ptr<IlpModelRegistry> registry_;
};

}  // namespace

std::unique_ptr<products::ProductModule> NewModule() {
  return std::make_unique<IlpModule>();
}

}  // namespace trainyard::ilp
