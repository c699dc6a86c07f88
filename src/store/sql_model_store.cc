#include "store/model_rows.h"
#include "store/sql_repositories.h"

namespace trainyard::store {

namespace {

constexpr const char* kModelColumns =
    "id, owner_id, kind, name, status, metadata, created_at, updated_at, "
    "display_name";

ModelRecord ReadModel(const Statement& s) {
  return {s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
          s.ColumnText(3), s.ColumnText(4), s.ColumnText(5),
          s.ColumnInt(6),  s.ColumnInt(7),  s.ColumnText(8)};
}

WhereClause BuildWhere(const ModelFilter& f) {
  WhereClause where;
  if (f.owner_id) where.Add("owner_id = ?", *f.owner_id);
  if (f.kind) where.Add("kind = ?", *f.kind);
  if (f.product) {
    where.Add("(kind = ? OR kind LIKE ?)",
              std::vector<SqlValue>{*f.product, *f.product + ".%"});
  }
  if (f.status) where.Add("status = ?", *f.status);
  return where;
}

Status NameTaken(const ModelRecord& m) {
  return ConflictError("a " + m.kind + " model named '" + m.name +
                       "' already exists");
}

// Inserts `m` (display_name defaults to name), followed by `on_conflict`
// (an ON CONFLICT clause, or empty to fail with CONFLICT).
// REQUIRES: db->Lock() held.
Status InsertModelRow(Database* db, const ModelRecord& m,
                      const std::string& on_conflict) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare("INSERT INTO models(id, owner_id, kind, name, status, "
                  "metadata, created_at, updated_at, display_name) "
                  "VALUES(?,?,?,?,?,?,?,?,?)" +
                  on_conflict));
  s.Bind(1, m.id).Bind(2, m.owner_id).Bind(3, m.kind).Bind(4, m.name);
  s.Bind(5, m.status).Bind(6, m.metadata).Bind(7, m.created_at);
  s.Bind(8, m.updated_at);
  s.Bind(9, m.display_name.empty() ? m.name : m.display_name);
  Status st = s.Run();
  return st.code() == ErrorCode::kConflict ? NameTaken(m) : st;
}

}  // namespace

std::string ProductOfKind(const std::string& kind) {
  return kind.substr(0, kind.find('.'));
}

Status PutModelRow(Database* db, const ModelRecord& m) {
  return InsertModelRow(db, m,
                        " ON CONFLICT(id) DO UPDATE SET "
                        "owner_id = excluded.owner_id, kind = excluded.kind, "
                        "name = excluded.name, status = excluded.status, "
                        "metadata = excluded.metadata, "
                        "updated_at = excluded.updated_at, "
                        "display_name = excluded.display_name");
}

Status UpdateModelRow(Database* db, const std::string& id,
                      const std::string& status,
                      const std::string& display_name,
                      const std::string& metadata, int64_t now) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare("UPDATE models SET status = ?, display_name = ?, "
                  "metadata = ?, updated_at = ? WHERE id = ?"));
  s.Bind(1, status).Bind(2, display_name).Bind(3, metadata).Bind(4, now);
  s.Bind(5, id);
  return s.Run();
}

Status SetModelRowStatus(Database* db, const std::string& id,
                         const std::string& status, int64_t now) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare("UPDATE models SET status = ?, updated_at = ? WHERE id = ?"));
  s.Bind(1, status).Bind(2, now).Bind(3, id);
  return s.Run();
}

Status PutVersionRow(Database* db, const ModelVersion& v) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db->Prepare("INSERT INTO model_versions(model_id, version, "
                  "artifact_path, metrics, created_at, job_id, logs_path) "
                  "VALUES(?,?,?,?,?,?,?) ON CONFLICT(model_id, version) DO "
                  "UPDATE SET artifact_path = excluded.artifact_path, "
                  "metrics = excluded.metrics, job_id = excluded.job_id, "
                  "logs_path = excluded.logs_path"));
  s.Bind(1, v.model_id).Bind(2, v.version).Bind(3, v.artifact_path);
  s.Bind(4, v.metrics).Bind(5, v.created_at).Bind(6, v.job_id);
  s.Bind(7, v.logs_path);
  return s.Run();
}

Status DeleteModelRow(Database* db, const std::string& id) {
  // Versions first: foreign keys cascade on both backends, but this keeps
  // the delete correct where they are off.
  TY_ASSIGN_OR_RETURN(
      Statement v,
      db->Prepare("DELETE FROM model_versions WHERE model_id = ?"));
  v.Bind(1, id);
  TY_RETURN_IF_ERROR(v.Run());
  TY_ASSIGN_OR_RETURN(Statement s,
                      db->Prepare("DELETE FROM models WHERE id = ?"));
  s.Bind(1, id);
  return s.Run();
}

Status SqlModelStore::Create(const ModelRecord& m) {
  auto lock = db_->Lock();
  return InsertModelRow(db_, m, "");
}

