// Everything the AI Studio routes and job handlers share: the product
// dependencies, settings, repositories over the "studio" tables, market
// data and the webhook outbox. One context per RegisterJobs / AddRoutes call.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "jobs/job_service.h"
#include "notify/webhook_deliverer.h"
#include "notify/webhook_store.h"
#include "products/product_deps.h"
#include "products/studio/billing.h"
#include "products/studio/credit_ledger.h"
#include "products/studio/market_data.h"
#include "products/studio/marketplace_repository.h"
#include "products/studio/model_cache.h"
#include "products/studio/model_repository.h"
#include "products/studio/training_job_repository.h"

namespace trainyard::studio {

// The job type of a training run.
inline constexpr const char* kTrainJobType = "studio.train";

class RenewalScheduler;

struct StudioContext {
  products::ProductDeps deps;
  jobs::JobService* jobs = nullptr;  // null outside the server
  StudioSettings settings;
  // The studio's tables, owned by the metadata store (deps.store).
  ModelRepository* models = nullptr;
  TrainingJobRepository* training_jobs = nullptr;
  MarketplaceRepository* marketplace = nullptr;
  notify::WebhookStore* webhooks = nullptr;
  std::unique_ptr<CreditLedger> ledger;
  std::unique_ptr<MarketData> market;
  std::unique_ptr<ModelCache> model_cache;
  // Server only: delivers the outbox in the background.
  std::unique_ptr<notify::WebhookDeliverer> deliverer;
  // Serialises the money flows of subscriptions in this process (sales,
  // renewals and the sweep's recovery of interrupted ones), so a recovery
  // never runs beside the sale it resumes. Every step is also guarded in
  // the database (subscriptions.h), so a second process could only fail.
  std::mutex sales_mu;
  // Test hook: called at named points between the steps of a multi-step
  // operation ("renewal.claimed", "sale.charged", "sale.paid"; see
  // subscriptions.cc). A non-OK answer stops the operation right there, as
  // a crash would: nothing after it runs and nothing is undone. Unset in
  // production.
  std::function<Status(std::string_view point)> fault_hook;
  Status Fault(std::string_view point) const {
    return fault_hook ? fault_hook(point) : Status::Ok();
  }
  // Server only: the periodic subscription renewal sweep. Declared last so
  // it stops before the repositories it uses are destroyed.
  std::unique_ptr<RenewalScheduler> renewals;

  int64_t NowMillis() const { return deps.clock->NowMillis(); }
  // Queues a webhook event for `owner_id` (best effort: a failure is logged,
  // the caller's action still stands).
  void Emit(const std::string& owner_id, const std::string& event,
            const nlohmann::json& data) const;

  // Builds the context over the store's studio and webhook tables.
  static Result<std::shared_ptr<StudioContext>> Open(
      const products::ProductDeps& deps, jobs::JobService* jobs);

  ~StudioContext();  // stops the renewal scheduler first
};

}  // namespace trainyard::studio
