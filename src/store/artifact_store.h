// Files a user keeps (models, checkpoints, CSV logs, plots, datasets) under
// the data directory. Every path is resolved through DataDir, every write is
// atomic (a crash leaves the old file or the new one), and every read on a
// user's behalf goes through one ownership check (OpenForRead).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/data_dir.h"
#include "store/file_system.h"
#include "store/model_store.h"

namespace trainyard::store {

struct ArtifactInfo {
  std::string path;      // relative to the data directory
  std::string absolute;  // for handing to libraries that open files
  int64_t size = 0;
  std::string sha256;
};

// Who asks to read a stored file: a user, or an admin (who may read every
// claimed artifact).
struct Reader {
  std::string user_id;
  bool admin = false;
};

// Thread-safe if the FileSystem and the owner store are. Does not own its
// arguments, which must outlive it. `owners` may be null (tests of plain
// file access): then nothing is claimed and OpenForRead refuses everything.
class ArtifactStore {
 public:
  ArtifactStore(const DataDir* dir, FileSystem* fs,
                ArtifactOwnerStore* owners = nullptr)
      : dir_(dir), fs_(fs), owners_(owners) {}

  // Records that the directory `relative_dir` and everything under it
  // belong to `owner_id`. OK if that owner already holds it. VALIDATION_ERROR
  // for a path outside the data directory or the data directory itself;
  // CONFLICT if another owner holds exactly this path; INTERNAL without an
  // owner store.
  Status Claim(const std::string& relative_dir, const std::string& owner_id,
               const std::string& kind, int64_t now);
  // The owner of `relative` (a file or directory): the claim on its longest
  // claimed ancestor (or itself). nullopt if nothing covers it.
  Result<std::optional<ArtifactOwner>> OwnerOf(const std::string& relative);
  // The one access check for reading a stored file on someone's behalf: the
  // regular file at `relative`, if a claim covers it and `reader` is its
  // owner or an admin. NOT_FOUND — the same answer whether the file is
  // missing, unclaimed, another user's, or one of the store's own files
  // (the database and its journals are never claimable) — otherwise;
  // VALIDATION_ERROR for a path that leaves the data directory.
  Result<ArtifactInfo> OpenForRead(const Reader& reader,
                                   const std::string& relative);

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
  ArtifactOwnerStore* owners_;
};

}  // namespace trainyard::store
