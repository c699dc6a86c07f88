// The SQLite implementation of store/database.h: one sqlite3 connection in
// WAL mode with a cache of prepared statements.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "store/database.h"
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

class SqliteDatabase;

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, SqliteDatabase* cache)
      : db_(db), stmt_(stmt), cache_(cache) {}
  ~SqliteStatement() override;

  void BindInt(int index, int64_t value) override {
    Check(sqlite3_bind_int64(stmt_, index, value));
  }
  void BindDouble(int index, double value) override {
    Check(sqlite3_bind_double(stmt_, index, value));
  }
  void BindText(int index, std::string_view value) override {
    Check(sqlite3_bind_text(stmt_, index, value.data(),
                            static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  void BindNull(int index) override { Check(sqlite3_bind_null(stmt_, index)); }
  void BindBlob(int index, std::string_view bytes) override {
    // A non-null pointer even for no bytes: a zero-length BLOB, not NULL.
    static const char kEmpty = 0;
    Check(sqlite3_bind_blob64(stmt_, index,
                              bytes.empty() ? &kEmpty : bytes.data(),
                              bytes.size(), SQLITE_TRANSIENT));
  }

  Result<bool> Step() override {
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
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_error_ = SQLITE_OK;
  }

  int64_t ColumnInt(int col) const override {
    return sqlite3_column_int64(stmt_, col);
  }
  double ColumnDouble(int col) const override {
    return sqlite3_column_double(stmt_, col);
  }
  std::string ColumnText(int col) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, col);
    if (!text) return "";
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  std::string ColumnBlob(int col) const override {
    const void* bytes = sqlite3_column_blob(stmt_, col);
    if (!bytes) return "";
    return std::string(static_cast<const char*>(bytes),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  bool ColumnIsNull(int col) const override {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) bind_error_ = rc;
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  SqliteDatabase* cache_;
  int bind_error_ = SQLITE_OK;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : idle_statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
    if (!registered_path_.empty()) UnregisterDatabaseFile(registered_path_);
  }

  static Result<std::unique_ptr<Database>> Open(
      const std::string& path, const std::vector<std::string>& migrations,
      OpenCheck check);

  SqlBackend backend() const override { return SqlBackend::kSqlite; }
  Status BackupTo(const std::string& dest_path,
                  const ProgressFn& progress) override;
  Result<Statement> Prepare(std::string_view sql) override;
  Status Exec(std::string_view sql) override;
  Status Transaction(const std::function<Status()>& body, TxMode mode) override;
  int64_t Changes() const override { return sqlite3_changes(db_); }
  size_t cached_statement_count() const override {
    return idle_statements_.size();
  }

  // Resets `stmt` and keeps it for reuse, or finalizes it when the cache is
  // full. REQUIRES: Lock() held.
  void Release(sqlite3_stmt* stmt);

 private:
  Status ErrorStatus(std::string_view what) const {
    return IoError(std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  // The file registered in store/internal_files.h; empty for ":memory:".
  std::string registered_path_;
  // SQL text -> idle prepared statements. Bounded by kMaxCachedStatements.
  std::multimap<std::string, sqlite3_stmt*, std::less<>> idle_statements_;
};

SqliteStatement::~SqliteStatement() {
  if (cache_) {
    cache_->Release(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Result<std::unique_ptr<Database>> SqliteDatabase::Open(
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
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw));
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
  return std::unique_ptr<Database>(std::move(db));
}

Status SqliteDatabase::BackupTo(const std::string& dest_path,
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

Result<Statement> SqliteDatabase::Prepare(std::string_view sql) {
  if (auto it = idle_statements_.find(sql); it != idle_statements_.end()) {
    sqlite3_stmt* cached = it->second;
    idle_statements_.erase(it);
    return Statement(std::make_unique<SqliteStatement>(db_, cached, this));
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus("sqlite prepare");
  return Statement(std::make_unique<SqliteStatement>(db_, stmt, this));
}

void SqliteDatabase::Release(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (idle_statements_.size() >= kMaxCachedStatements) {
    sqlite3_finalize(stmt);
    return;
  }
  // sqlite3_sql is the text given to prepare, so it is the cache key.
  idle_statements_.emplace(sqlite3_sql(stmt), stmt);
}

Status SqliteDatabase::Exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return IoError("sqlite exec: " + msg);
}

Status SqliteDatabase::Transaction(const std::function<Status()>& body,
                                   TxMode /*mode*/) {
  // One writer at a time is SQLite's only mode; IMMEDIATE takes the write
  // lock up front so that a read-then-write body never has to upgrade.
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

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const std::vector<std::string>& migrations,
    OpenCheck check) {
  return SqliteDatabase::Open(path, migrations, check);
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

}  // namespace trainyard::store
