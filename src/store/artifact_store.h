// Files a user keeps (models, checkpoints, CSV logs, plots, datasets) under
// the data directory. Every path is resolved through DataDir, every write is
// atomic (a crash leaves the old file or the new one), and every read on a
// user's behalf goes through one ownership check (OpenForRead). With a blob
// store (PostgreSQL: processes on other hosts have data directories of
// their own) files are published to the database and fetched from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/artifact_blobs.h"
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

// Thread-safe if the FileSystem and the stores are. Does not own its
// arguments, which must outlive it. `owners` may be null (tests of plain
// file access): then nothing is claimed and OpenForRead refuses everything.
// `blobs` may be null (one host: SQLite, or PostgreSQL with a shared data
// directory): then Publish and Fetch do nothing.
class ArtifactStore {
 public:
  ArtifactStore(const DataDir* dir, FileSystem* fs,
                ArtifactOwnerStore* owners = nullptr,
                ArtifactBlobStore* blobs = nullptr)
      : dir_(dir), fs_(fs), owners_(owners), blobs_(blobs) {}

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
  // VALIDATION_ERROR for a path that leaves the data directory. With a blob
  // store, a published copy newer than the local file (or where there is
  // none) is served instead, from a content-addressed cache
  // (artifact-cache/<sha256>; `absolute` points there).
  Result<ArtifactInfo> OpenForRead(const Reader& reader,
                                   const std::string& relative);

  // Copies every regular file at or under `relative` whose content differs
  // from its published copy into the blob store, so processes on other
  // hosts can read it; `now` (unix ms) dates the copies. Call it when a job
  // has written what it keeps. Returns the number of files copied. OK with
  // 0 without a blob store or if nothing is at `relative`. Errors:
  // VALIDATION_ERROR for a path outside the data directory, IO, and the
  // database's.
  Result<int> Publish(const std::string& relative, int64_t now);
  // Writes the published copies at or under `relative` that are missing
  // here into the data directory (atomically; a file that exists here is
  // never replaced), so that libraries can open them by path. Call it
  // before loading a model another host may have trained. Returns the
  // number of files written; 0 without a blob store. Errors as Publish,
  // CORRUPTION for a copy that fails its hash.
  Result<int> Fetch(const std::string& relative);
  // As Fetch, but also replaces a local file that is older than its
  // published copy: for data every host reads at a fixed path and any
  // host may replace (imported market data). Returns the number of files
  // written; 0 without a blob store. Errors as Fetch.
  Result<int> Refresh(const std::string& relative);

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

  // Where OpenForRead keeps the published copies it serves, under the root.
  static constexpr const char* kArtifactCacheDir = "artifact-cache";

 private:
  Result<ArtifactInfo> CachedCopy(const ArtifactBlob& blob);
  // Fetch (replace_older false) and Refresh (true).
  Result<int> CopyPublished(const std::string& relative, bool replace_older);

  const DataDir* dir_;
  FileSystem* fs_;
  ArtifactOwnerStore* owners_;
  ArtifactBlobStore* blobs_;
};

}  // namespace trainyard::store
