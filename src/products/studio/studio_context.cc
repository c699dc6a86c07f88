#include "products/studio/studio_context.h"

#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "products/studio/renewal_scheduler.h"
#include "store/tables/studio_tables.h"

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
  store::studio::StudioTables* tables = deps.store->studio();
  auto ctx = std::make_shared<StudioContext>();
  ctx->deps = deps;
  ctx->jobs = jobs;
  ctx->settings = SettingsFromConfig(*deps.config);
  ctx->models = tables->models();
  ctx->training_jobs = tables->training_jobs();
  ctx->ledger =
      std::make_unique<CreditLedger>(tables->ledger(), deps.store->users());
  ctx->marketplace = tables->marketplace();
  ctx->market = std::make_unique<MarketData>(tables->datasets(), deps.artifacts,
                                             deps.clock);
  ctx->model_cache = std::make_unique<ModelCache>();
  ctx->webhooks = deps.store->webhooks();
  return ctx;
}

StudioContext::~StudioContext() { renewals.reset(); }

}  // namespace trainyard::studio
