#include "products/studio/studio_context.h"

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "products/studio/renewal_scheduler.h"
#include "products/studio/studio_schema.h"

namespace trainyard::studio {

void StudioContext::Emit(const std::string& owner_id, const std::string& event,
                         const nlohmann::json& data) const {
  const int64_t now = NowMillis();
  Result<int> queued = webhooks->Enqueue(
      owner_id, event, data.dump(), FormatIso8601(FromUnixMillis(now)), now);
  if (!queued.ok()) {
    spdlog::warn("studio: cannot queue webhook {}: {}", event,
                 queued.status().ToString());
  } else if (*queued > 0 && deliverer) {
    deliverer->Wake();
  }
}

Result<std::shared_ptr<StudioContext>> StudioContext::Open(
    const products::ProductDeps& deps, jobs::JobService* jobs) {
  store::Database* db = deps.store->sqlite();
  if (db == nullptr) {
    return InternalError("AI Studio needs the SQLite metadata store");
  }
  TY_RETURN_IF_ERROR(db->MigrateComponent("studio", StudioMigrations()));
  auto ctx = std::make_shared<StudioContext>();
  ctx->deps = deps;
  ctx->jobs = jobs;
  ctx->settings = SettingsFromEnvironment();
  ctx->models = std::make_unique<ModelRepository>(db);
  ctx->training_jobs = std::make_unique<TrainingJobRepository>(db);
  ctx->ledger = std::make_unique<CreditLedger>(db, deps.store->users());
  ctx->marketplace = std::make_unique<MarketplaceRepository>(db);
  ctx->market = std::make_unique<MarketData>(db, deps.data_dir, deps.clock);
  ctx->model_cache = std::make_unique<ModelCache>();
  TY_ASSIGN_OR_RETURN(ctx->webhooks, notify::WebhookStore::Open(db));
  return ctx;
}

StudioContext::~StudioContext() { renewals.reset(); }

}  // namespace trainyard::studio
