// AI Studio's tables (component "studio" of the metadata database): models,
// training jobs' billing rows, the credit ledger, marketplace listings and
// subscriptions, and imported data sets. Reached as MetadataStore::studio().
#pragma once

#include <memory>

#include "core/status.h"
#include "store/tables/studio_datasets.h"
#include "store/tables/studio_ledger.h"
#include "store/tables/studio_marketplace.h"
#include "store/tables/studio_models.h"
#include "store/tables/studio_training_jobs.h"

namespace trainyard::store::studio {

// The studio's repositories over one database. Thread-safe; the database is
// not owned and outlives this object, which owns the repositories.
class StudioTables {
 public:
  // Applies the "studio" component migrations on `db` and builds the
  // repositories. Errors from Database::MigrateComponent.
  static Result<std::unique_ptr<StudioTables>> Open(Database* db);

  ModelRepository* models() { return &models_; }
  TrainingJobRepository* training_jobs() { return &training_jobs_; }
  LedgerRepository* ledger() { return &ledger_; }
  MarketplaceRepository* marketplace() { return &marketplace_; }
  DatasetRepository* datasets() { return &datasets_; }

 private:
  explicit StudioTables(Database* db)
      : models_(db),
        training_jobs_(db),
        ledger_(db),
        marketplace_(db),
        datasets_(db) {}
  ModelRepository models_;
  TrainingJobRepository training_jobs_;
  LedgerRepository ledger_;
  MarketplaceRepository marketplace_;
  DatasetRepository datasets_;
};

}  // namespace trainyard::store::studio
