#include "products/ilp/routes.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "products/ilp/chain_routes.h"
#include "products/ilp/route_support.h"
#include "products/ilp/train_job.h"

namespace trainyard::ilp {
namespace {

// Models trained before models had owners sit in model_storage/<algo>/<name>
// with no registry entry: give each to the owner of the newest job that
// trained it, as version 1, so upgrading loses nobody's model.
Status AdoptLegacyModels(IlpContext* s) {
  for (const char* algo : {"ddpg", "ppo"}) {
    store::JobFilter f;
    f.type = TrainJobType(algo);
    f.limit = 100000;
    TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> rows, s->jobs->List(f));
    for (const store::JobRecord& r : rows) {  // newest first
      Result<TrainJobSpec> spec = TrainJobSpecFromJson(r.params);
      if (!spec.ok() || spec->version != 0 || r.owner_id.empty()) continue;
      // Their directories are absolute, and inside the data directory
      // unless it moved.
      const store::DataDir& dir = *s->deps.data_dir;
      Result<std::string> model_dir = dir.ResolveInside(spec->model_dir);
      Result<std::string> csv_dir = dir.ResolveInside(spec->csv_dir);
      if (!model_dir.ok() || !csv_dir.ok()) continue;
      TY_RETURN_IF_ERROR(s->registry
                             .AdoptLegacy(r.owner_id, algo,
                                          spec->model.model_name,
                                          dir.Relative(*model_dir),
                                          dir.Relative(*csv_dir), r.id)
                             .status());
    }
  }
  return Status::Ok();
}

// Opens the settings table and restores the stored base_path. A stored base
// that is no longer usable (moved data directory) falls back to the default.
Status RestoreSettings(IlpContext* s) {
  s->settings = s->deps.store->ilp_settings();
  TY_ASSIGN_OR_RETURN(std::optional<std::string> base,
                      s->settings->Get(kBasePathSetting));
  if (base && !s->workspace.SetBase(*base).ok()) s->workspace.Reset();
  return Status::Ok();
}

}  // namespace

Status AddIlpRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    std::shared_ptr<ChainEndpoints> endpoints,
                    api::Router* router) {
  auto ctx = std::make_shared<IlpContext>(deps, jobs);
  ctx->endpoints = std::move(endpoints);
  TY_RETURN_IF_ERROR(RestoreSettings(ctx.get()));
  TY_RETURN_IF_ERROR(AdoptLegacyModels(ctx.get()));
  TY_RETURN_IF_ERROR(AddTrainingRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddEvaluationRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddFileRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddModelRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddPredictionRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddPoolDataRoutes(ctx, router));
  TY_RETURN_IF_ERROR(AddChainRoutes(deps, jobs, ctx->endpoints, router));
  TY_RETURN_IF_ERROR(router->DeclareSurface(IlpSurface()));
  return DeclareIlpResponses(router);
}

}  // namespace trainyard::ilp
