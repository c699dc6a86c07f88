// Backup and restore of a whole data directory while servers and workers
// keep running: one tar archive (store/tar_archive.h) whose first entry,
// trainyard.db, is a consistent snapshot of the database taken with SQLite's
// online backup API, followed by every other file of the data directory
// (models, checkpoints, CSV logs, runs, jobs, datasets, plots, studio
// files, ...). The live database files themselves are never opened here
// (store/internal_files.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "store/data_dir.h"
#include "store/database_options.h"

namespace trainyard::store {

class Database;
class MetadataStore;

struct BackupStats {
  int64_t files = 0;        // regular files archived or restored
  int64_t directories = 0;  // directories archived or restored
  int64_t bytes = 0;        // their bytes (the database included)
  int64_t skipped = 0;      // symlinks, sockets, ... (not archived)
};

// `phase` is "database" (pages) or "files" (bytes), with done <= total.
using BackupProgressFn =
    std::function<void(const std::string& phase, int64_t done, int64_t total)>;

// Writes a backup of `dir`, whose database `db` is open in this process, to
// `archive_path`: first to `archive_path` + ".partial", renamed into place
// once complete and synced, so `archive_path` is always a whole archive.
// The database is the state at the start of the call; files are copied
// after it, so every artifact the database refers to is included (files
// created meanwhile may be too). A file that shrinks while it is copied
// fails the backup. Errors: CONFLICT if `archive_path` exists, IO or
// CORRUPTION otherwise (nothing is left behind). `progress` may be empty.
Result<BackupStats> BackupDataDir(const DataDir& dir, Database* db,
                                  const std::string& archive_path,
                                  const BackupProgressFn& progress);
// The same with the database of `store` (MetadataStore::BackupDatabaseTo).
Result<BackupStats> BackupDataDir(const DataDir& dir, MetadataStore* store,
                                  const std::string& archive_path,
                                  const BackupProgressFn& progress);

// Extracts a backup made by BackupDataDir into `target_dir`, which must not
// exist or be an empty directory, then checks the restored database with
// `PRAGMA integrity_check`. Errors: CONFLICT for a non-empty target,
// NOT_FOUND for a missing archive, CORRUPTION for a damaged archive, one
// without trainyard.db or whose database fails the check, IO otherwise;
// on any error what was extracted is removed again. `progress` ("files",
// archive bytes read) may be empty.
Result<BackupStats> RestoreDataDir(const std::string& archive_path,
                                   const std::string& target_dir,
                                   const BackupProgressFn& progress);

}  // namespace trainyard::store
