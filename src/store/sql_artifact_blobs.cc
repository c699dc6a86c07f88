#include "store/sql_artifact_blobs.h"

#include <algorithm>

#include "core/crypto.h"

namespace trainyard::store {
namespace {

constexpr const char* kBlobColumns = "path, sha256, size, updated_at";

ArtifactBlob ReadBlob(const Statement& row) {
  return ArtifactBlob{row.ColumnText(0), row.ColumnText(1), row.ColumnInt(2),
                      row.ColumnInt(3)};
}

// `text` with LIKE's wildcards and the escape character escaped by '\'.
std::string EscapeLike(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The metadata row of `path`, or nullopt. REQUIRES: db.Lock() held.
Result<std::optional<ArtifactBlob>> SelectBlob(Database& db,
                                               const std::string& path) {
  TY_ASSIGN_OR_RETURN(Statement s,
                      db.Prepare(std::string("SELECT ") + kBlobColumns +
                                 " FROM artifact_blobs WHERE path = ?"));
  s.Bind(1, path);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<ArtifactBlob>();
  return std::optional<ArtifactBlob>(ReadBlob(s));
}

}  // namespace

Status SqlArtifactBlobStore::Put(const ArtifactBlob& blob,
                                 std::string_view data) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement drop,
        db_->Prepare("DELETE FROM artifact_chunks WHERE path = ?"));
    TY_RETURN_IF_ERROR(drop.Bind(1, blob.path).Run());
    TY_ASSIGN_OR_RETURN(
        Statement chunk,
        db_->Prepare(
            "INSERT INTO artifact_chunks(path, seq, data) VALUES(?,?,?)"));
    int64_t seq = 0;
    for (size_t at = 0; at < data.size() || seq == 0; ++seq) {
      const size_t n = std::min<size_t>(kArtifactChunkBytes, data.size() - at);
      TY_RETURN_IF_ERROR(chunk.Reset());
      chunk.Bind(1, blob.path).Bind(2, seq).BindBlob(3, data.substr(at, n));
      TY_RETURN_IF_ERROR(chunk.Run());
      at += n;
    }
    TY_ASSIGN_OR_RETURN(
        Statement meta,
        db_->Prepare("INSERT INTO artifact_blobs(path, sha256, size, "
                     "updated_at) VALUES(?,?,?,?) ON CONFLICT(path) DO UPDATE "
                     "SET sha256 = excluded.sha256, size = excluded.size, "
                     "updated_at = excluded.updated_at"));
    meta.Bind(1, blob.path).Bind(2, blob.sha256).Bind(3, blob.size);
    meta.Bind(4, blob.updated_at);
    return meta.Run();
  });
}

Result<std::optional<ArtifactBlob>> SqlArtifactBlobStore::Stat(
    const std::string& path) {
  auto lock = db_->Lock();
  return SelectBlob(*db_, path);
}

Result<std::string> SqlArtifactBlobStore::Read(const std::string& path) {
  auto lock = db_->Lock();
  std::string data;
  ArtifactBlob blob;
  // One transaction: a concurrent Put is seen whole or not at all.
  Status read = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(std::optional<ArtifactBlob> found,
                        SelectBlob(*db_, path));
    if (!found) return NotFoundError("no stored copy of '" + path + "'");
    blob = *found;
    TY_ASSIGN_OR_RETURN(
        Statement chunks,
        db_->Prepare("SELECT data FROM artifact_chunks WHERE path = ? "
                     "ORDER BY seq"));
    chunks.Bind(1, path);
    data.reserve(static_cast<size_t>(blob.size));
    while (true) {
      TY_ASSIGN_OR_RETURN(bool more, chunks.Step());
      if (!more) return Status::Ok();
      data += chunks.ColumnBlob(0);
    }
  });
  TY_RETURN_IF_ERROR(read);
  if (static_cast<int64_t>(data.size()) != blob.size ||
      Sha256Hex(data) != blob.sha256) {
    return Status(ErrorCode::kCorruption,
                  "the stored copy of '" + path + "' does not match its hash");
  }
  return data;
}

Result<std::vector<ArtifactBlob>> SqlArtifactBlobStore::List(
    const std::string& dir) {
  auto lock = db_->Lock();
  // LIKE narrows (it ignores ASCII case on SQLite); the prefix test below
  // is exact.
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kBlobColumns +
                   " FROM artifact_blobs WHERE path = ? OR path LIKE ? "
                   "ESCAPE '\\' ORDER BY path"));
  const std::string prefix = dir + "/";
  s.Bind(1, dir).Bind(2, EscapeLike(prefix) + "%");
  TY_ASSIGN_OR_RETURN(std::vector<ArtifactBlob> all,
                      ReadRows<ArtifactBlob>(s, ReadBlob));
  std::erase_if(all, [&](const ArtifactBlob& b) {
    return b.path != dir && b.path.compare(0, prefix.size(), prefix) != 0;
  });
  // PostgreSQL orders by its collation; the contract is byte order.
  std::sort(all.begin(), all.end(),
            [](const ArtifactBlob& a, const ArtifactBlob& b) {
              return a.path < b.path;
            });
  return all;
}

}  // namespace trainyard::store