Result<ModelRecord> SqlModelStore::Get(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kModelColumns +
                                   " FROM models WHERE id = ?"));
  s.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("model '" + id + "' not found");
  return ReadModel(s);
}

Result<ModelRecord> SqlModelStore::FindByName(const std::string& owner_id,
                                              const std::string& kind,
                                              const std::string& name) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(
          std::string("SELECT ") + kModelColumns +
          " FROM models WHERE owner_id = ? AND kind = ? AND name = ?"));
  s.Bind(1, owner_id).Bind(2, kind).Bind(3, name);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("model '" + name + "' not found");
  return ReadModel(s);
}

Result<std::vector<ModelRecord>> SqlModelStore::List(const ModelFilter& f) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(f);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kModelColumns + " FROM models" +
                   where.sql() + " ORDER BY created_at DESC, rowid DESC" +
                   kPageSql));
  BindPage(s, where.BindTo(s), f.limit, f.offset);
  return ReadRows<ModelRecord>(
      s, [](const Statement& row) { return ReadModel(row); });
}

Result<int64_t> SqlModelStore::Count(const ModelFilter& f) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(f);
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("SELECT COUNT(*) FROM models" + where.sql()));
  where.BindTo(s);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Status SqlModelStore::Update(const ModelRecord& m) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE models SET name = ?, status = ?, metadata = ?, "
                   "updated_at = ?, display_name = CASE WHEN ? = '' THEN "
                   "display_name ELSE ? END WHERE id = ?"));
  s.Bind(1, m.name).Bind(2, m.status).Bind(3, m.metadata).Bind(4, m.updated_at);
  s.Bind(5, m.display_name).Bind(6, m.display_name).Bind(7, m.id);
  Status st = s.Run();
  if (st.code() == ErrorCode::kConflict) return NameTaken(m);
  TY_RETURN_IF_ERROR(st);
  if (db_->Changes() == 0)
    return NotFoundError("model '" + m.id + "' not found");
  return Status::Ok();
}

Status SqlModelStore::Delete(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("DELETE FROM models WHERE id = ?"));
  s.Bind(1, id);
  TY_RETURN_IF_ERROR(s.Run());
  if (db_->Changes() == 0) return NotFoundError("model '" + id + "' not found");
  return Status::Ok();
}

Result<ModelVersion> SqlModelStore::AddVersion(const ModelVersion& draft) {
  auto lock = db_->Lock();
  ModelVersion v = draft;
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM "
                                     "model_versions WHERE model_id = ?"));
    q.Bind(1, v.model_id);
    TY_ASSIGN_OR_RETURN(bool row, q.Step());
    v.version = (row ? q.ColumnInt(0) : 0) + 1;
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("INSERT INTO model_versions(model_id, version, "
                     "artifact_path, metrics, created_at, job_id, logs_path) "
                     "VALUES(?,?,?,?,?,?,?)"));
    s.Bind(1, v.model_id).Bind(2, v.version).Bind(3, v.artifact_path);
    s.Bind(4, v.metrics).Bind(5, v.created_at).Bind(6, v.job_id);
    s.Bind(7, v.logs_path);
    Status ins = s.Run();
    if (ins.code() == ErrorCode::kConflict) {
      return NotFoundError("model '" + v.model_id + "' not found");
    }
    return ins;
  });
  if (!st.ok()) return st;
  return v;
}

namespace {

constexpr const char* kVersionColumns =
    "model_id, version, artifact_path, metrics, created_at, job_id, logs_path";

ModelVersion ReadVersion(const Statement& row) {
  return ModelVersion{row.ColumnText(0), row.ColumnInt(1), row.ColumnText(2),
                      row.ColumnText(3), row.ColumnInt(4), row.ColumnText(5),
                      row.ColumnText(6)};
}

}  // namespace

Result<ModelVersion> SqlModelStore::GetVersion(const std::string& model_id,
                                               int64_t version) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kVersionColumns +
                   " FROM model_versions WHERE model_id = ? AND version = ?"));
  s.Bind(1, model_id).Bind(2, version);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    return NotFoundError("version " + std::to_string(version) + " of model '" +
                         model_id + "' not found");
  }
  return ReadVersion(s);
}

Status SqlModelStore::UpdateVersion(const ModelVersion& v) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE model_versions SET artifact_path = ?, metrics = ?, "
                   "job_id = ?, logs_path = ? WHERE model_id = ? AND "
                   "version = ?"));
  s.Bind(1, v.artifact_path).Bind(2, v.metrics).Bind(3, v.job_id);
  s.Bind(4, v.logs_path).Bind(5, v.model_id).Bind(6, v.version);
  TY_RETURN_IF_ERROR(s.Run());
  if (db_->Changes() == 0) {
    return NotFoundError("version " + std::to_string(v.version) +
                         " of model '" + v.model_id + "' not found");
  }
  return Status::Ok();
}

