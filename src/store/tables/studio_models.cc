#include "store/tables/studio_models.h"

#include <algorithm>

#include "store/database.h"
#include "store/model_rows.h"

namespace trainyard::store::studio {

using nlohmann::json;

const std::vector<std::string>& ModelStatuses() {
  static const std::vector<std::string> kStatuses = {
      kDraft, kTraining, kCompleted, kFailed, kPublished, kArchived};
  return kStatuses;
}

namespace {

constexpr const char* kColumns =
    "id, owner_id, name, description, model_type, algorithm, status, config, "
    "result, version, artifact_path, data_source, total_downloads, "
    "total_earnings_cents, created_at, updated_at";

json ParseOrEmpty(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json::object() : j;
}

StudioModel ReadModel(const Statement& s) {
  StudioModel m;
  m.id = s.ColumnText(0);
  m.owner_id = s.ColumnText(1);
  m.name = s.ColumnText(2);
  m.description = s.ColumnText(3);
  m.model_type = s.ColumnText(4);
  m.algorithm = s.ColumnText(5);
  m.status = s.ColumnText(6);
  m.config = ParseOrEmpty(s.ColumnText(7));
  m.result = ParseOrEmpty(s.ColumnText(8));
  m.version = s.ColumnInt(9);
  m.artifact_path = s.ColumnText(10);
  m.data_source = s.ColumnText(11);
  m.total_downloads = s.ColumnInt(12);
  m.total_earnings_cents = s.ColumnInt(13);
  m.created_at = s.ColumnInt(14);
  m.updated_at = s.ColumnInt(15);
  return m;
}

WhereClause BuildWhere(const ModelQuery& q) {
  WhereClause where;
  if (q.owner_id) where.Add("owner_id = ?", *q.owner_id);
  if (q.status) where.Add("status = ?", *q.status);
  if (q.model_type) where.Add("model_type = ?", *q.model_type);
  return where;
}

// The model's registry row: kind "studio", named by its id.
ModelRecord RegistryRow(const StudioModel& m) {
  ModelRecord r;
  r.id = m.id;
  r.owner_id = m.owner_id;
  r.kind = "studio";
  r.name = m.id;
  r.display_name = m.name;
  r.status = m.status;
  r.metadata =
      json{{"model_type", m.model_type}, {"algorithm", m.algorithm}}.dump();
  r.created_at = m.created_at;
  r.updated_at = m.updated_at;
  return r;
}

// The trained version `m` describes, for the registry: its artifact, test
// metrics and the job that trained it.
ModelVersion RegistryVersion(const StudioModel& m) {
  ModelVersion v;
  v.model_id = m.id;
  v.version = m.version;
  v.artifact_path = m.artifact_path;
  v.metrics = m.result.value("performance_metrics", json::object()).dump();
  v.created_at = m.updated_at;
  const json summary = m.result.value("training_summary", json::object());
  if (summary.contains("job_id") && summary["job_id"].is_string()) {
    v.job_id = summary["job_id"].get<std::string>();
  }
  return v;
}

Status NotFound(const std::string& id) {
  return NotFoundError("model '" + id + "' not found");
}

}  // namespace

Status ModelRepository::Create(const StudioModel& m) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare(std::string("INSERT INTO studio_models(") + kColumns +
                     ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    s.Bind(1, m.id).Bind(2, m.owner_id).Bind(3, m.name).Bind(4, m.description);
    s.Bind(5, m.model_type).Bind(6, m.algorithm).Bind(7, m.status);
    s.Bind(8, m.config.dump()).Bind(9, m.result.dump()).Bind(10, m.version);
    s.Bind(11, m.artifact_path).Bind(12, m.data_source);
    s.Bind(13, m.total_downloads).Bind(14, m.total_earnings_cents);
    s.Bind(15, m.created_at).Bind(16, m.updated_at);
    TY_RETURN_IF_ERROR(s.Run());
    return PutModelRow(db_, RegistryRow(m));
  });
}

