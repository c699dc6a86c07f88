// Test support: the store's suites run once per backend. SQLite is always
// there (in memory); PostgreSQL is the throwaway server of the ctest fixture
// "postgres" (scripts/test-postgres.sh), found through
// TRAINYARD_TEST_POSTGRES_DIR. Each test gets a database of its own.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/metadata_store.h"

namespace trainyard::store::testdb {

// The backends every parameterised suite runs on: "sqlite", "postgresql".
std::vector<std::string> Backends();

// gtest's name for a backend parameter.
std::string BackendName(const ::testing::TestParamInfo<std::string>& info);

// The throwaway server's base URL (its "postgres" database), or "" when the
// test runs outside ctest's fixture.
std::string PostgresServerUrl();

// A fresh, empty database for one test on `backend`; dropped again (after
// everything using it is closed) when this object is destroyed.
class TestDatabase {
 public:
  explicit TestDatabase(std::string backend) : backend_(std::move(backend)) {}
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // True if the backend can be used here; otherwise the test should
  // GTEST_SKIP() with skip_reason().
  bool available() const;
  std::string skip_reason() const;

  // The URL of this test's database ("" for SQLite), created on first use.
  Result<std::string> Url();
  // A metadata store on this test's database: SQLite in memory (or the
  // file `sqlite_path` when not empty), PostgreSQL on its own database.
  // Every call for PostgreSQL opens another connection to the same one.
  Result<std::unique_ptr<MetadataStore>> OpenStore(
      const std::string& sqlite_path = ":memory:");
  // A bare database with `migrations`, as Database::Open.
  Result<std::unique_ptr<Database>> OpenDatabase(
      const std::vector<std::string>& migrations,
      const std::string& sqlite_path = ":memory:");

 private:
  std::string backend_;
  std::string name_;  // the PostgreSQL database, once created
};

}  // namespace trainyard::store::testdb