Result<std::vector<ModelVersion>> SqlModelStore::ListVersions(
    const std::string& model_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kVersionColumns +
                   " FROM model_versions WHERE model_id = ? ORDER BY version"));
  s.Bind(1, model_id);
  return ReadRows<ModelVersion>(s, ReadVersion);
}

Status SqlArtifactOwnerStore::Claim(const ArtifactOwner& c) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement q,
        db_->Prepare("SELECT owner_id FROM artifact_owners WHERE path = ?"));
    q.Bind(1, c.path);
    TY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      if (q.ColumnText(0) == c.owner_id) return Status::Ok();
      return ConflictError("'" + c.path + "' belongs to another user");
    }
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("INSERT INTO artifact_owners(path, owner_id, kind, "
                     "created_at) VALUES(?,?,?,?)"));
    s.Bind(1, c.path).Bind(2, c.owner_id).Bind(3, c.kind).Bind(4, c.created_at);
    return s.Run();
  });
}

Result<std::optional<ArtifactOwner>> SqlArtifactOwnerStore::FindLongest(
    const std::vector<std::string>& paths) {
  std::optional<ArtifactOwner> best;
  if (paths.empty()) return best;
  auto lock = db_->Lock();
  std::string sql =
      "SELECT path, owner_id, kind, created_at FROM artifact_owners WHERE "
      "path IN (?";
  for (size_t i = 1; i < paths.size(); ++i) sql += ",?";
  sql += ") ORDER BY length(path) DESC LIMIT 1";
  TY_ASSIGN_OR_RETURN(Statement s, db_->Prepare(sql));
  for (size_t i = 0; i < paths.size(); ++i)
    s.Bind(static_cast<int>(i + 1), paths[i]);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (row) {
    best = ArtifactOwner{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
                         s.ColumnInt(3)};
  }
  return best;
}

Status SqlAuditLog::Append(const AuditEntry& e) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("INSERT INTO audit_log(actor_id, action, "
                   "target, detail, created_at) VALUES(?,?,?,?,?)"));
  s.Bind(1, e.actor_id).Bind(2, e.action).Bind(3, e.target).Bind(4, e.detail);
  s.Bind(5, e.created_at);
  return s.Run();
}

Result<std::vector<AuditEntry>> SqlAuditLog::Recent(int64_t limit) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("SELECT id, actor_id, action, target, detail, "
                                "created_at FROM audit_log ORDER BY id DESC "
                                "LIMIT ?"));
  s.Bind(1, limit);
  return ReadRows<AuditEntry>(s, [](const Statement& row) {
    return AuditEntry{row.ColumnInt(0),  row.ColumnText(1), row.ColumnText(2),
                      row.ColumnText(3), row.ColumnText(4), row.ColumnInt(5)};
  });
}

Result<std::vector<RateWindow>> SqlRateCounterStore::LoadAll() {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("SELECT key, window_start, count "
                                   "FROM rate_counters"));
  return ReadRows<RateWindow>(s, [](const Statement& row) {
    return RateWindow{row.ColumnText(0), row.ColumnInt(1), row.ColumnInt(2)};
  });
}

Result<std::vector<RateWindow>> SqlRateCounterStore::Merge(
    const std::vector<RateWindow>& added, int64_t now, int64_t window_ms) {
  std::vector<RateWindow> totals;
  if (added.empty()) return totals;
  auto lock = db_->Lock();
  Status merged = db_->Transaction([&]() -> Status {
    totals.clear();
    TY_ASSIGN_OR_RETURN(
        Statement read,
        db_->Prepare("SELECT window_start, count FROM rate_counters "
                     "WHERE key = ?"));
    TY_ASSIGN_OR_RETURN(
        Statement write,
        db_->Prepare(
            "INSERT INTO rate_counters(key, window_start, count) "
            "VALUES(?,?,?) ON CONFLICT(key) DO UPDATE SET "
            "window_start = excluded.window_start, count = excluded.count"));
    for (const RateWindow& a : added) {
      TY_RETURN_IF_ERROR(read.Reset());
      read.Bind(1, a.key);
      TY_ASSIGN_OR_RETURN(bool row, read.Step());
      RateWindow total = a;
      if (row) {
        const int64_t start = read.ColumnInt(0);
        if (start <= now && now - start < window_ms) {
          total.window_start = start;
          total.count = read.ColumnInt(1) + a.count;
        }
      }
      TY_RETURN_IF_ERROR(write.Reset());
      write.Bind(1, total.key).Bind(2, total.window_start).Bind(3, total.count);
      TY_RETURN_IF_ERROR(write.Run());
      totals.push_back(std::move(total));
    }
    return Status::Ok();
  });
  TY_RETURN_IF_ERROR(merged);
  return totals;
}

}  // namespace trainyard::store
