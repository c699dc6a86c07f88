// Copies of stored files kept in the metadata database, so that a file one
// process wrote can be read by every process on every host, each with its
// own data directory (PostgreSQL deployments, docs/scale-out.md). Files are
// split into chunks of at most kArtifactChunkBytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace trainyard::store {

inline constexpr int64_t kArtifactChunkBytes = 1 << 20;

// One file's copy: `path` relative to a data directory (normalised, as
// ArtifactOwner paths are), the SHA-256 of its content in hex.
struct ArtifactBlob {
  std::string path;
  std::string sha256;
  int64_t size = 0;
  int64_t updated_at = 0;  // unix ms
};

// Implementations must be thread-safe.
class ArtifactBlobStore {
 public:
  virtual ~ArtifactBlobStore() = default;
  // Replaces the copy of `blob.path` with `data` (whose size and hash
  // `blob` gives) in one transaction: readers see the old copy or the new
  // one, never a mix. Errors: the database's (IO, UNAVAILABLE).
  virtual Status Put(const ArtifactBlob& blob, std::string_view data) = 0;
  // The copy of `path`, nullopt if there is none.
  virtual Result<std::optional<ArtifactBlob>> Stat(const std::string& path) = 0;
  // The content of the copy of `path`. NOT_FOUND if there is none;
  // CORRUPTION if its chunks do not add up to its recorded size and hash.
  virtual Result<std::string> Read(const std::string& path) = 0;
  // Every copy at `dir` or under it (`dir` + "/..."), sorted by path.
  virtual Result<std::vector<ArtifactBlob>> List(const std::string& dir) = 0;
};

}  // namespace trainyard::store
