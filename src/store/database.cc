#include "store/database.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/internal_files.h"

namespace trainyard::store {
namespace {

// Enough for every distinct query the repositories issue; dynamic SQL (list
// filters) beyond that is finalized instead of growing the cache.
constexpr size_t kMaxCachedStatements = 256;
// How long a connection waits for another one's write lock.
constexpr int kBusyTimeoutMs = 10000;
// Pages per backup step: small enough for frequent progress reports.
constexpr int kBackupPagesPerStep = 1024;

bool IsDamaged(int rc) {
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

Status DamagedDatabase(const std::string& path, const std::string& detail) {
  return Status(
      ErrorCode::kCorruption,
      "database '" + path + "' is damaged (" + detail +
          "); trainyard will not use it. Stop every trainyard process using "
          "this data directory and restore it from a backup: `trainyard "
          "restore --from BACKUP.tar --data-dir NEW_DIR` (docs/server.md, "
          "\"Backup and restore\")");
}

// Runs `pragma` (quick_check or integrity_check) and returns "ok" or the
// first problems it reports, joined with "; ". Errors keep SQLite's code:
// CORRUPTION for a damaged file or one that is not a database, IO otherwise.
Result<std::string> RunCheck(sqlite3* db, const char* pragma) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, pragma, -1, &stmt, nullptr);
  std::string report;
  int rows = 0;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) break;
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (rows++ < 5) {
      if (!report.empty()) report += "; ";
      report += text ? reinterpret_cast<const char*>(text) : "";
    }
  }
  sqlite3_finalize(stmt);
  if (rc == SQLITE_DONE) return report;
  std::string msg = sqlite3_errmsg(db);
  return Status(IsDamaged(rc) ? ErrorCode::kCorruption : ErrorCode::kIo,
                std::string(pragma) + ": " + msg);
}

// Runs a check `pragma` on `db` (the file at `path`): OK for "ok", a
// DamagedDatabase status otherwise.
Status CheckDatabase(sqlite3* db, const std::string& path, const char* pragma) {
  Result<std::string> report = RunCheck(db, pragma);
  if (!report.ok()) {
    if (report.status().code() != ErrorCode::kCorruption)
      return report.status();
    return DamagedDatabase(path, report.status().message());
  }
  if (*report == "ok") return Status::Ok();
  return DamagedDatabase(path, std::string(pragma) + ": " + *report);
}

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
    const std::string& path, const std::vector<std::string>& migrations,
    OpenCheck check) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return IoError("cannot open database '" + path + "': " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw));
  if (path != ":memory:" && !path.empty()) {
    RegisterDatabaseFile(path);
    db->registered_path_ = path;
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  auto lock = db->Lock();
  // synchronous=NORMAL in WAL mode keeps the database consistent after a
  // crash; at worst the last transactions before a power loss roll back.
  Status pragmas = db->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
      "PRAGMA foreign_keys=ON;");
  if (!pragmas.ok()) {
    if (IsDamaged(sqlite3_errcode(raw)))
      return DamagedDatabase(path, pragmas.message());
    return pragmas;
  }
  // A damaged file must not be written to (that spreads the damage), and
  // the earlier it is noticed the more recent the backup that replaces it.
  TY_RETURN_IF_ERROR(CheckDatabase(raw, path,
                                   check == OpenCheck::kFull
                                       ? "PRAGMA integrity_check"
                                       : "PRAGMA quick_check"));
  TY_RETURN_IF_ERROR(db->Migrate(migrations));
  lock.unlock();
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : idle_statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
  if (!registered_path_.empty()) UnregisterDatabaseFile(registered_path_);
}

Status Database::CheckFile(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return IoError("cannot open database '" + path + "': " + msg);
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  Status s = CheckDatabase(raw, path, "PRAGMA integrity_check");
  sqlite3_close(raw);
  return s;
}

Status Database::BackupTo(const std::string& dest_path,
                          const ProgressFn& progress) {
  std::error_code ec;
  if (std::filesystem::exists(dest_path, ec))
    return ConflictError("backup target '" + dest_path + "' already exists");
  sqlite3* dest = nullptr;
  int rc = sqlite3_open_v2(
      dest_path.c_str(), &dest,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  auto fail = [&](const std::string& what) {
    std::string msg = dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
    sqlite3_close(dest);
    std::filesystem::remove(dest_path, ec);
    std::filesystem::remove(dest_path + "-journal", ec);
    return IoError(what + " '" + dest_path + "': " + msg);
  };
  if (rc != SQLITE_OK) return fail("cannot create backup");
  auto lock = Lock();
  // An open read transaction pins one snapshot for every step, so writers
  // in other processes (which, in WAL mode, it does not block) never make
  // the backup restart from the first page.
  TY_RETURN_IF_ERROR(Exec("BEGIN"));
  Status pinned = Exec("SELECT count(*) FROM sqlite_schema");
  if (!pinned.ok()) {
    Exec("ROLLBACK");
    sqlite3_close(dest);
    std::filesystem::remove(dest_path, ec);
    return pinned;
  }
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", db_, "main");
  if (!backup) {
    Exec("ROLLBACK");
    return fail("cannot start backup into");
  }
  do {
    rc = sqlite3_backup_step(backup, kBackupPagesPerStep);
    if (progress) {
      const int total = sqlite3_backup_pagecount(backup);
      progress(total - sqlite3_backup_remaining(backup), total);
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  Exec("ROLLBACK");
  lock.unlock();
  if (rc != SQLITE_DONE) return fail("backup failed writing");
  Status checked = CheckDatabase(dest, dest_path, "PRAGMA integrity_check");
  if (!checked.ok()) {
    sqlite3_close(dest);
    std::filesystem::remove(dest_path, ec);
    return checked;
  }
  if (sqlite3_close(dest) != SQLITE_OK) return fail("cannot close backup");
  return Status::Ok();
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
  TY_RETURN_IF_ERROR(Exec(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
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
  TY_RETURN_IF_ERROR(
      Exec("CREATE TABLE IF NOT EXISTS component_versions ("
           "component TEXT PRIMARY KEY, version INTEGER NOT NULL)"));
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
