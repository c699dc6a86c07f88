#include "store/metadata_store.h"

#include "store/database.h"
#include "store/sql_artifact_blobs.h"
#include "store/schema.h"
#include "store/sql_repositories.h"
#include "store/tables/gym_store.h"
#include "store/tables/ilp_settings_store.h"
#include "store/tables/studio_tables.h"
#include "store/tables/webhook_store.h"

namespace trainyard::store {

namespace {

// The products' tables, each migrated as its own component.
struct ProductTables {
  std::unique_ptr<webhooks::WebhookStore> webhooks;
  std::unique_ptr<gym::GymStore> gym;
  std::unique_ptr<ilp::SettingsStore> ilp_settings;
  std::unique_ptr<studio::StudioTables> studio;

  static Result<ProductTables> Open(Database* db) {
    ProductTables t;
    TY_ASSIGN_OR_RETURN(t.webhooks, webhooks::WebhookStore::Open(db));
    TY_ASSIGN_OR_RETURN(t.gym, gym::GymStore::Open(db));
    TY_ASSIGN_OR_RETURN(t.ilp_settings, ilp::SettingsStore::Open(db));
    TY_ASSIGN_OR_RETURN(t.studio, studio::StudioTables::Open(db));
    return t;
  }
};

class SqlMetadataStore final : public MetadataStore {
 public:
  SqlMetadataStore(std::unique_ptr<Database> db, ProductTables tables)
      : db_(std::move(db)),
        users_(db_.get()),
        jobs_(db_.get()),
        models_(db_.get()),
        artifact_owners_(db_.get()),
        artifact_blobs_(db_.get()),
        audit_(db_.get()),
        rate_counters_(db_.get()),
        tables_(std::move(tables)) {}

  UserStore* users() override { return &users_; }
  JobStore* jobs() override { return &jobs_; }
  ModelStore* models() override { return &models_; }
  ArtifactOwnerStore* artifact_owners() override { return &artifact_owners_; }
  ArtifactBlobStore* artifact_blobs() override { return &artifact_blobs_; }
  AuditLog* audit() override { return &audit_; }
  RateCounterStore* rate_counters() override { return &rate_counters_; }
  Status Ping() override { return db_->Ping(); }
  std::string backend() const override {
    return db_->backend() == SqlBackend::kPostgres ? "postgresql" : "sqlite";
  }
  int schema_version() const override { return db_->schema_version(); }
  webhooks::WebhookStore* webhooks() override { return tables_.webhooks.get(); }
  gym::GymStore* gym() override { return tables_.gym.get(); }
  ilp::SettingsStore* ilp_settings() override {
    return tables_.ilp_settings.get();
  }
  studio::StudioTables* studio() override { return tables_.studio.get(); }
  Status BackupDatabaseTo(const std::string& dest_path,
                          const ProgressFn& progress) override {
    return db_->BackupTo(dest_path, progress);
  }

 private:
  std::unique_ptr<Database> db_;
  SqlUserStore users_;
  SqlJobStore jobs_;
  SqlModelStore models_;
  SqlArtifactOwnerStore artifact_owners_;
  SqlArtifactBlobStore artifact_blobs_;
  SqlAuditLog audit_;
  SqlRateCounterStore rate_counters_;
  ProductTables tables_;
};

// The store over an open, migrated `db`, with the products' tables.
Result<std::unique_ptr<MetadataStore>> Wrap(std::unique_ptr<Database> db) {
  TY_ASSIGN_OR_RETURN(ProductTables tables, ProductTables::Open(db.get()));
  return std::unique_ptr<MetadataStore>(
      new SqlMetadataStore(std::move(db), std::move(tables)));
}

}  // namespace

Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(const std::string& path,
                                                       OpenCheck check) {
  TY_ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                      Database::Open(path, SchemaMigrations(), check));
  return Wrap(std::move(db));
}

Result<std::unique_ptr<MetadataStore>> OpenPostgresStore(
    const std::string& url) {
  TY_ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                      Database::OpenPostgres(url, SchemaMigrations()));
  return Wrap(std::move(db));
}

Result<std::unique_ptr<MetadataStore>> OpenStore(const StoreConfig& config) {
  if (!config.database_url.empty())
    return OpenPostgresStore(config.database_url);
  return OpenSqliteStore(config.sqlite_path, config.check);
}

}  // namespace trainyard::store
