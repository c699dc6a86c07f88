// SQL access for the repositories in store/: one connection with
// statements that take positional '?' parameters, transactions and
// versioned migrations, over SQLite (embedded, the default) or PostgreSQL
// (many processes and hosts). Repositories write one SQL text for both
// (store/sql_dialect.h adapts it for PostgreSQL). The repositories in store/
// are the only users; nothing above store/ sees SQL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "store/database_options.h"

namespace trainyard::store {

// One backend's prepared statement (sqlite_database.cc, pg_database.cc).
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindNull(int index) = 0;
  // Bytes (any values, NUL included) for a BLOB column.
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  virtual Result<bool> Step() = 0;
  virtual void Reset() = 0;
  virtual int64_t ColumnInt(int col) const = 0;
  virtual double ColumnDouble(int col) const = 0;
  virtual std::string ColumnText(int col) const = 0;
  virtual std::string ColumnBlob(int col) const = 0;
  virtual bool ColumnIsNull(int col) const = 0;
};

// A prepared statement. Bind parameters are 1-based, in the order of the
// '?'s of its SQL (or the N of '?N'). Not thread-safe; use only while
// holding the Database lock (see Database), and destroy it while still
// holding the lock: a statement from Database::Prepare goes back to the
// database's statement cache then.
class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl)
      : impl_(std::move(impl)) {}
  Statement(Statement&& other) noexcept = default;
  Statement& operator=(Statement&& other) noexcept = default;

  Statement& Bind(int index, int64_t value) {
    impl_->BindInt(index, value);
    return *this;
  }
  Statement& Bind(int index, double value) {
    impl_->BindDouble(index, value);
    return *this;
  }
  Statement& Bind(int index, std::string_view value) {
    impl_->BindText(index, value);
    return *this;
  }
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const char* value) {
    return Bind(index, std::string_view(value));
  }
  // Binds bytes for a BLOB column (BYTEA on PostgreSQL); Bind(std::string)
  // binds text, which must be valid UTF-8 without NUL on PostgreSQL.
  Statement& BindBlob(int index, std::string_view bytes) {
    impl_->BindBlob(index, bytes);
    return *this;
  }
  Statement& Bind(int index, std::nullopt_t) {
    impl_->BindNull(index);
    return *this;
  }
  Statement& Bind(int index, const std::optional<int64_t>& value) {
    return value ? Bind(index, *value) : Bind(index, std::nullopt);
  }
  Statement& Bind(int index, const std::optional<std::string>& value) {
    return value ? Bind(index, std::string_view(*value))
                 : Bind(index, std::nullopt);
  }

  // Runs the statement on the first call and advances to the next row.
  // Returns true if a row is available, false when done; errors (including
  // a failed bind) come back as a Status: CONFLICT for a violated
  // constraint (unique, foreign key, check) or a concurrent update that
  // lost, CORRUPTION for a damaged file, IO otherwise.
  Result<bool> Step() { return impl_->Step(); }
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Rewinds the statement and clears bindings so it can run again.
  Status Reset() {
    impl_->Reset();
    return Status::Ok();
  }

  // Values of the current row (0-based columns). Integers and reals come
  // back as the column's value whatever the backend's text form.
  int64_t ColumnInt(int col) const { return impl_->ColumnInt(col); }
  double ColumnDouble(int col) const { return impl_->ColumnDouble(col); }
  std::string ColumnText(int col) const { return impl_->ColumnText(col); }
  // The bytes of a BLOB column, as bound with BindBlob.
  std::string ColumnBlob(int col) const { return impl_->ColumnBlob(col); }
  bool ColumnIsNull(int col) const { return impl_->ColumnIsNull(col); }
  std::optional<int64_t> ColumnOptionalInt(int col) const;
  std::optional<std::string> ColumnOptionalText(int col) const;

 private:
  std::unique_ptr<StatementImpl> impl_;
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

// Binds `value` at `index` with its own type.
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
  // are passed as int64_t so that they compare as integers.
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

enum class SqlBackend { kSqlite, kPostgres };

// How a transaction keeps concurrent writers apart.
enum class TxMode {
  // One writing transaction at a time across every process using the
  // database (SQLite's BEGIN IMMEDIATE; on PostgreSQL an advisory lock
  // around a REPEATABLE READ transaction, whose writes to rows changed
  // since it began fail with CONFLICT). Read-then-write bodies are safe.
  kSerialized,
  // Concurrent transactions (PostgreSQL READ COMMITTED): the body itself
  // locks what it changes (SELECT ... FOR UPDATE SKIP LOCKED, compare-and-
  // set UPDATEs). SQLite runs it as kSerialized.
  kRowLocks,
};

class Database;

// A connection of a Database held by the calling thread, from
// Database::Lock() until destroyed or unlock()ed. Movable, not copyable;
// use it on the thread that took it.
class ConnectionLock {
 public:
  ConnectionLock(ConnectionLock&& other) noexcept
      : db_(other.db_), owns_(other.owns_) {
    other.owns_ = false;
  }
  ConnectionLock& operator=(ConnectionLock&&) = delete;
  ConnectionLock(const ConnectionLock&) = delete;
  ~ConnectionLock() { unlock(); }
  // Gives the connection back (a no-op if not held).
  void unlock();
  // Takes a connection again. REQUIRES: not held.
  void lock();

