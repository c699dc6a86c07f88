// The data directory (TRAINYARD_HOME) and the one rule for user-supplied
// paths: they are resolved inside it or refused. Every layer that turns a
// name from a request into a file path goes through DataDir::Resolve.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace trainyard::store {

// The metadata database's file name inside the data directory.
inline constexpr const char* kDatabaseFileName = "trainyard.db";

// Immutable after Open; thread-safe.
class DataDir {
 public:
  // Creates `root` if needed and fixes its canonical absolute path.
  // IO error if it cannot be created.
  static Result<DataDir> Open(const std::string& root);

  // The canonical absolute root, without a trailing slash.
  const std::string& root() const { return root_; }
  // root()/trainyard.db: opened by the store only (store/internal_files.h).
  std::string database_path() const { return root_ + "/" + kDatabaseFileName; }

  // Maps a relative user path ("model_storage/ppo/m1") to an absolute path
  // inside the root. VALIDATION_ERROR for: empty paths, absolute paths, NUL
  // bytes, backslashes, any path whose normalised form leaves the root
  // ("../x", "a/../../x"), and paths that leave it through a symlink. The
  // target itself need not exist. `field` names the input in the error.
  // NOT_FOUND, as if it did not exist, for the database and its -wal, -shm
  // and -journal files by any spelling (symlinks and hard links too): only
  // the store opens those (store/internal_files.h).
  Result<std::string> Resolve(std::string_view relative,
                              std::string_view field = "path") const;

  // Like Resolve, but also accepts an absolute path if it already lies
  // inside the root (ILP clients send back paths the server gave them).
  Result<std::string> ResolveInside(std::string_view path,
                                    std::string_view field = "path") const;

  // The path of `absolute` relative to the root. REQUIRES: inside the root.
  std::string Relative(const std::string& absolute) const;

 private:
  explicit DataDir(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

}  // namespace trainyard::store
