#include "store/tables/gym_store.h"

#include "store/database.h"
#include "store/model_rows.h"

namespace trainyard::store::gym {

namespace {

// Never edit a shipped migration; append a new one.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      "CREATE TABLE gym_groups ("
      "  owner_id TEXT NOT NULL,"
      "  group_id TEXT NOT NULL,"
      "  definition TEXT NOT NULL,"
      "  created_at INTEGER NOT NULL,"
      "  PRIMARY KEY (owner_id, group_id));"
      "CREATE TABLE gym_models ("
      "  model_id TEXT PRIMARY KEY,"
      "  owner_id TEXT NOT NULL,"
      "  name TEXT NOT NULL,"
      "  type TEXT NOT NULL,"
      "  status TEXT NOT NULL,"
      "  metrics TEXT NOT NULL,"
      "  weights_path TEXT NOT NULL,"
      "  deployment TEXT NOT NULL,"
      "  created_at INTEGER NOT NULL,"
      "  updated_at INTEGER NOT NULL);"
      "CREATE INDEX gym_models_owner ON gym_models(owner_id, created_at);",
      // Models trained before the gym kept them in the platform's registry
      // (store/model_store.h) get their registry rows.
      "INSERT INTO models(id, owner_id, kind, name, status, metadata, "
      "  created_at, updated_at, display_name) "
      "SELECT model_id, owner_id, 'gym.' || type, model_id, status, '{}', "
      "  created_at, updated_at, name FROM gym_models "
      "  WHERE model_id NOT IN (SELECT id FROM models);"
      "INSERT INTO model_versions(model_id, version, artifact_path, metrics, "
      "  created_at, job_id, logs_path) "
      "SELECT model_id, 1, weights_path, metrics, created_at, model_id, '' "
      "  FROM gym_models WHERE model_id NOT IN "
      "  (SELECT model_id FROM model_versions);"};
  return migrations;
}

constexpr const char* kModelColumns =
    "model_id, owner_id, name, type, status, metrics, weights_path, "
    "deployment, created_at, updated_at";

ModelRow ReadModel(const Statement& s) {
  return {s.ColumnText(0), s.ColumnText(1), s.ColumnText(2), s.ColumnText(3),
          s.ColumnText(4), s.ColumnText(5), s.ColumnText(6), s.ColumnText(7),
          s.ColumnInt(8),  s.ColumnInt(9)};
}

WhereClause BuildWhere(const ModelQuery& q) {
  WhereClause where;
  if (q.owner_id) where.Add("owner_id = ?", *q.owner_id);
  if (q.status) where.Add("status = ?", *q.status);
  return where;
}

// The model's registry row ("gym.<type>", named by its id) and its one
// version: a gym model is what one training task produced.
ModelRecord RegistryRow(const ModelRow& m) {
  ModelRecord r;
  r.id = m.model_id;
  r.owner_id = m.owner_id;
  r.kind = "gym." + m.type;
  r.name = m.model_id;
  r.display_name = m.name;
  r.status = m.status;
  r.created_at = m.created_at;
  r.updated_at = m.updated_at;
  return r;
}

ModelVersion RegistryVersion(const ModelRow& m) {
  ModelVersion v;
  v.model_id = m.model_id;
  v.version = 1;
  v.artifact_path = m.weights_path;
  v.metrics = m.metrics;
  v.created_at = m.created_at;
  v.job_id = m.model_id;  // the training task's job
  return v;
}

}  // namespace

Result<std::unique_ptr<GymStore>> GymStore::Open(Database* db) {
  TY_RETURN_IF_ERROR(db->MigrateComponent("gym", Migrations()));
  return std::unique_ptr<GymStore>(new GymStore(db));
}

