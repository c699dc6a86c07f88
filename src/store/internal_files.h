// Which files in this process belong to the store alone: every SQLite
// database the store has open, with its -wal, -shm and -journal companions.
// POSIX advisory locks belong to the process, so if anything else here opens
// one of those files and closes the descriptor, SQLite silently loses its
// locks and another process (the CLI, a worker) can then corrupt the
// database ("How To Corrupt An SQLite Database File", section 2.2). Every
// path that opens a file on a user's behalf asks IsInternalFile first.
#pragma once

#include <string>

namespace trainyard::store {

// The names SQLite gives a database's files: the database itself and its
// write-ahead log, shared-memory index and rollback journal.
inline constexpr const char* kDatabaseFileSuffixes[] = {"", "-wal", "-shm",
                                                        "-journal"};

// Marks `database_path` (the main file) and its companions internal while a
// store::Database has it open. Counted: each Register needs one Unregister.
// Thread-safe.
void RegisterDatabaseFile(const std::string& database_path);
void UnregisterDatabaseFile(const std::string& database_path);

// True if `path` names `database_path` or one of its companion files, by any
// spelling: relative or absolute, through symlinks (of the file or of a
// directory on the way), or as another hard link (compared by device and
// inode). A companion counts whether or not it exists right now. Never opens
// either file (stat and readlink only). Thread-safe.
bool IsDatabaseFileOf(const std::string& database_path,
                      const std::string& path);

// True if IsDatabaseFileOf holds for any database registered in this
// process. Callers refuse such a path as if it did not exist (NOT_FOUND).
// Thread-safe.
bool IsInternalFile(const std::string& path);

}  // namespace trainyard::store
