#include "store/database.h"

namespace trainyard::store {

Status Statement::Run() {
  while (true) {
    TY_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::optional<int64_t> Statement::ColumnOptionalInt(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnInt(col);
}

std::optional<std::string> Statement::ColumnOptionalText(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnText(col);
}

void ConnectionLock::unlock() {
  if (!owns_) return;
  db_->Release();
  owns_ = false;
}

void ConnectionLock::lock() {
  db_->Acquire();
  owns_ = true;
}

Statement& BindValue(Statement& stmt, int index, const SqlValue& value) {
  return std::visit(
      [&](const auto& v) -> Statement& { return stmt.Bind(index, v); }, value);
}

Status Database::Ping() {
  auto lock = Lock();
  TY_ASSIGN_OR_RETURN(Statement stmt, Prepare("SELECT 1"));
  TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return IoError("database ping returned no row");
  return Status::Ok();
}

Status Database::ApplyMigrations(
    const std::function<Result<int>()>& read_version,
    const std::function<Status(int)>& record_version,
    const std::vector<std::string>& migrations, const std::string& what) {
  const int latest = static_cast<int>(migrations.size());
  auto too_new = [&](int version) {
    return Status(ErrorCode::kCorruption,
                  "database schema" + what + " is version " +
                      std::to_string(version) +
                      ", newer than this trainyard (" + std::to_string(latest) +
                      "); upgrade trainyard");
  };
  // Checked outside a transaction first so that an up-to-date database
  // (every open but the first) takes no write lock.
  TY_ASSIGN_OR_RETURN(int version, read_version());
  if (version > latest) return too_new(version);
  while (version < latest) {
    // Another process (the server and a CLI command starting together) may
    // have applied it meanwhile: re-read under the write lock.
    TY_RETURN_IF_ERROR(Transaction([&]() -> Status {
      TY_ASSIGN_OR_RETURN(version, read_version());
      if (version >= latest) return Status::Ok();
      TY_RETURN_IF_ERROR(Exec(migrations[static_cast<size_t>(version)]));
      TY_RETURN_IF_ERROR(record_version(version + 1));
      ++version;
      return Status::Ok();
    }));
  }
  if (version > latest) return too_new(version);
  return Status::Ok();
}

Status Database::Migrate(const std::vector<std::string>& migrations) {
  const char* kVersionTables =
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS component_versions ("
      "component TEXT PRIMARY KEY, version INTEGER NOT NULL)";
  // On PostgreSQL two processes creating them in a fresh database at once
  // collide unless serialised; on SQLite an existing table takes no write
  // lock this way.
  TY_RETURN_IF_ERROR(backend() == SqlBackend::kPostgres
                         ? Transaction([&] { return Exec(kVersionTables); })
                         : Exec(kVersionTables));
  auto read = [this]() -> Result<int> {
    TY_ASSIGN_OR_RETURN(Statement stmt,
                        Prepare("SELECT MAX(version) FROM schema_version"));
    TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row && !stmt.ColumnIsNull(0))
      return static_cast<int>(stmt.ColumnInt(0));
    return 0;
  };
  auto record = [this](int version) -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement ins,
        Prepare("INSERT INTO schema_version(version) VALUES(?)"));
    ins.Bind(1, static_cast<int64_t>(version));
    return ins.Run();
  };
  TY_RETURN_IF_ERROR(ApplyMigrations(read, record, migrations, ""));
  schema_version_ = static_cast<int>(migrations.size());
  return Status::Ok();
}

Status Database::MigrateComponent(const std::string& component,
                                  const std::vector<std::string>& migrations) {
  auto lock = Lock();
  auto read = [&]() -> Result<int> {
    TY_ASSIGN_OR_RETURN(
        Statement stmt,
        Prepare("SELECT version FROM component_versions WHERE component = ?"));
    stmt.Bind(1, component);
    TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? static_cast<int>(stmt.ColumnInt(0)) : 0;
  };
  auto record = [&](int version) -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement up,
        Prepare("INSERT INTO component_versions(component, version) "
                "VALUES(?, ?) ON CONFLICT(component) DO UPDATE SET "
                "version = excluded.version"));
    up.Bind(1, component).Bind(2, static_cast<int64_t>(version));
    return up.Run();
  };
  return ApplyMigrations(read, record, migrations, " of " + component);
}

}  // namespace trainyard::store
