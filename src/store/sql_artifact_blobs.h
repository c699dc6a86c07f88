// ArtifactBlobStore over the metadata database (tables artifact_blobs and
// artifact_chunks, store/schema.cc), on SQLite and PostgreSQL alike.
#pragma once

#include "store/artifact_blobs.h"
#include "store/database.h"

namespace trainyard::store {

// Does not own `db`, which must outlive it. Thread-safe (takes the
// database's lock for each call).
class SqlArtifactBlobStore final : public ArtifactBlobStore {
 public:
  explicit SqlArtifactBlobStore(Database* db) : db_(db) {}
  Status Put(const ArtifactBlob& blob, std::string_view data) override;
  Result<std::optional<ArtifactBlob>> Stat(const std::string& path) override;
  Result<std::string> Read(const std::string& path) override;
  Result<std::vector<ArtifactBlob>> List(const std::string& dir) override;

 private:
  Database* db_;
};

}  // namespace trainyard::store
