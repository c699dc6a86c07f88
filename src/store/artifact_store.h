// Files a user keeps (models, checkpoints, CSV logs, plots, datasets) under
// the data directory. Every path is resolved through DataDir, and every
// write is atomic, so a crash leaves the old file or the new one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/data_dir.h"
#include "store/file_system.h"

namespace trainyard::store {

struct ArtifactInfo {
  std::string path;      // relative to the data directory
  std::string absolute;  // for handing to libraries that open files
  int64_t size = 0;
  std::string sha256;
};

// Thread-safe if the FileSystem is. Does not own `dir` or `fs`, which must
// outlive it.
class ArtifactStore {
 public:
  ArtifactStore(const DataDir* dir, FileSystem* fs) : dir_(dir), fs_(fs) {}

  // Atomically writes `data` at `relative`. VALIDATION_ERROR for a path
  // outside the data directory, IO on write failure (old content kept).
  Result<ArtifactInfo> Put(const std::string& relative,
                           const std::string& data);
  // NOT_FOUND if missing.
  Result<std::string> Get(const std::string& relative);
  Result<bool> Exists(const std::string& relative);
  Status Remove(const std::string& relative);
  // Entry names directly under a relative directory; NOT_FOUND if missing.
  Result<std::vector<std::string>> List(const std::string& relative_dir);
  // Absolute path for a relative one (validated), for libraries that write
  // files themselves (torch::save): write to Resolve(p) + ".tmp" then use
  // Commit to move it into place atomically.
  Result<std::string> Resolve(const std::string& relative) const {
    return dir_->Resolve(relative);
  }

  const DataDir& dir() const { return *dir_; }

 private:
  const DataDir* dir_;
  FileSystem* fs_;
};

}  // namespace trainyard::store
