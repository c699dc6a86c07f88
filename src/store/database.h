// A thin, safe wrapper over one SQLite connection: WAL mode, prepared
// statements with typed binding, transactions and versioned migrations.
// The repositories in store/ are the only users; nothing above store/ sees SQL.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "store/database_options.h"

struct sqlite3;
struct sqlite3_stmt;

namespace trainyard::store {

class Database;

// A prepared statement. Bind parameters are 1-based as in SQLite.
// Not thread-safe; use only while holding the Database lock (see Database),
// and destroy it while still holding the lock: a statement from
// Database::Prepare goes back to the database's statement cache then.
class Statement {
 public:
  // `cache` (may be null) receives the statement back on destruction.
  Statement(sqlite3* db, sqlite3_stmt* stmt, Database* cache = nullptr)
      : db_(db), stmt_(stmt), cache_(cache) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const char* value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, std::nullopt_t);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& Bind(int index, const std::optional<std::string>& value);

  // Advances to the next row. Returns true if a row is available, false when
  // done; errors (including a failed bind) come back as a Status.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Rewinds the statement and clears bindings so it can run again.
  Status Reset();

  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  std::string ColumnText(int col) const;
  bool ColumnIsNull(int col) const;
  std::optional<int64_t> ColumnOptionalInt(int col) const;
  std::optional<std::string> ColumnOptionalText(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Database* cache_;
  int bind_error_ = 0;
};

// Steps `stmt` to the end and returns `read(stmt)` for every row.
template <typename T, typename ReadRow>
Result<std::vector<T>> ReadRows(Statement& stmt, ReadRow read) {
  std::vector<T> out;
  while (true) {
    TY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(read(stmt));
  }
}

// A value for a '?' parameter: NULL, an integer, a real or text.
using SqlValue = std::variant<std::nullopt_t, int64_t, double, std::string>;

// Binds `value` at `index` with its own SQLite type.
Statement& BindValue(Statement& stmt, int index, const SqlValue& value);

// A WHERE clause of ANDed conditions with their typed values, for list
// queries whose filters are optional:
//   WhereClause where;
//   if (q.owner) where.Add("owner_id = ?", *q.owner);
//   db.Prepare("SELECT ... FROM t" + where.sql() + " ORDER BY ..." +
//              kPageSql);
//   BindPage(stmt, where.BindTo(stmt), q.limit, q.offset);
// Column names and SQL text are the caller's own; only values are bound.
class WhereClause {
 public:
  // Adds `condition`, containing exactly one '?', bound to `value`. Integers
  // are passed as int64_t so that they compare as SQLite integers.
  void Add(const std::string& condition, SqlValue value) {
    Add(condition, std::vector<SqlValue>{std::move(value)});
  }
  // Adds `condition` with one '?' per element of `values`, in order.
  void Add(const std::string& condition, std::vector<SqlValue> values) {
    sql_ += sql_.empty() ? " WHERE " : " AND ";
    sql_ += condition;
    for (auto& v : values) values_.push_back(std::move(v));
  }
  // " WHERE a AND b ..." or "" without conditions.
  const std::string& sql() const { return sql_; }
  // Binds the values from parameter `first` on; returns the next free index.
  int BindTo(Statement& stmt, int first = 1) const {
    int index = first;
    for (const auto& v : values_) BindValue(stmt, index++, v);
    return index;
  }

 private:
  std::string sql_;
  std::vector<SqlValue> values_;
};

// The page window of a list query, appended after its ORDER BY.
inline constexpr const char* kPageSql = " LIMIT ? OFFSET ?";
// Binds the two parameters of kPageSql at `index` and `index + 1`.
inline void BindPage(Statement& stmt, int index, int64_t limit,
                     int64_t offset) {
  stmt.Bind(index, limit).Bind(index + 1, offset);
}

// One SQLite database file, shared by several threads through a mutex: every
// repository call takes the lock for its whole duration, so statements and
// transactions never interleave. Other processes (a `trainyard worker`, the
// CLI) may open the same file; WAL mode plus a busy timeout serialises
// writers. While open, the file and its -wal/-shm/-journal are registered as
// internal (store/internal_files.h): nothing else in the process may open
// them, since closing any descriptor of them drops SQLite's locks.
class Database {
 public:
  // Opens (creating if missing) `path` in WAL mode with foreign keys on,
  // checks it as `check` says, and applies `migrations` that are newer than
  // the stored schema version, each in its own transaction that re-reads
  // the version first (so two processes opening a fresh file at once apply
  // each migration exactly once). Use ":memory:" for a private in-memory
  // database. Errors: IO if the file cannot be opened; CORRUPTION if it is
  // damaged or not a database (the message says to restore from a backup)
  // or if its schema is newer than `migrations`.
  static Result<std::unique_ptr<Database>> Open(
      const std::string& path, const std::vector<std::string>& migrations,
      OpenCheck check = OpenCheck::kQuick);
  ~Database();

