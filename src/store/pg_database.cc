// The PostgreSQL implementation of store/database.h over libpq: a pool of
// connections per Database, each bound to the thread that holds it;
// statements prepared once per connection, parameters sent with their types,
// results read as text. SQLite's SQL runs here through store/sql_dialect.h.
#include <libpq-fe.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/sql_dialect.h"

namespace trainyard::store {
namespace {

// PostgreSQL type oids of the parameters we send (pg_type.h); text goes as
// "unknown" (0) so that the server types it from its context.
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kUnknownOid = 0;
constexpr Oid kByteaOid = 17;

int HexDigit(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

// The advisory lock that serialises TxMode::kSerialized transactions (and
// migrations) across every process using the database: "trainyrd".
constexpr int64_t kWriterLockKey = 0x747261696e797264;

// SQLite's instr(haystack, needle), which the repositories use for
// substring search, for PostgreSQL.
constexpr const char* kCompatFunctions =
    "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer "
    "LANGUAGE sql IMMUTABLE STRICT AS 'SELECT strpos($1, $2)'";

// `url` with the password (user:PASSWORD@ or password=...) replaced by ***,
// for error messages and logs.
std::string RedactUrl(const std::string& url) {
  std::string out = url;
  const size_t scheme = out.find("://");
  const size_t at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  }
  const size_t pw = out.find("password=");
  if (pw != std::string::npos) {
    const size_t end = out.find_first_of("& ", pw);
    out.replace(pw + 9, (end == std::string::npos ? out.size() : end) - pw - 9,
                "***");
  }
  return out;
}

// The Status for a failed result: CONFLICT for integrity violations
// (class 23) and lost serialisation races (40001, 40P01), UNAVAILABLE for a
// lost connection (class 08), CORRUPTION for data corruption (XX001/2).
Status ResultError(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
    msg.pop_back();
  ErrorCode code = ErrorCode::kIo;
  if (sqlstate.rfind("23", 0) == 0 || sqlstate == "40001" ||
      sqlstate == "40P01") {
    code = ErrorCode::kConflict;
  } else if (sqlstate.rfind("08", 0) == 0 || PQstatus(conn) == CONNECTION_BAD) {
    code = ErrorCode::kUnavailable;
  } else if (sqlstate == "XX001" || sqlstate == "XX002") {
    code = ErrorCode::kCorruption;
  }
  return Status(code, "postgresql " + std::string(what) + ": " + msg);
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection;

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgConnection* conn, const std::string* sql)
      : conn_(conn), sql_(sql) {}

  void BindInt(int index, int64_t value) override {
    Set(index, std::to_string(value), kInt8Oid);
  }
  void BindDouble(int index, double value) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    Set(index, buf, kFloat8Oid);
  }
  void BindText(int index, std::string_view value) override {
    Set(index, std::string(value), kUnknownOid);
  }
  // Parameters travel as text: bytea's hex form, \x followed by two hex
  // digits a byte.
  void BindBlob(int index, std::string_view bytes) override {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex = "\\x";
    hex.reserve(2 + 2 * bytes.size());
    for (unsigned char c : bytes) {
      hex += kHex[c >> 4];
      hex += kHex[c & 15];
    }
    Set(index, std::move(hex), kByteaOid);
  }
  void BindNull(int index) override {
    Slot(index) = std::nullopt;
    types_[static_cast<size_t>(index - 1)] = kUnknownOid;
  }

  Result<bool> Step() override;
  void Reset() override {
    result_.reset();
    row_ = -1;
    values_.clear();
    types_.clear();
  }