 private:
  friend class Database;
  explicit ConnectionLock(Database* db) : db_(db) { lock(); }
  Database* db_;
  bool owns_ = false;
};

// SQL connections shared by several threads: every repository call holds
// one (Lock()) for its whole duration, so its statements and transactions
// never interleave with another thread's. SQLite has one connection (the
// calls take turns); PostgreSQL a pool that opens connections as threads
// need them, up to kMaxPostgresConnections, so requests on different
// threads run their queries at the same time. Other processes (a
// `trainyard worker`, the CLI) may use the same database.
class Database {
 public:
  // Opens (creating if missing) the SQLite file at `path` in WAL mode with
  // foreign keys on, checks it as `check` says, and applies `migrations`
  // that are newer than the stored schema version, each in its own
  // transaction that re-reads the version first (so two processes opening
  // a fresh file at once apply each migration exactly once). Use ":memory:"
  // for a private in-memory database. While open, the file and its
  // -wal/-shm/-journal are registered as internal (store/internal_files.h):
  // nothing else in the process may open them, since closing any
  // descriptor of them drops SQLite's locks. Errors: IO if the file cannot
  // be opened; CORRUPTION if it is damaged or not a database (the message
  // says to restore from a backup) or if its schema is newer than
  // `migrations`.
  static Result<std::unique_ptr<Database>> Open(
      const std::string& path, const std::vector<std::string>& migrations,
      OpenCheck check = OpenCheck::kQuick);
  // Connects to the PostgreSQL database at `url` (a libpq connection URI,
  // postgresql://user:password@host:port/dbname?options) and applies
  // `migrations` (SQLite DDL, adapted by store/sql_dialect.h) as Open does,
  // serialised across processes by an advisory lock. Errors: UNAVAILABLE
  // if it cannot connect (the message names the URL without its
  // password), CORRUPTION if the schema is newer than `migrations`, IO
  // for a failing migration.
  static Result<std::unique_ptr<Database>> OpenPostgres(
      const std::string& url, const std::vector<std::string>& migrations);
  virtual ~Database() = default;

  // Runs `PRAGMA integrity_check` on the SQLite file at `path`, opened
  // read-only without migrations, and closes it. OK if it reports "ok";
  // CORRUPTION naming the first problems otherwise; IO if it cannot be
  // opened. For checking a copy (a restored backup), not a file this
  // process has open through Database::Open.
  static Status CheckFile(const std::string& path);

  virtual SqlBackend backend() const = 0;

  // Copies a consistent snapshot of this database into a new SQLite file at
  // `dest_path` while other connections and processes keep reading and
  // writing (the snapshot is the state at the start of the call).
  // `progress` (may be empty) gets pages copied and total pages after each
  // step. The copy is checked with `PRAGMA integrity_check` before
  // returning. Errors: CONFLICT if `dest_path` exists, VALIDATION_ERROR on
  // PostgreSQL (use pg_dump), IO or CORRUPTION otherwise (a partial
  // `dest_path` is removed). Takes the lock for the whole copy.
  virtual Status BackupTo(const std::string& dest_path,
                          const ProgressFn& progress) = 0;

  // Most PostgreSQL connections one Database opens (each API server and
  // worker process has one Database).
  static constexpr int kMaxPostgresConnections = 8;

  // A connection for the calling thread, waiting while all are in use.
  // Hold it across Prepare/Step and transactions: `auto lock = db.Lock();`.
  // Not reentrant: a thread holding one must not call Lock() again.
  ConnectionLock Lock() { return ConnectionLock(this); }

  // A statement for `sql` (the text is cached per backend: compiling SQL
  // costs more than running a point query, and the API asks the same few
  // queries on every request). Errors: IO for SQL the backend refuses.
  // REQUIRES: the caller holds Lock(), also when the Statement is destroyed.
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Runs one or more statements without parameters or results (on
  // PostgreSQL, SQLite DDL is adapted first). REQUIRES: Lock() held.
  virtual Status Exec(std::string_view sql) = 0;
  // Runs `body` inside a transaction as `mode` says; commits if it returns
  // OK, rolls back and returns its error otherwise. REQUIRES: Lock() held.
  virtual Status Transaction(const std::function<Status()>& body,
                             TxMode mode = TxMode::kSerialized) = 0;
  // Rows changed by the last statement. REQUIRES: Lock() held.
  virtual int64_t Changes() const = 0;
  // Idle statements held by the cache (for tests). REQUIRES: Lock() held.
  virtual size_t cached_statement_count() const = 0;

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

 protected:
  Database() = default;
  // Binds a connection to the calling thread (Lock) and gives it back
  // (unlock). The default is the single connection behind one mutex.
  virtual void Acquire() { mu_.lock(); }
  virtual void Release() { mu_.unlock(); }
  // Creates the version tables and applies `migrations` (the core schema).
  // REQUIRES: Lock() held.
  Status Migrate(const std::vector<std::string>& migrations);

 private:
  friend class ConnectionLock;
  // Applies migrations[v..] where v = read_version(), one transaction each,
  // re-reading v inside it. `what` names the schema in errors.
  // REQUIRES: Lock() held.
  Status ApplyMigrations(const std::function<Result<int>()>& read_version,
                         const std::function<Status(int)>& record_version,
                         const std::vector<std::string>& migrations,
                         const std::string& what);

  std::mutex mu_;
  int schema_version_ = 0;
};

}  // namespace trainyard::store
