// The metadata store: one object that owns the database and hands out the
// repository of each aggregate — the platform's (users, jobs, models,
// artifact owners, audit, rate counters, webhooks) and the products' tables
// (store/tables/). Nothing above store/ sees the database or SQL.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "store/artifact_blobs.h"
#include "store/database_options.h"
#include "store/job_store.h"
#include "store/model_store.h"
#include "store/user_store.h"

namespace trainyard::store {

namespace webhooks {
class WebhookStore;
}  // namespace webhooks
namespace gym {
class GymStore;
}  // namespace gym
namespace ilp {
class SettingsStore;
}  // namespace ilp
namespace studio {
class StudioTables;
}  // namespace studio

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;
  // Repositories stay owned by the store and live as long as it does.
  virtual UserStore* users() = 0;
  virtual JobStore* jobs() = 0;
  virtual ModelStore* models() = 0;
  virtual ArtifactOwnerStore* artifact_owners() = 0;
  // Published copies of files for other hosts (store/artifact_blobs.h).
  virtual ArtifactBlobStore* artifact_blobs() = 0;
  virtual AuditLog* audit() = 0;
  virtual RateCounterStore* rate_counters() = 0;
  // A cheap round trip to the database, for health checks.
  virtual Status Ping() = 0;
  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;
  virtual int schema_version() const = 0;
  // The products' tables, migrated when the store opened. Owned by the
  // store, live as long as it does; thread-safe.
  virtual webhooks::WebhookStore* webhooks() = 0;
  virtual gym::GymStore* gym() = 0;
  virtual ilp::SettingsStore* ilp_settings() = 0;
  virtual studio::StudioTables* studio() = 0;

  // Writes a consistent snapshot of the whole database to a new SQLite file
  // at `dest_path` while others keep reading and writing (store/backup.h).
  // `progress` (may be empty) gets pages copied and the total. Errors:
  // CONFLICT if `dest_path` exists, IO or CORRUPTION otherwise.
  virtual Status BackupDatabaseTo(const std::string& dest_path,
                                  const ProgressFn& progress) = 0;
};

// Where the metadata store keeps its tables (parsed by app/ from
// TRAINYARD_DATABASE_URL / --database-url and the data directory).
struct StoreConfig {
  // The SQLite file (":memory:" for a private one), unless database_url.
  std::string sqlite_path;
  // A PostgreSQL connection URI (postgresql://user:password@host:port/db
  // ?sslmode=...) selects PostgreSQL; empty means SQLite.
  std::string database_url;
  // How thoroughly SQLite checks its file when it opens.
  OpenCheck check = OpenCheck::kQuick;
};

// Opens the store `config` names and applies pending migrations (core and
// every component). Errors: as OpenSqliteStore or OpenPostgresStore.
Result<std::unique_ptr<MetadataStore>> OpenStore(const StoreConfig& config);

// Opens or creates the SQLite store at `path` (":memory:" for tests), checks
// it as `check` says (store/database.h) and applies pending migrations.
// Errors: IO if the file cannot be opened, CORRUPTION if it is newer than
// this binary or damaged.
Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(
    const std::string& path, OpenCheck check = OpenCheck::kQuick);

// Connects to the PostgreSQL database at `url` and applies pending
// migrations. Errors: UNAVAILABLE if it cannot connect (the message names
// the URL without its password), CORRUPTION if the schema is newer than
// this binary, IO for a failing migration.
Result<std::unique_ptr<MetadataStore>> OpenPostgresStore(
    const std::string& url);

}  // namespace trainyard::store
