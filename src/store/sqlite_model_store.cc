#include "store/sqlite_repositories.h"

namespace trainyard::store {

namespace {

constexpr const char* kModelColumns =
    "id, owner_id, kind, name, status, metadata, created_at, updated_at";

ModelRecord ReadModel(const Statement& s) {
  return {s.ColumnText(0), s.ColumnText(1), s.ColumnText(2), s.ColumnText(3),
          s.ColumnText(4), s.ColumnText(5), s.ColumnInt(6),  s.ColumnInt(7)};
}

WhereClause BuildWhere(const ModelFilter& f) {
  WhereClause where;
  if (f.owner_id) where.Add("owner_id = ?", *f.owner_id);
  if (f.kind) where.Add("kind = ?", *f.kind);
  if (f.status) where.Add("status = ?", *f.status);
  return where;
}

}  // namespace

Status SqliteModelStore::Create(const ModelRecord& m) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("INSERT INTO models(id, owner_id, kind, name, "
                                "status, metadata, created_at, updated_at) "
                                "VALUES(?,?,?,?,?,?,?,?)"));
  s.Bind(1, m.id).Bind(2, m.owner_id).Bind(3, m.kind).Bind(4, m.name);
  s.Bind(5, m.status)
      .Bind(6, m.metadata)
      .Bind(7, m.created_at)
      .Bind(8, m.updated_at);
  Status st = s.Run();
  if (st.code() == ErrorCode::kConflict) {
    return ConflictError("a " + m.kind + " model named '" + m.name +
                         "' already exists");
  }
  return st;
}

Result<ModelRecord> SqliteModelStore::Get(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kModelColumns +
                                   " FROM models WHERE id = ?"));
  s.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("model '" + id + "' not found");
  return ReadModel(s);
}

Result<ModelRecord> SqliteModelStore::FindByName(const std::string& owner_id,
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

Result<std::vector<ModelRecord>> SqliteModelStore::List(const ModelFilter& f) {
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

Result<int64_t> SqliteModelStore::Count(const ModelFilter& f) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(f);
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("SELECT COUNT(*) FROM models" + where.sql()));
  where.BindTo(s);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Status SqliteModelStore::Update(const ModelRecord& m) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("UPDATE models SET name = ?, status = ?, "
                                "metadata = ?, updated_at = ? WHERE id = ?"));
  s.Bind(1, m.name).Bind(2, m.status).Bind(3, m.metadata).Bind(4, m.updated_at);
  s.Bind(5, m.id);
  Status st = s.Run();
  if (st.code() == ErrorCode::kConflict) {
    return ConflictError("a " + m.kind + " model named '" + m.name +
                         "' already exists");
  }
  TY_RETURN_IF_ERROR(st);
  if (db_->Changes() == 0)
    return NotFoundError("model '" + m.id + "' not found");
  return Status::Ok();
}

Status SqliteModelStore::Delete(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("DELETE FROM models WHERE id = ?"));
  s.Bind(1, id);
  TY_RETURN_IF_ERROR(s.Run());
  if (db_->Changes() == 0) return NotFoundError("model '" + id + "' not found");
  return Status::Ok();
}

Result<ModelVersion> SqliteModelStore::AddVersion(
    const std::string& model_id, const std::string& artifact_path,
    const std::string& metrics, int64_t now) {
  auto lock = db_->Lock();
  ModelVersion v{model_id, 0, artifact_path, metrics, now};
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(Statement q,
                        db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM "
                                     "model_versions WHERE model_id = ?"));
    q.Bind(1, model_id);
    TY_ASSIGN_OR_RETURN(bool row, q.Step());
    v.version = (row ? q.ColumnInt(0) : 0) + 1;
    TY_ASSIGN_OR_RETURN(Statement s,
                        db_->Prepare("INSERT INTO model_versions(model_id, "
                                     "version, artifact_path, metrics, "
                                     "created_at) VALUES(?,?,?,?,?)"));
    s.Bind(1, model_id).Bind(2, v.version).Bind(3, artifact_path);
    s.Bind(4, metrics).Bind(5, now);
    Status ins = s.Run();
    if (ins.code() == ErrorCode::kConflict) {
      return NotFoundError("model '" + model_id + "' not found");
    }
    return ins;
  });
  if (!st.ok()) return st;
  return v;
}

Result<std::vector<ModelVersion>> SqliteModelStore::ListVersions(
    const std::string& model_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT model_id, version, artifact_path, metrics, "
                   "created_at FROM model_versions WHERE model_id = ? ORDER BY "
                   "version"));
  s.Bind(1, model_id);
  return ReadRows<ModelVersion>(s, [](const Statement& row) {
    return ModelVersion{row.ColumnText(0), row.ColumnInt(1), row.ColumnText(2),
                        row.ColumnText(3), row.ColumnInt(4)};
  });
}

Status SqliteAuditLog::Append(const AuditEntry& e) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("INSERT INTO audit_log(actor_id, action, "
                   "target, detail, created_at) VALUES(?,?,?,?,?)"));
  s.Bind(1, e.actor_id).Bind(2, e.action).Bind(3, e.target).Bind(4, e.detail);
  s.Bind(5, e.created_at);
  return s.Run();
}

Result<std::vector<AuditEntry>> SqliteAuditLog::Recent(int64_t limit) {
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

Result<std::vector<RateWindow>> SqliteRateCounterStore::LoadAll() {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("SELECT key, window_start, count "
                                   "FROM rate_counters"));
  return ReadRows<RateWindow>(s, [](const Statement& row) {
    return RateWindow{row.ColumnText(0), row.ColumnInt(1), row.ColumnInt(2)};
  });
}

Status SqliteRateCounterStore::SaveAll(const std::vector<RateWindow>& windows) {
  if (windows.empty()) return Status::Ok();
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare(
            "INSERT INTO rate_counters(key, window_start, count) "
            "VALUES(?,?,?) ON CONFLICT(key) DO UPDATE SET "
            "window_start = excluded.window_start, count = excluded.count"));
    for (const RateWindow& w : windows) {
      s.Bind(1, w.key).Bind(2, w.window_start).Bind(3, w.count);
      TY_RETURN_IF_ERROR(s.Run());
      TY_RETURN_IF_ERROR(s.Reset());
    }
    return Status::Ok();
  });
}

}  // namespace trainyard::store
