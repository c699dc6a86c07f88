#include "store/metadata_store.h"

#include "store/database.h"
#include "store/schema.h"
#include "store/sqlite_repositories.h"

namespace trainyard::store {

namespace {

class SqliteMetadataStore final : public MetadataStore {
 public:
  explicit SqliteMetadataStore(std::unique_ptr<Database> db)
      : db_(std::move(db)),
        users_(db_.get()),
        jobs_(db_.get()),
        models_(db_.get()),
        artifact_owners_(db_.get()),
        audit_(db_.get()),
        rate_counters_(db_.get()) {}

  UserStore* users() override { return &users_; }
  JobStore* jobs() override { return &jobs_; }
  ModelStore* models() override { return &models_; }
  ArtifactOwnerStore* artifact_owners() override { return &artifact_owners_; }
  AuditLog* audit() override { return &audit_; }
  RateCounterStore* rate_counters() override { return &rate_counters_; }
  Status Ping() override { return db_->Ping(); }
  std::string backend() const override { return "sqlite"; }
  int schema_version() const override { return db_->schema_version(); }
  Database* sqlite() override { return db_.get(); }

 private:
  std::unique_ptr<Database> db_;
  SqliteUserStore users_;
  SqliteJobStore jobs_;
  SqliteModelStore models_;
  SqliteArtifactOwnerStore artifact_owners_;
  SqliteAuditLog audit_;
  SqliteRateCounterStore rate_counters_;
};

}  // namespace

Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(const std::string& path,
                                                       OpenCheck check) {
  TY_ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                      Database::Open(path, SchemaMigrations(), check));
  return std::unique_ptr<MetadataStore>(new SqliteMetadataStore(std::move(db)));
}

}  // namespace trainyard::store
