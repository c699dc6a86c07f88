// store/database.h's contract on each backend (test_backends.h).
#include <gtest/gtest.h>

#include <thread>

#include "core/test_support.h"
#include "store/database.h"
#include "store/test_backends.h"

namespace trainyard::store {
namespace {

const std::vector<std::string> kSchema = {
    "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, x REAL);",
    "CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT);",
    "CREATE TABLE bytes (id INTEGER PRIMARY KEY, b BLOB NOT NULL);",
};

class DatabaseBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!test_db_.available()) GTEST_SKIP() << test_db_.skip_reason();
  }
  std::unique_ptr<Database> Open() {
    auto db = test_db_.OpenDatabase(kSchema, tmp_.Sub("db.sqlite"));
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }
  // The number of rows of `table`.
  static int64_t Count(Database* db, const std::string& table) {
    auto lock = db->Lock();
    auto s = db->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(*s->Step());
    return s->ColumnInt(0);
  }
  testing::TempDir tmp_;
  testdb::TestDatabase test_db_{GetParam()};
};

TEST_P(DatabaseBackendTest, ValuesRoundTripWithTheirTypes) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto lock = db->Lock();
  auto ins = db->Prepare("INSERT INTO t(id, n, x) VALUES(?, ?, ?)");
  ASSERT_TRUE(ins.ok()) << ins.status().ToString();
  ins->Bind(1, "a").Bind(2, int64_t{1'700'000'000'123}).Bind(3, 0.1);
  ASSERT_TRUE(ins->Run().ok());
  auto q = db->Prepare("SELECT id, n, x FROM t WHERE n > ? AND id = ?");
  ASSERT_TRUE(q.ok());
  q->Bind(1, int64_t{5}).Bind(2, "a");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnText(0), "a");
  EXPECT_EQ(q->ColumnInt(1), 1'700'000'000'123);
  EXPECT_EQ(q->ColumnDouble(2), 0.1);
  EXPECT_FALSE(*q->Step());
}

TEST_P(DatabaseBackendTest, BlobsRoundTripEveryByteValue) {
  auto db = Open();
  ASSERT_TRUE(db);
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  auto lock = db->Lock();
  auto ins = db->Prepare("INSERT INTO bytes(id, b) VALUES(?, ?)");
  ASSERT_TRUE(ins.ok());
  ASSERT_TRUE(ins->Bind(1, int64_t{1}).BindBlob(2, all).Run().ok());
  ASSERT_TRUE(ins->Reset().ok());
  ASSERT_TRUE(ins->Bind(1, int64_t{2}).BindBlob(2, "").Run().ok());
  auto q = db->Prepare("SELECT b, length(b) FROM bytes ORDER BY id");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnBlob(0), all);
  EXPECT_EQ(q->ColumnInt(1), 256);
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnBlob(0), "");
  EXPECT_FALSE(q->ColumnIsNull(0));
}

TEST_P(DatabaseBackendTest, NullsReadAsAbsent) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto lock = db->Lock();
  auto ins = db->Prepare("INSERT INTO t(id, n, x) VALUES(?, 0, ?)");
  ASSERT_TRUE(ins.ok());
  ins->Bind(1, "a").Bind(2, std::nullopt);
  ASSERT_TRUE(ins->Run().ok());
  auto q = db->Prepare("SELECT x FROM t");
  ASSERT_TRUE(*q->Step());
  EXPECT_TRUE(q->ColumnIsNull(0));
  EXPECT_EQ(q->ColumnOptionalInt(0), std::nullopt);
}

TEST_P(DatabaseBackendTest, ADuplicateKeyIsAConflict) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto lock = db->Lock();
  for (int i = 0; i < 2; ++i) {
    auto ins = db->Prepare("INSERT INTO t(id, n) VALUES('a', 1)");
    ASSERT_TRUE(ins.ok());
    Status s = ins->Run();
    EXPECT_EQ(s.code(), i == 0 ? ErrorCode::kOk : ErrorCode::kConflict)
        << s.ToString();
  }
}