Status GymStore::CreateGroup(const GroupRow& g) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("INSERT INTO gym_groups(owner_id, group_id, definition, "
                   "created_at) VALUES(?,?,?,?)"));
  s.Bind(1, g.owner_id).Bind(2, g.group_id).Bind(3, g.definition);
  s.Bind(4, g.created_at);
  Status st = s.Run();
  if (st.code() == ErrorCode::kConflict) {
    return ConflictError("group '" + g.group_id + "' already exists");
  }
  return st;
}

Result<GroupRow> GymStore::GetGroup(const std::string& owner_id,
                                    const std::string& group_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT owner_id, group_id, definition, created_at FROM "
                   "gym_groups WHERE owner_id = ? AND group_id = ?"));
  s.Bind(1, owner_id).Bind(2, group_id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("group '" + group_id + "' not found");
  return GroupRow{s.ColumnText(0), s.ColumnText(1), s.ColumnText(2),
                  s.ColumnInt(3)};
}

Result<std::vector<GroupRow>> GymStore::ListGroups(
    const std::string& owner_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      store::Statement s,
      db_->Prepare("SELECT owner_id, group_id, definition, created_at FROM "
                   "gym_groups WHERE owner_id = ? ORDER BY group_id"));
  s.Bind(1, owner_id);
  return store::ReadRows<GroupRow>(s, [](store::Statement& row) {
    return GroupRow{row.ColumnText(0), row.ColumnText(1), row.ColumnText(2),
                    row.ColumnInt(3)};
  });
}

Status GymStore::PutModel(const ModelRow& m) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare(std::string("INSERT INTO gym_models(") + kModelColumns +
                     ") VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(model_id) DO "
                     "UPDATE SET owner_id = excluded.owner_id, name = "
                     "excluded.name, type = excluded.type, status = "
                     "excluded.status, metrics = excluded.metrics, "
                     "weights_path = excluded.weights_path, deployment = "
                     "excluded.deployment, created_at = excluded.created_at, "
                     "updated_at = excluded.updated_at"));
    s.Bind(1, m.model_id).Bind(2, m.owner_id).Bind(3, m.name).Bind(4, m.type);
    s.Bind(5, m.status).Bind(6, m.metrics).Bind(7, m.weights_path);
    s.Bind(8, m.deployment).Bind(9, m.created_at).Bind(10, m.updated_at);
    TY_RETURN_IF_ERROR(s.Run());
    TY_RETURN_IF_ERROR(PutModelRow(db_, RegistryRow(m)));
    return PutVersionRow(db_, RegistryVersion(m));
  });
}

Result<ModelRow> GymStore::GetModel(const std::string& model_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kModelColumns +
                                   " FROM gym_models WHERE model_id = ?"));
  s.Bind(1, model_id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("model '" + model_id + "' not found");
  return ReadModel(s);
}

Result<std::vector<ModelRow>> GymStore::ListModels(const ModelQuery& q) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(q);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kModelColumns + " FROM gym_models" +
                   where.sql() + " ORDER BY created_at DESC, model_id" +
                   kPageSql));
  BindPage(s, where.BindTo(s), q.limit, q.offset);
  return ReadRows<ModelRow>(s, ReadModel);
}

Result<int64_t> GymStore::CountModels(const ModelQuery& q) {
  auto lock = db_->Lock();
  WhereClause where = BuildWhere(q);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT COUNT(*) FROM gym_models" + where.sql()));
  where.BindTo(s);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Status GymStore::UpdateDeployment(const std::string& model_id,
                                  const std::string& status,
                                  const std::string& deployment, int64_t now) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("UPDATE gym_models SET status = ?, deployment = ?, "
                     "updated_at = ? WHERE model_id = ?"));
    s.Bind(1, status).Bind(2, deployment).Bind(3, now).Bind(4, model_id);
    TY_RETURN_IF_ERROR(s.Run());
    if (db_->Changes() == 0) {
      return NotFoundError("model '" + model_id + "' not found");
    }
    return SetModelRowStatus(db_, model_id, status, now);
  });
}

}  // namespace trainyard::store::gym
