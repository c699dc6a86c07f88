// store/database.h's contract on each backend (test_backends.h).
#include <gtest/gtest.h>

#include <future>
#include <set>
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

// A PostgreSQL database with kSchema, or a skip.
class PostgresPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_db_.available()) GTEST_SKIP() << test_db_.skip_reason();
    auto db = test_db_.OpenDatabase(kSchema);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  // The server process of the calling thread's connection.
  int64_t BackendPid() {
    auto q = db_->Prepare("SELECT pg_backend_pid()");
    EXPECT_TRUE(q.ok());
    EXPECT_TRUE(*q->Step());
    return q->ColumnInt(0);
  }
  // Rows of t. CountLocked: REQUIRES the calling thread holds Lock().
  int64_t CountLocked() {
    auto q = db_->Prepare("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(q.ok());
    auto row = q->Step();
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    return row.ok() && *row ? q->ColumnInt(0) : -1;
  }
  int64_t Count() {
    auto lock = db_->Lock();
    return CountLocked();
  }
  testdb::TestDatabase test_db_{"postgresql"};
  std::unique_ptr<Database> db_;
};

// Two requests on two threads query at the same time instead of taking
// turns on one connection: the second gets its own connection while the
// first still holds one (with a single connection it would wait forever;
// the future's timeout only turns that hang into a failure).
TEST_F(PostgresPoolTest, ThreadsHoldingLocksAtOnceUseSeparateConnections) {
  auto lock = db_->Lock();
  const int64_t mine = BackendPid();
  auto other = std::async(std::launch::async, [&] {
    auto their_lock = db_->Lock();
    return BackendPid();
  });
  ASSERT_EQ(other.wait_for(std::chrono::seconds(30)),
            std::future_status::ready);
  EXPECT_NE(other.get(), mine);
}

// An uncommitted transaction on one thread's connection is invisible to
// another thread, which is not blocked by it either.
TEST_F(PostgresPoolTest, AnOpenTransactionIsIsolatedFromOtherThreads) {
  auto lock = db_->Lock();
  std::promise<void> inserted;
  std::future<int64_t> seen;
  Status tx = db_->Transaction([&]() -> Status {
    auto ins = db_->Prepare("INSERT INTO t(id, n) VALUES('a', 1)");
    TY_RETURN_IF_ERROR(ins.status());
    TY_RETURN_IF_ERROR(ins->Run());
    seen = std::async(std::launch::async, [&] { return Count(); });
    if (seen.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
      return IoError("the other thread was blocked");
    return Status::Ok();
  });
  ASSERT_TRUE(tx.ok()) << tx.ToString();
  EXPECT_EQ(seen.get(), 0);
  lock.unlock();
  EXPECT_EQ(Count(), 1);
}

// At most kMaxPostgresConnections are opened however many threads ask; a
// thread that finds them all held gets one of them when it is given back.
TEST_F(PostgresPoolTest, ThePoolIsBoundedAndReusesConnections) {
  const int max = Database::kMaxPostgresConnections;
  std::vector<std::promise<void>> release(static_cast<size_t>(max));
  std::vector<std::future<int64_t>> holders;
  std::vector<std::promise<int64_t>> pids(static_cast<size_t>(max));
  std::vector<std::thread> threads;
  for (int i = 0; i < max; ++i) {
    threads.emplace_back([&, i] {
      auto lock = db_->Lock();
      pids[static_cast<size_t>(i)].set_value(BackendPid());
      release[static_cast<size_t>(i)].get_future().wait();
    });
  }
  std::set<int64_t> distinct;
  for (auto& p : pids) distinct.insert(p.get_future().get());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(max));
  auto late = std::async(std::launch::async, [&] {
    auto lock = db_->Lock();
    return BackendPid();
  });
  release[0].set_value();
  ASSERT_EQ(late.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(distinct.count(late.get()), 1u);
  for (int i = 1; i < max; ++i) release[static_cast<size_t>(i)].set_value();
  for (auto& t : threads) t.join();
}

// A connection the server dropped (a restart, an idle timeout) fails the
// statement that notices it, then reconnects with its statements prepared
// again.
TEST_F(PostgresPoolTest, ADroppedConnectionIsReconnectedAndReprepared) {
  int64_t pid = 0;
  {
    auto lock = db_->Lock();
    pid = BackendPid();
    EXPECT_EQ(CountLocked(), 0);  // prepares the count query
  }
  auto admin = test_db_.OpenDatabase(kSchema);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  {
    auto lock = (*admin)->Lock();
    auto kill = (*admin)->Prepare("SELECT pg_terminate_backend(" +
                                  std::to_string(pid) + ")");
    ASSERT_TRUE(kill.ok());
    auto killed = kill->Step();
    ASSERT_TRUE(killed.ok()) << killed.status().ToString();
    EXPECT_EQ(kill->ColumnInt(0), 1);
  }
  auto lock = db_->Lock();
  auto failed = db_->Prepare("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(failed.ok());
  // The first statement may fail with UNAVAILABLE (the drop is noticed
  // then) or succeed if libpq noticed it before sending; never both wrong.
  auto first = failed->Step();
  if (!first.ok()) EXPECT_EQ(first.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(CountLocked(), 0);
  EXPECT_NE(BackendPid(), pid);
}

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
