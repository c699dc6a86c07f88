#include "store/database.h"

#include <sqlite3.h>

namespace trainyard::store {
namespace {

// Enough for every distinct query the repositories issue; dynamic SQL (list
// filters) beyond that is finalized instead of growing the cache.
constexpr size_t kMaxCachedStatements = 256;

}  // namespace

Statement::~Statement() {
  if (!stmt_) return;
  if (cache_) {
    cache_->Release(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(other.stmt_),
      cache_(other.cache_),
      bind_error_(other.bind_error_) {
  other.stmt_ = nullptr;
}

Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(),
                             static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, std::nullopt_t) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) bind_error_ = rc;
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : Bind(index, std::nullopt);
}

Statement& Statement::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, std::string_view(*value))
               : Bind(index, std::nullopt);
}

Statement& BindValue(Statement& stmt, int index, const SqlValue& value) {
  return std::visit(
      [&](const auto& v) -> Statement& { return stmt.Bind(index, v); }, value);
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return InternalError(std::string("sqlite bind: ") +
                         sqlite3_errstr(bind_error_));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  ErrorCode code = rc == SQLITE_CONSTRAINT ? ErrorCode::kConflict
                   : rc == SQLITE_CORRUPT  ? ErrorCode::kCorruption
                                           : ErrorCode::kIo;
  return Status(code, std::string("sqlite: ") + sqlite3_errmsg(db_));
}

Status Statement::Run() {
  while (true) {
    TY_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Status Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
  return Status::Ok();
}

int64_t Statement::ColumnInt(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
double Statement::ColumnDouble(int col) const {
  return sqlite3_column_double(stmt_, col);
}
std::string Statement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (!text) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}
bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::optional<int64_t> Statement::ColumnOptionalInt(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnInt(col);
}
std::optional<std::string> Statement::ColumnOptionalText(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnText(col);
}

Result<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const std::vector<std::string>& migrations) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return IoError("cannot open database '" + path + "': " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 10000);
  auto lock = db->Lock();
  // synchronous=NORMAL in WAL mode keeps the database consistent after a
  // crash; at worst the last transactions before a power loss roll back.
  TY_RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
               "PRAGMA foreign_keys=ON;"));
  TY_RETURN_IF_ERROR(db->Migrate(migrations));
  lock.unlock();
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : idle_statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Database::ErrorStatus(std::string_view what) const {
  return IoError(std::string(what) + ": " + sqlite3_errmsg(db_));
}

Result<Statement> Database::Prepare(std::string_view sql) {
  if (auto it = idle_statements_.find(sql); it != idle_statements_.end()) {
    sqlite3_stmt* cached = it->second;
    idle_statements_.erase(it);
    return Statement(db_, cached, this);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus("sqlite prepare");
  return Statement(db_, stmt, this);
}

void Database::Release(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (idle_statements_.size() >= kMaxCachedStatements) {
    sqlite3_finalize(stmt);
    return;
  }
  // sqlite3_sql is the text given to prepare, so it is the cache key.
  idle_statements_.emplace(sqlite3_sql(stmt), stmt);
}

size_t Database::cached_statement_count() const {
  return idle_statements_.size();
}

Status Database::Exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return IoError("sqlite exec: " + msg);
}

Status Database::Transaction(const std::function<Status()>& body) {
  TY_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status s = body();
  if (!s.ok()) {
    Exec("ROLLBACK");
    return s;
  }
  Status commit = Exec("COMMIT");
  if (!commit.ok()) Exec("ROLLBACK");
  return commit;
}

int64_t Database::Changes() const { return sqlite3_changes(db_); }

Status Database::Ping() {
  auto lock = Lock();
  TY_ASSIGN_OR_RETURN(Statement stmt, Prepare("SELECT 1"));
  TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return IoError("database ping returned no row");
  return Status::Ok();
}

Status Database::Migrate(const std::vector<std::string>& migrations) {
  TY_RETURN_IF_ERROR(Exec(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  int version = 0;
  {
    TY_ASSIGN_OR_RETURN(Statement stmt,
                        Prepare("SELECT MAX(version) FROM schema_version"));
    TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row && !stmt.ColumnIsNull(0))
      version = static_cast<int>(stmt.ColumnInt(0));
  }
  if (version > static_cast<int>(migrations.size())) {
    return Status(ErrorCode::kCorruption,
                  "database schema version " + std::to_string(version) +
                      " is newer than this trainyard (" +
                      std::to_string(migrations.size()) +
                      "); upgrade trainyard");
  }
  for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
    TY_RETURN_IF_ERROR(Transaction([&]() -> Status {
      TY_RETURN_IF_ERROR(Exec(migrations[v]));
      TY_ASSIGN_OR_RETURN(
          Statement ins,
          Prepare("INSERT INTO schema_version(version) VALUES(?)"));
      ins.Bind(1, static_cast<int64_t>(v + 1));
      return ins.Run();
    }));
  }
  schema_version_ = static_cast<int>(migrations.size());
  return Status::Ok();
}

Status Database::MigrateComponent(const std::string& component,
                                  const std::vector<std::string>& migrations) {
  auto lock = Lock();
  TY_RETURN_IF_ERROR(
      Exec("CREATE TABLE IF NOT EXISTS component_versions ("
           "component TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
  int version = 0;
  {
    TY_ASSIGN_OR_RETURN(
        Statement stmt,
        Prepare("SELECT version FROM component_versions WHERE component = ?"));
    stmt.Bind(1, component);
    TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) version = static_cast<int>(stmt.ColumnInt(0));
  }
  if (version > static_cast<int>(migrations.size())) {
    return Status(
        ErrorCode::kCorruption,
        "database schema of " + component + " is version " +
            std::to_string(version) + ", newer than this trainyard (" +
            std::to_string(migrations.size()) + "); upgrade trainyard");
  }
  for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
    TY_RETURN_IF_ERROR(Transaction([&]() -> Status {
      TY_RETURN_IF_ERROR(Exec(migrations[v]));
      TY_ASSIGN_OR_RETURN(
          Statement up,
          Prepare("INSERT INTO component_versions(component, version) "
                  "VALUES(?, ?) ON CONFLICT(component) DO UPDATE SET "
                  "version = excluded.version"));
      up.Bind(1, component).Bind(2, static_cast<int64_t>(v + 1));
      return up.Run();
    }));
  }
  return Status::Ok();
}

}  // namespace trainyard::store