TEST_P(DatabaseBackendTest, ChangesCountsTheRowsOfTheLastStatement) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto lock = db->Lock();
  ASSERT_TRUE(db->Exec("INSERT INTO t(id, n) VALUES('a', 1), ('b', 1), "
                       "('c', 2)")
                  .ok());
  auto up = db->Prepare("UPDATE t SET n = n + 1 WHERE n = ?");
  up->Bind(1, int64_t{1});
  ASSERT_TRUE(up->Run().ok());
  EXPECT_EQ(db->Changes(), 2);
}

TEST_P(DatabaseBackendTest, AFailedTransactionLeavesNothingBehind) {
  auto db = Open();
  ASSERT_TRUE(db);
  {
    auto lock = db->Lock();
    Status s = db->Transaction([&]() -> Status {
      TY_RETURN_IF_ERROR(db->Exec("INSERT INTO t(id, n) VALUES('a', 1)"));
      return ConflictError("changed my mind");
    });
    EXPECT_EQ(s.code(), ErrorCode::kConflict);
  }
  EXPECT_EQ(Count(db.get(), "t"), 0);
}

TEST_P(DatabaseBackendTest, AutoincrementKeysIncrease) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto lock = db->Lock();
  ASSERT_TRUE(db->Exec("INSERT INTO log(line) VALUES('a'); INSERT INTO "
                       "log(line) VALUES('b')")
                  .ok());
  auto q = db->Prepare("SELECT id FROM log ORDER BY id");
  ASSERT_TRUE(*q->Step());
  const int64_t first = q->ColumnInt(0);
  ASSERT_TRUE(*q->Step());
  EXPECT_GT(q->ColumnInt(0), first);
}

// A server and a CLI command opening a fresh database at once: each
// migration is applied once, and both see the whole schema.
TEST_P(DatabaseBackendTest, ConcurrentOpensApplyEachMigrationOnce) {
  std::vector<std::unique_ptr<Database>> dbs(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < dbs.size(); ++i)
    threads.emplace_back([&, i] { dbs[i] = Open(); });
  for (auto& t : threads) t.join();
  for (const auto& db : dbs) {
    ASSERT_TRUE(db);
    EXPECT_EQ(db->schema_version(), static_cast<int>(kSchema.size()));
  }
  EXPECT_EQ(Count(dbs[0].get(), "schema_version"),
            static_cast<int64_t>(kSchema.size()));
}

TEST_P(DatabaseBackendTest, ComponentMigrationsAreVersionedApart) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->MigrateComponent("x", {"CREATE TABLE x1 (a INTEGER)"}).ok());
  ASSERT_TRUE(db->MigrateComponent("x", {"CREATE TABLE x1 (a INTEGER)",
                                         "CREATE TABLE x2 (a INTEGER)"})
                  .ok());
  EXPECT_EQ(Count(db.get(), "x2"), 0);
  EXPECT_EQ(db->MigrateComponent("x", {"CREATE TABLE x1 (a INTEGER)"}).code(),
            ErrorCode::kCorruption);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseBackendTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

TEST(PostgresDatabaseTest, AnUnreachableServerIsUnavailableWithoutThePassword) {
  auto db = Database::OpenPostgres(
      "postgresql://trainyard:s3cret@127.0.0.1:1/none?connect_timeout=2", {});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(db.status().message().find("s3cret"), std::string::npos)
      << db.status().message();
  EXPECT_NE(db.status().message().find("***"), std::string::npos);
}

TEST(PostgresDatabaseTest, BackupPointsAtPgDump) {
  testdb::TestDatabase test_db("postgresql");
  if (!test_db.available()) GTEST_SKIP() << test_db.skip_reason();
  auto db = test_db.OpenDatabase({});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Status s = (*db)->BackupTo("/tmp/never", nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  EXPECT_NE(s.message().find("pg_dump"), std::string::npos);
}

}  // namespace
}  // namespace trainyard::store
