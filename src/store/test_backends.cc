#include "store/test_backends.h"

#include <libpq-fe.h>

#include <cstdlib>

#include "core/ids.h"
#include "store/schema.h"

namespace trainyard::store::testdb {

namespace {

constexpr const char* kSqlite = "sqlite";
constexpr const char* kPostgres = "postgresql";

// Runs `sql` on the server's "postgres" database.
Status AdminExec(const std::string& sql) {
  PGconn* conn = PQconnectdb(PostgresServerUrl().c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return Status(ErrorCode::kUnavailable, "test PostgreSQL: " + msg);
  }
  PGresult* res = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string msg = ok ? "" : PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (!ok) return IoError("test PostgreSQL: " + sql + ": " + msg);
  return Status::Ok();
}

std::string DatabaseUrl(const std::string& name) {
  const char* dir = std::getenv("TRAINYARD_TEST_POSTGRES_DIR");
  return "postgresql:///" + name + "?host=" + (dir ? dir : "") +
         "&user=trainyard";
}

}  // namespace

std::vector<std::string> Backends() { return {kSqlite, kPostgres}; }

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

std::string PostgresServerUrl() {
  const char* dir = std::getenv("TRAINYARD_TEST_POSTGRES_DIR");
  if (!dir || !*dir) return "";
  return DatabaseUrl("postgres");
}

TestDatabase::~TestDatabase() {
  if (!name_.empty()) {
    Status s = AdminExec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    if (!s.ok()) ADD_FAILURE() << s.ToString();
  }
}

bool TestDatabase::available() const {
  return backend_ == kSqlite || !PostgresServerUrl().empty();
}

std::string TestDatabase::skip_reason() const {
  return "no test PostgreSQL: run through ctest (fixture 'postgres', "
         "scripts/test-postgres.sh), which sets TRAINYARD_TEST_POSTGRES_DIR";
}

Result<std::string> TestDatabase::Url() {
  if (backend_ == kSqlite) return std::string();
  if (name_.empty()) {
    std::string name = "t_" + NewHexId24();
    TY_RETURN_IF_ERROR(AdminExec("CREATE DATABASE " + name));
    name_ = name;
  }
  return DatabaseUrl(name_);
}

Result<std::unique_ptr<MetadataStore>> TestDatabase::OpenStore(
    const std::string& sqlite_path) {
  TY_ASSIGN_OR_RETURN(std::string url, Url());
  StoreConfig config;
  config.sqlite_path = sqlite_path;
  config.database_url = url;
  return store::OpenStore(config);
}

Result<std::unique_ptr<Database>> TestDatabase::OpenDatabase(
    const std::vector<std::string>& migrations,
    const std::string& sqlite_path) {
  TY_ASSIGN_OR_RETURN(std::string url, Url());
  if (url.empty()) return Database::Open(sqlite_path, migrations);
  return Database::OpenPostgres(url, migrations);
}

}  // namespace trainyard::store::testdb
