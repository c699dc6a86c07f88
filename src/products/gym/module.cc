#include "products/gym/module.h"

#include "jobs/job_context.h"
#include "products/gym/gym_store.h"
#include "products/gym/kubernetes.h"
#include "products/gym/reconcile_job.h"
#include "products/gym/routes.h"
#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"

namespace trainyard::gym {

namespace {

// Runs are written as TensorBoard files that `wandb sync` uploads, so the
// key is only reported as configured or not (no network call).
constexpr const char* kWandbKeySetting = "WANDB_API_KEY";

class GymModule : public products::ProductModule {
 public:
  const char* name() const override { return "gym"; }

  std::vector<std::string> SettingNames() const override {
    std::vector<std::string> names = KubeSettingNames();
    names.push_back(kWandbKeySetting);
    return names;
  }

  Status Open(const products::ProductDeps& deps) override {
    // The tables are the metadata store's, which outlives the product: the
    // pointer is shared without ownership.
    store_ =
        std::shared_ptr<GymStore>(std::shared_ptr<void>(), deps.store->gym());
    deps_ = deps;
    return Status::Ok();
  }

  Status RegisterJobs(jobs::JobHandlerRegistry* registry) override {
    TY_RETURN_IF_ERROR(registry->Register(
        kReconcileJobType, [deps = deps_](jobs::JobContext& ctx) {
          return RunReconcileJob(deps, ctx);
        }));
    return registry->Register(
        kTrainJobType, [deps = deps_, store = store_](jobs::JobContext& ctx) {
          return RunTrainingJob(deps, store.get(), ctx);
        });
  }

  Status AddRoutes(const products::ProductDeps& deps,
                   api::Router* router) override {
    if (deps.health != nullptr) {
      const bool wandb = !deps.config->ProductSetting(kWandbKeySetting).empty();
      deps.health->Set("wandb", [wandb] {
        return products::HealthChecks::State{
            wandb ? "configured" : "not_configured", ""};
      });
    }
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