Result<StudioModel> ModelRepository::Get(const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kColumns +
                                   " FROM studio_models WHERE id = ?"));
  s.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound(id);
  return ReadModel(s);
}

Result<std::vector<StudioModel>> ModelRepository::List(const ModelQuery& q) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(q);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kColumns + " FROM studio_models" +
                   where.sql() + " ORDER BY created_at DESC, rowid DESC" +
                   kPageSql));
  BindPage(s, where.BindTo(s), q.limit, q.offset);
  return ReadRows<StudioModel>(s, ReadModel);
}

Result<int64_t> ModelRepository::Count(const ModelQuery& q) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(q);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT COUNT(*) FROM studio_models" + where.sql()));
  where.BindTo(s);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Status ModelRepository::Update(const StudioModel& m,
                               const std::string& expected_status) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("UPDATE studio_models SET name = ?, description = ?, "
                     "status = ?, config = ?, result = ?, version = ?, "
                     "artifact_path = ?, data_source = ?, updated_at = ? "
                     "WHERE id = ? AND status = ?"));
    s.Bind(1, m.name).Bind(2, m.description).Bind(3, m.status);
    s.Bind(4, m.config.dump()).Bind(5, m.result.dump()).Bind(6, m.version);
    s.Bind(7, m.artifact_path).Bind(8, m.data_source).Bind(9, m.updated_at);
    s.Bind(10, m.id).Bind(11, expected_status);
    TY_RETURN_IF_ERROR(s.Run());
    if (db_->Changes() != 1) {
      return ConflictError("model '" + m.id + "' is no longer " +
                           expected_status);
    }
    const ModelRecord row = RegistryRow(m);
    TY_RETURN_IF_ERROR(UpdateModelRow(db_, m.id, row.status, row.display_name,
                                      row.metadata, m.updated_at));
    if (m.version == 0 || m.artifact_path.empty()) return Status::Ok();
    return PutVersionRow(db_, RegistryVersion(m));
  });
}

Status ModelRepository::Delete(const std::string& id,
                               const std::string& expected_status) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("DELETE FROM studio_models WHERE id = ? AND status = ?"));
    s.Bind(1, id).Bind(2, expected_status);
    TY_RETURN_IF_ERROR(s.Run());
    if (db_->Changes() != 1) {
      return ConflictError("model '" + id + "' is no longer " +
                           expected_status);
    }
    return DeleteModelRow(db_, id);
  });
}

Result<std::string> ModelRepository::Transition(
    const std::string& id, const std::vector<std::string>& from,
    const std::string& to, int64_t now) {
  auto lock = db_->Lock();
  std::string previous;
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement q,
        db_->Prepare("SELECT status FROM studio_models WHERE id = ?"));
    q.Bind(1, id);
    TY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound(id);
    previous = q.ColumnText(0);
    if (std::find(from.begin(), from.end(), previous) == from.end()) {
      return ConflictError("model '" + id + "' is " + previous);
    }
    TY_ASSIGN_OR_RETURN(Statement u,
                        db_->Prepare("UPDATE studio_models SET status = ?, "
                                     "updated_at = ? WHERE id = ?"));
    u.Bind(1, to).Bind(2, now).Bind(3, id);
    TY_RETURN_IF_ERROR(u.Run());
    return SetModelRowStatus(db_, id, to, now);
  });
  if (!st.ok()) return st;
  return previous;
}

Status ModelRepository::AddSale(const std::string& id, int64_t cents,
                                int64_t now) {
  auto lock = db_->Lock();
  return AddSaleLocked(id, cents, now);
}

Status ModelRepository::AddSaleLocked(const std::string& id, int64_t cents,
                                      int64_t now) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("UPDATE studio_models SET total_downloads = "
                   "total_downloads + 1, total_earnings_cents = "
                   "total_earnings_cents + ?, updated_at = ? WHERE id = ?"));
  s.Bind(1, cents).Bind(2, now).Bind(3, id);
  TY_RETURN_IF_ERROR(s.Run());
  return db_->Changes() == 1 ? Status::Ok() : NotFound(id);
}

}  // namespace trainyard::store::studio