  int64_t ColumnInt(int col) const override {
    const char* v = Value(col);
    if (v[0] == 't' && v[1] == 0) return 1;  // booleans
    if (v[0] == 'f' && v[1] == 0) return 0;
    // Aggregates of integers come back as numeric, maybe with a fraction.
    char* end = nullptr;
    const long long n = std::strtoll(v, &end, 10);
    if (end && *end == '.')
      return static_cast<int64_t>(std::strtod(v, nullptr));
    return n;
  }
  double ColumnDouble(int col) const override {
    return std::strtod(Value(col), nullptr);
  }
  std::string ColumnText(int col) const override {
    if (ColumnIsNull(col)) return "";
    return std::string(
        Value(col), static_cast<size_t>(PQgetlength(result_.get(), row_, col)));
  }
  // Results come back as text too: bytea in hex (bytea_output's default).
  std::string ColumnBlob(int col) const override {
    if (ColumnIsNull(col)) return "";
    const char* v = Value(col);
    const size_t n = static_cast<size_t>(PQgetlength(result_.get(), row_, col));
    if (n < 2 || v[0] != '\\' || v[1] != 'x') return "";
    std::string out;
    out.reserve((n - 2) / 2);
    for (size_t i = 2; i + 1 < n; i += 2)
      out += static_cast<char>(HexDigit(v[i]) << 4 | HexDigit(v[i + 1]));
    return out;
  }
  bool ColumnIsNull(int col) const override {
    return PQgetisnull(result_.get(), row_, col) != 0;
  }

 private:
  std::optional<std::string>& Slot(int index) {
    const size_t i = static_cast<size_t>(index - 1);
    if (values_.size() <= i) {
      values_.resize(i + 1);
      types_.resize(i + 1, kUnknownOid);
    }
    return values_[i];
  }
  void Set(int index, std::string value, Oid type) {
    Slot(index) = std::move(value);
    types_[static_cast<size_t>(index - 1)] = type;
  }
  const char* Value(int col) const {
    return PQgetvalue(result_.get(), row_, col);
  }

  PgConnection* conn_;
  const std::string* sql_;  // translated, owned by the connection's cache
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  ResultPtr result_;
  int row_ = -1;  // -1 before the first Step
};