  // Runs `PRAGMA integrity_check` on the database file at `path`, opened
  // read-only without migrations, and closes it. OK if it reports "ok";
  // CORRUPTION naming the first problems otherwise; IO if it cannot be
  // opened. For checking a copy (a restored backup), not a file this
  // process has open through Database::Open.
  static Status CheckFile(const std::string& path);

  // Copies a consistent snapshot of this database into a new SQLite file at
  // `dest_path` with SQLite's online backup API, while other connections and
  // processes keep reading and writing (the snapshot is the state at the
  // start of the call; a read transaction pins it, so concurrent writers
  // never restart the copy). `progress` (may be empty) gets pages copied and
  // total pages after each step. The copy is checked with `PRAGMA
  // integrity_check` before returning. Errors: CONFLICT if `dest_path`
  // exists, IO or CORRUPTION otherwise (a partial `dest_path` is removed).
  // Takes the lock for the whole copy.
  Status BackupTo(const std::string& dest_path, const ProgressFn& progress);

  // The lock that guards the connection. Hold it across Prepare/Step and
  // transactions: `auto lock = db.Lock();`.
  std::unique_lock<std::mutex> Lock() { return std::unique_lock(mu_); }

  // A statement for `sql`, reused from the statement cache when an idle one
  // for the same text exists (compiling SQL costs more than running a
  // point query, and the API asks the same few queries on every request).
  // REQUIRES: the caller holds Lock(), also when the Statement is destroyed.
  Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements without results. REQUIRES: Lock() held.
  Status Exec(std::string_view sql);
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if `body`
  // returns an error (which is then returned). REQUIRES: Lock() held.
  Status Transaction(const std::function<Status()>& body);

  // The applied schema version (number of migrations applied).
  int schema_version() const { return schema_version_; }
  // Applies the migrations of a product `component` ("studio", "gym", ...)
  // newer than the version recorded for it, each in its own transaction.
  // Components evolve independently of the core schema and of each other;
  // the same rules hold: never edit a shipped migration, append a new one.
  // Errors: CORRUPTION if the stored version is newer than `migrations`, or
  // the failing statement's error (that migration is rolled back).
  // Takes the lock itself.
  Status MigrateComponent(const std::string& component,
                          const std::vector<std::string>& migrations);
  // A trivial query, for health checks. Takes the lock itself.
  Status Ping();
  // Rows changed by the last statement. REQUIRES: Lock() held.
  int64_t Changes() const;
  // Idle statements held by the cache (for tests). REQUIRES: Lock() held.
  size_t cached_statement_count() const;

 private:
  friend class Statement;
  // Resets `stmt` and keeps it for reuse, or finalizes it when the cache is
  // full. REQUIRES: Lock() held.
  void Release(sqlite3_stmt* stmt);

  explicit Database(sqlite3* db) : db_(db) {}
  Status Migrate(const std::vector<std::string>& migrations);
  // Applies migrations[v..] where v = read_version(), one transaction each,
  // re-reading v inside it. `what` names the schema in errors.
  // REQUIRES: Lock() held.
  Status ApplyMigrations(const std::function<Result<int>()>& read_version,
                         const std::function<Status(int)>& record_version,
                         const std::vector<std::string>& migrations,
                         const std::string& what);
  Status ErrorStatus(std::string_view what) const;

  sqlite3* db_;
  // The file registered in store/internal_files.h; empty for ":memory:".
  std::string registered_path_;
  std::mutex mu_;
  int schema_version_ = 0;
  // SQL text -> idle prepared statements. Bounded by kMaxCachedStatements.
  std::multimap<std::string, sqlite3_stmt*, std::less<>> idle_statements_;
};

}  // namespace trainyard::store
