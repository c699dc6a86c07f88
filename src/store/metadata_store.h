// The metadata store: one object that owns the database and hands out the
// repository of each aggregate. SQLite is the embedded implementation; a
// PostgreSQL one can implement the same interfaces without touching callers.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "store/database.h"
#include "store/job_store.h"
#include "store/model_store.h"
#include "store/user_store.h"

namespace trainyard::store {

class Database;

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;
  // Repositories stay owned by the store and live as long as it does.
  virtual UserStore* users() = 0;
  virtual JobStore* jobs() = 0;
  virtual ModelStore* models() = 0;
  virtual ArtifactOwnerStore* artifact_owners() = 0;
  virtual AuditLog* audit() = 0;
  virtual RateCounterStore* rate_counters() = 0;
  // A cheap round trip to the database, for health checks.
  virtual Status Ping() = 0;
  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;
  virtual int schema_version() const = 0;
  // The SQLite connection product modules build their own repositories on
  // (after MigrateComponent). Owned by the store; thread-safe via its lock.
  // nullptr for a backend that is not SQLite.
  virtual Database* sqlite() = 0;
};

// Opens or creates the SQLite store at `path` (":memory:" for tests), checks
// it as `check` says (store/database.h) and applies pending migrations.
// Errors: IO if the file cannot be opened, CORRUPTION if it is newer than
// this binary or damaged.
Result<std::unique_ptr<MetadataStore>> OpenSqliteStore(
    const std::string& path, OpenCheck check = OpenCheck::kQuick);

}  // namespace trainyard::store