// One libpq connection with what belongs to it: the translated SQL, the
// statements prepared on the server, the rows changed by the last
// statement. Used by one thread at a time (the one holding it).
class PgConnection {
 public:
  PgConnection(PGconn* conn, const std::string* url) : conn_(conn), url_(url) {
    // Notices ("relation already exists, skipping") are not errors.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgConnection() { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Where reconnects and error messages find the URL (the database's copy).
  void set_url(const std::string* url) { url_ = url; }
  std::string error() const {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return msg;
  }

  Result<Statement> Prepare(std::string_view sql) {
    auto it = translated_.find(sql);
    if (it == translated_.end()) {
      it = translated_.emplace(std::string(sql), PostgresParameters(sql)).first;
    }
    return Statement(std::make_unique<PgStatement>(this, &it->second));
  }
  Status Exec(std::string_view sql) {
    TY_RETURN_IF_ERROR(EnsureConnected());
    ResultPtr res(PQexec(conn_, PostgresDdl(sql).c_str()));
    const ExecStatusType st = PQresultStatus(res.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      return ResultError(conn_, res.get(), "exec");
    return Status::Ok();
  }
  Status Transaction(const std::function<Status()>& body, TxMode mode);
  int64_t changes() const { return changes_; }
  size_t cached_statement_count() const { return translated_.size(); }

  // Runs `sql` with `values` through a statement prepared on the server
  // the first time this connection sees the SQL with these parameter
  // types (parsing and planning cost more than running a point query);
  // records the changed rows. Errors as ResultError.
  Result<ResultPtr> Run(const std::string& sql,
                        const std::vector<std::optional<std::string>>& values,
                        const std::vector<Oid>& types);
  // Settings every session needs.
  Status SetUpSession() {
    ResultPtr res(PQexec(conn_, "SET TIME ZONE 'UTC'"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
      return ResultError(conn_, res.get(), "session setup");
    return Status::Ok();
  }

 private:
  // COMMIT, which PostgreSQL answers with "ROLLBACK" (not an error) when a
  // statement of the transaction failed: a body that went on after a failed
  // statement must not report success.
  Status Commit() {
    ResultPtr res(PQexec(conn_, "COMMIT"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
      return ResultError(conn_, res.get(), "commit");
    if (std::string_view(PQcmdStatus(res.get())) == "ROLLBACK")
      return Status(ErrorCode::kConflict,
                    "postgresql commit: the transaction was rolled back "
                    "after a failed statement");
    return Status::Ok();
  }
  // Reconnects once if the server closed the connection (a restart); the
  // statement that noticed it fails with UNAVAILABLE. A new session has
  // none of the old one's prepared statements or settings.
  Status EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    PQreset(conn_);
    prepared_.clear();
    if (PQstatus(conn_) == CONNECTION_OK) return SetUpSession();
    return Status(
        ErrorCode::kUnavailable,
        "cannot reach PostgreSQL at " + RedactUrl(*url_) + ": " + error());
  }

 private:
  PGconn* conn_;
  const std::string* url_;  // owned by the database
  int64_t changes_ = 0;
  // SQL as the repositories write it -> with PostgreSQL parameters.
  std::map<std::string, std::string, std::less<>> translated_;
  // (translated SQL, parameter types) -> name of the prepared statement.
  std::map<std::pair<std::string, std::vector<Oid>>, std::string> prepared_;
};

// The connections a thread holds, one per database at most.
thread_local std::vector<std::pair<const Database*, PgConnection*>> t_held;

class PgDatabase final : public Database {
 public:
  // Takes `first`, already connected and set up.
  PgDatabase(std::unique_ptr<PgConnection> first, std::string url)
      : url_(std::move(url)) {
    first->set_url(&url_);
    idle_.push_back(first.get());
    all_.push_back(std::move(first));
  }
  // Waits for connections still being opened.
  ~PgDatabase() override {
    std::unique_lock lock(pool_mu_);
    returned_.wait(lock, [&] { return connecting_ == 0; });
  }

  SqlBackend backend() const override { return SqlBackend::kPostgres; }
  Status BackupTo(const std::string&, const ProgressFn&) override {
    return Status(ErrorCode::kValidation,
                  "trainyard backup copies the embedded SQLite database; "
                  "back up PostgreSQL with pg_dump (docs/scale-out.md)");
  }
  Result<Statement> Prepare(std::string_view sql) override {
    return Held()->Prepare(sql);
  }
  Status Exec(std::string_view sql) override { return Held()->Exec(sql); }
  Status Transaction(const std::function<Status()>& body,
                     TxMode mode) override {
    return Held()->Transaction(body, mode);
  }
  int64_t Changes() const override { return Held()->changes(); }
  size_t cached_statement_count() const override {
    return Held()->cached_statement_count();
  }

  // Installs the functions SQLite has and the repositories use.
  Status InstallCompat() {
    return Transaction([&] { return Exec(kCompatFunctions); },
                       TxMode::kSerialized);
  }
  Status MigrateSchema(const std::vector<std::string>& migrations) {
    return Migrate(migrations);
  }

 protected:
  void Acquire() override;
  void Release() override;

 private:
  // Opens one more connection (on its own thread, see Acquire) and offers
  // it to the waiters.
  void Grow();
  // The calling thread's connection. REQUIRES: Lock() held.
  PgConnection* Held() const {
    for (const auto& [db, conn] : t_held)
      if (db == this) return conn;
    return nullptr;  // unreachable while the REQUIRES holds
  }
  // A new connection, or nullptr if PostgreSQL refuses one (too many
  // clients): the caller then waits for an open one.
  std::unique_ptr<PgConnection> Connect() {
    auto conn =
        std::make_unique<PgConnection>(PQconnectdb(url_.c_str()), &url_);
    if (!conn->ok() || !conn->SetUpSession().ok()) return nullptr;
    return conn;
  }

  std::string url_;
  std::mutex pool_mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> all_;  // guarded by pool_mu_
  std::vector<PgConnection*> idle_;                 // guarded by pool_mu_
  int connecting_ = 0;  // connections being opened; guarded by pool_mu_
  int waiting_ = 0;     // threads in Acquire; guarded by pool_mu_
  int limit_ = kMaxPostgresConnections;  // guarded by pool_mu_
};

void PgDatabase::Acquire() {
  std::unique_lock lock(pool_mu_);
  ++waiting_;
  while (idle_.empty()) {
    // Connecting costs a server process and takes long on a busy host: it
    // happens on another thread, and a waiter takes whichever connection is
    // free first, a new one or one given back.
    if (connecting_ < waiting_ &&
        static_cast<int>(all_.size()) + connecting_ < limit_) {
      ++connecting_;
      std::thread([this] { Grow(); }).detach();
    }
    returned_.wait(lock);
  }
  --waiting_;
  PgConnection* conn = idle_.back();
  idle_.pop_back();
  t_held.emplace_back(this, conn);
}

void PgDatabase::Grow() {
  std::unique_ptr<PgConnection> fresh = Connect();
  std::lock_guard lock(pool_mu_);
  --connecting_;
  if (fresh) {
    idle_.push_back(fresh.get());
    all_.push_back(std::move(fresh));
  } else if (all_.empty()) {
    // Nothing to wait for: hand out a broken connection, whose first
    // statement reconnects or fails with UNAVAILABLE.
    all_.push_back(
        std::make_unique<PgConnection>(PQconnectdb(url_.c_str()), &url_));
    idle_.push_back(all_.back().get());
  } else {
    // Refused while others are open (max_connections): the pool stays at
    // the size the server allows, and waiters take the open ones in turn.
    limit_ = static_cast<int>(all_.size());
  }
  returned_.notify_all();
}

void PgDatabase::Release() {
  auto it = std::find_if(t_held.begin(), t_held.end(),
                         [&](const auto& held) { return held.first == this; });
  PgConnection* conn = it->second;
  t_held.erase(it);
  {
    std::lock_guard lock(pool_mu_);
    idle_.push_back(conn);
  }
  returned_.notify_one();
}

Result<bool> PgStatement::Step() {
  if (!result_) {
    TY_ASSIGN_OR_RETURN(result_, conn_->Run(*sql_, values_, types_));
    row_ = 0;
  } else {
    ++row_;
  }
  return PQresultStatus(result_.get()) == PGRES_TUPLES_OK &&
         row_ < PQntuples(result_.get());
}

Result<ResultPtr> PgConnection::Run(
    const std::string& sql,
    const std::vector<std::optional<std::string>>& values,
    const std::vector<Oid>& types) {
  TY_RETURN_IF_ERROR(EnsureConnected());
  const int n = static_cast<int>(values.size());
  auto key = std::make_pair(sql, types);
  auto named = prepared_.find(key);
  if (named == prepared_.end()) {
    std::string name = "ty" + std::to_string(prepared_.size());
    ResultPtr made(
        PQprepare(conn_, name.c_str(), sql.c_str(), n, types.data()));
    if (PQresultStatus(made.get()) != PGRES_COMMAND_OK)
      return ResultError(conn_, made.get(), "query");
    named = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<const char*> params(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    params[i] = values[i] ? values[i]->c_str() : nullptr;
  ResultPtr res(PQexecPrepared(conn_, named->second.c_str(), n, params.data(),
                               nullptr, nullptr, /*resultFormat=*/0));
  const ExecStatusType st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return ResultError(conn_, res.get(), "query");
  const char* tuples = PQcmdTuples(res.get());
  changes_ = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
  return res;
}

Status PgConnection::Transaction(const std::function<Status()>& body,
                                 TxMode mode) {
  const bool serialized = mode == TxMode::kSerialized;
  const std::string key = std::to_string(kWriterLockKey);
  // The lock is taken before BEGIN so that the transaction's snapshot
  // already sees everything the previous holder committed.
  if (serialized) {
    TY_RETURN_IF_ERROR(Exec("SELECT pg_advisory_lock(" + key + ")"));
  }
  auto unlock = [&] {
    if (serialized) Exec("SELECT pg_advisory_unlock(" + key + ")");
  };
  Status begin =
      Exec(serialized ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN");
  if (!begin.ok()) {
    unlock();
    return begin;
  }
  Status s = body();
  if (s.ok()) s = Commit();
  if (!s.ok()) Exec("ROLLBACK");
  unlock();
  return s;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::OpenPostgres(
    const std::string& url, const std::vector<std::string>& migrations) {
  auto first = std::make_unique<PgConnection>(PQconnectdb(url.c_str()), &url);
  if (!first->ok()) {
    return Status(ErrorCode::kUnavailable, "cannot connect to PostgreSQL at " +
                                               RedactUrl(url) + ": " +
                                               first->error());
  }
  TY_RETURN_IF_ERROR(first->SetUpSession());
  auto db = std::make_unique<PgDatabase>(std::move(first), url);
  auto lock = db->Lock();
  TY_RETURN_IF_ERROR(db->InstallCompat());
  TY_RETURN_IF_ERROR(db->MigrateSchema(migrations));
  lock.unlock();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace trainyard::store
