#include "store/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/test_support.h"
#include "store/metadata_store.h"
#include "store/schema.h"

namespace trainyard::store {
namespace {

TEST(DatabaseTest, AppliesMigrationsOnceAndRecordsVersion) {
  testing::TempDir dir;
  std::vector<std::string> v1 = {"CREATE TABLE a (x INTEGER)"};
  {
    auto db = Database::Open(dir.Sub("t.db"), v1);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ((*db)->schema_version(), 1);
  }
  std::vector<std::string> v2 = {v1[0], "CREATE TABLE b (y INTEGER)"};
  auto db = Database::Open(dir.Sub("t.db"), v2);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->schema_version(), 2);
}

TEST(DatabaseTest, RefusesDatabaseNewerThanBinary) {
  testing::TempDir dir;
  ASSERT_TRUE(Database::Open(dir.Sub("t.db"),
                             {"CREATE TABLE a (x)", "CREATE TABLE b (y)"})
                  .ok());
  auto db = Database::Open(dir.Sub("t.db"), {"CREATE TABLE a (x)"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kCorruption);
}

TEST(DatabaseTest, FailedMigrationRollsBackAndReportsError) {
  testing::TempDir dir;
  auto db = Database::Open(
      dir.Sub("t.db"), {"CREATE TABLE a (x); SELECT nonsense FROM nowhere"});
  EXPECT_FALSE(db.ok());
  auto again = Database::Open(dir.Sub("t.db"), {"CREATE TABLE a (x)"});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

TEST(DatabaseTest, ComponentMigrationsApplyOnceAndIndependently) {
  testing::TempDir dir;
  {
    auto db = Database::Open(dir.Sub("t.db"), {"CREATE TABLE core (x)"});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->MigrateComponent("a", {"CREATE TABLE a1 (x)"}).ok());
    ASSERT_TRUE((*db)->MigrateComponent("b", {"CREATE TABLE b1 (x)"}).ok());
  }
  auto db = Database::Open(dir.Sub("t.db"), {"CREATE TABLE core (x)"});
  ASSERT_TRUE(db.ok());
  // Re-running version 1 would fail with "table a1 already exists".
  Status s = (*db)->MigrateComponent(
      "a", {"CREATE TABLE a1 (x)", "CREATE TABLE a2 (x)"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto lock = (*db)->Lock();
  auto q = (*db)->Prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('a1','a2','b1')");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 3);
}

TEST(DatabaseTest, ComponentNewerThanBinaryIsCorruption) {
  auto db = Database::Open(":memory:", {});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->MigrateComponent(
                      "a", {"CREATE TABLE a1 (x)", "CREATE TABLE a2 (x)"})
                  .ok());
  EXPECT_EQ((*db)->MigrateComponent("a", {"CREATE TABLE a1 (x)"}).code(),
            ErrorCode::kCorruption);
}

TEST(DatabaseTest, FailedComponentMigrationRollsBack) {
  auto db = Database::Open(":memory:", {});
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)
                   ->MigrateComponent(
                       "a", {"CREATE TABLE a1 (x); SELECT nope FROM nowhere"})
                   .ok());
  EXPECT_TRUE((*db)->MigrateComponent("a", {"CREATE TABLE a1 (x)"}).ok());
}

TEST(DatabaseTest, TransactionRollsBackWhenBodyFails) {
  auto db = Database::Open(":memory:", {"CREATE TABLE a (x INTEGER)"});
  ASSERT_TRUE(db.ok());
  auto lock = (*db)->Lock();
  Status s = (*db)->Transaction([&]() -> Status {
    TY_RETURN_IF_ERROR((*db)->Exec("INSERT INTO a VALUES (1)"));
    return ValidationError("stop");
  });
  EXPECT_EQ(s.code(), ErrorCode::kValidation);
  auto q = (*db)->Prepare("SELECT COUNT(*) FROM a");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 0);
}

// Reads the single integer the query returns, binding `x` to its '?'.
int64_t QueryInt(Database& db, const char* sql, int64_t x) {
  auto q = db.Prepare(sql);
  EXPECT_TRUE(q.ok());
  q->Bind(1, x);
  auto row = q->Step();
  EXPECT_TRUE(row.ok() && *row);
  return q->ColumnInt(0);
}

TEST(DatabaseTest, ReleasedStatementIsReusedWithFreshBindings) {
  auto db = Database::Open(":memory:", {"CREATE TABLE a (x INTEGER)"});
  ASSERT_TRUE(db.ok());
  auto lock = (*db)->Lock();
  ASSERT_TRUE((*db)->Exec("INSERT INTO a VALUES (1), (2), (3)").ok());
  const size_t before = (*db)->cached_statement_count();  // migrations'
  const char* kSql = "SELECT COUNT(*) FROM a WHERE x >= ?";
  EXPECT_EQ(QueryInt(**db, kSql, 2), 2);
  EXPECT_EQ((*db)->cached_statement_count(), before + 1);
  EXPECT_EQ(QueryInt(**db, kSql, 3), 1);  // the cached one, rebound
  EXPECT_EQ((*db)->cached_statement_count(), before + 1);
}

TEST(DatabaseTest, SameSqlPreparedTwiceAtOnceGivesIndependentStatements) {
  auto db = Database::Open(":memory:", {"CREATE TABLE a (x INTEGER)"});
  ASSERT_TRUE(db.ok());
  auto lock = (*db)->Lock();
  ASSERT_TRUE((*db)->Exec("INSERT INTO a VALUES (1), (2)").ok());
  const char* kSql = "SELECT x FROM a ORDER BY x";
  auto outer = (*db)->Prepare(kSql);
  ASSERT_TRUE(outer.ok());
  ASSERT_TRUE(*outer->Step());
  {
    auto inner = (*db)->Prepare(kSql);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(*inner->Step());
    EXPECT_EQ(inner->ColumnInt(0), 1);
  }
  EXPECT_EQ(outer->ColumnInt(0), 1);  // the inner query did not move it
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->ColumnInt(0), 2);
}

TEST(DatabaseTest, CachedStatementSeesSchemaChanges) {
  auto db = Database::Open(":memory:", {"CREATE TABLE a (x INTEGER)"});
  ASSERT_TRUE(db.ok());
  auto lock = (*db)->Lock();
  const char* kSql = "SELECT COUNT(*) FROM a WHERE x >= ?";
  EXPECT_EQ(QueryInt(**db, kSql, 0), 0);
  ASSERT_TRUE((*db)
                  ->Exec("DROP TABLE a; CREATE TABLE a (y INTEGER, x INTEGER);"
                         "INSERT INTO a VALUES (5, 7)")
                  .ok());
  EXPECT_EQ(QueryInt(**db, kSql, 7), 1);
}

// Rows of an untyped column `v` (no affinity, so SQLite compares values by
// their bound type: every integer or real sorts before every text).
class WhereClauseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:", {"CREATE TABLE t (name TEXT, v)"});
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto lock = db_->Lock();
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES ('five', 5), ('twenty', 20), "
                          "('half', 0.5), ('word', 'abc'), ('none', NULL)")
                    .ok());
  }
  // Names matching `where`, by name, in the page `limit`/`offset`.
  std::vector<std::string> Names(const WhereClause& where, int64_t limit = 10,
                                 int64_t offset = 0) {
    auto lock = db_->Lock();
    auto s = db_->Prepare("SELECT name FROM t" + where.sql() +
                          " ORDER BY name" + kPageSql);
    EXPECT_TRUE(s.ok());
    BindPage(*s, where.BindTo(*s), limit, offset);
    auto rows = ReadRows<std::string>(
        *s, [](const Statement& r) { return r.ColumnText(0); });
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<std::string>{};
  }
  std::unique_ptr<Database> db_;
};

TEST_F(WhereClauseTest, NoConditionsIsEmptySqlAndBindsNothing) {
  WhereClause where;
  EXPECT_EQ(where.sql(), "");
  EXPECT_EQ(Names(where).size(), 5u);
}

TEST_F(WhereClauseTest, IntegerValueComparesAsNumber) {
  WhereClause where;
  where.Add("v <= ?", int64_t{10});
  // As text, "10" would be above every number and below 'abc'.
  EXPECT_EQ(Names(where), (std::vector<std::string>{"five", "half"}));
}

TEST_F(WhereClauseTest, TextValueComparesAsText) {
  WhereClause where;
  where.Add("v = ?", "abc");
  EXPECT_EQ(Names(where), std::vector<std::string>{"word"});
}

TEST_F(WhereClauseTest, RealValueComparesAsNumber) {
  WhereClause where;
  where.Add("v < ?", 1.5);
  EXPECT_EQ(Names(where), std::vector<std::string>{"half"});
}

TEST_F(WhereClauseTest, NullValueMatchesNullWithIs) {
  WhereClause where;
  where.Add("v IS ?", std::nullopt);
  EXPECT_EQ(Names(where), std::vector<std::string>{"none"});
}

TEST_F(WhereClauseTest, ConditionsAreAndedWithValuesInOrder) {
  WhereClause where;
  where.Add("v >= ?", int64_t{5});
  where.Add("(name = ? OR name = ?)", {"twenty", "word"});
  EXPECT_EQ(where.sql(), " WHERE v >= ? AND (name = ? OR name = ?)");
  EXPECT_EQ(Names(where), (std::vector<std::string>{"twenty", "word"}));
}

TEST_F(WhereClauseTest, PageBindsAfterTheConditions) {
  WhereClause where;
  where.Add("name <> ?", "none");
  EXPECT_EQ(Names(where, 2, 1), (std::vector<std::string>{"half", "twenty"}));
}

TEST_F(WhereClauseTest, BindToStartsAtTheGivenIndex) {
  WhereClause where;
  where.Add("v = ?", int64_t{20});
  auto lock = db_->Lock();
  auto s = db_->Prepare("SELECT name FROM (SELECT * FROM t WHERE name <> ?)" +
                        where.sql());
  ASSERT_TRUE(s.ok());
  s->Bind(1, "five");
  EXPECT_EQ(where.BindTo(*s, 2), 3);
  ASSERT_TRUE(*s->Step());
  EXPECT_EQ(s->ColumnText(0), "twenty");
}

TEST(DatabaseTest, ProductionSchemaOpensInWalMode) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.Sub("trainyard.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->Ping().ok());
  EXPECT_EQ((*store)->schema_version(),
            static_cast<int>(SchemaMigrations().size()));
  EXPECT_TRUE(std::filesystem::exists(dir.Sub("trainyard.db-wal")));
}

// A database of `rows` indexed rows, closed, with `page` overwritten by
// garbage: the kind of damage lost locks or a bad disk leave behind.
std::string DamagedDatabase(const testing::TempDir& dir, int rows, int page) {
  const std::string path = dir.Sub("damaged.db");
  {
    auto db = Database::Open(path, {"CREATE TABLE t (x TEXT);"
                                    "CREATE INDEX t_x ON t(x)"});
    auto lock = (*db)->Lock();
    (*db)->Transaction([&] {
      for (int i = 0; i < rows; ++i) {
        auto ins = (*db)->Prepare("INSERT INTO t VALUES (?)");
        ins->Bind(1, std::string(100, static_cast<char>('a' + i % 26)) +
                         std::to_string(i));
        if (Status s = ins->Run(); !s.ok()) return s;
      }
      return Status::Ok();
    });
    (*db)->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(4096L * (page - 1) + 100);
  const std::string garbage(2000, '\x5a');
  f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  return path;
}

TEST(DatabaseTest, DamagedDatabaseIsRefusedWithARestoreHint) {
  testing::TempDir dir;
  const std::string path = DamagedDatabase(dir, 2000, 5);
  auto db = Database::Open(path, {"CREATE TABLE t (x TEXT);"
                                  "CREATE INDEX t_x ON t(x)"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(db.status().message().find("is damaged"), std::string::npos)
      << db.status().message();
  EXPECT_NE(db.status().message().find("trainyard restore"), std::string::npos)
      << db.status().message();
  EXPECT_EQ(Database::CheckFile(path).code(), ErrorCode::kCorruption);
}

TEST(DatabaseTest, FullCheckFindsAnIndexThatDisagreesWithItsTable) {
  testing::TempDir dir;
  const std::vector<std::string> schema = {
      "CREATE TABLE t (x); CREATE INDEX t_x ON t(x);"
      "CREATE TABLE u (x); CREATE INDEX u_x ON u(x);"};
  {
    auto db = Database::Open(dir.Sub("t.db"), schema);
    auto lock = (*db)->Lock();
    // Each index now describes the other table: the entry counts disagree,
    // the damage lost locks left in issue 17.
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (1), (2), (3)").ok());
    auto roots = (*db)->Prepare(
        "SELECT (SELECT rootpage FROM sqlite_schema WHERE name = 't_x'), "
        "(SELECT rootpage FROM sqlite_schema WHERE name = 'u_x')");
    ASSERT_TRUE(*roots->Step());
    const std::string t_root = std::to_string(roots->ColumnInt(0));
    const std::string u_root = std::to_string(roots->ColumnInt(1));
    ASSERT_TRUE((*db)
                    ->Exec("PRAGMA writable_schema = ON;"
                           "UPDATE sqlite_schema SET rootpage = " +
                           u_root + " WHERE name = 't_x';" +
                           "UPDATE sqlite_schema SET rootpage = " + t_root +
                           " WHERE name = 'u_x';")
                    .ok());
  }
  auto quick = Database::Open(dir.Sub("t.db"), schema, OpenCheck::kQuick);
  EXPECT_TRUE(quick.ok()) << "quick_check does not compare indexes with "
                             "tables: "
                          << quick.status().ToString();
  quick->reset();
  auto full = Database::Open(dir.Sub("t.db"), schema, OpenCheck::kFull);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(full.status().message().find("wrong # of entries in index"),
            std::string::npos)
      << full.status().message();
}

TEST(DatabaseTest, FileThatIsNotADatabaseIsRefusedAsDamaged) {
  testing::TempDir dir;
  std::ofstream(dir.Sub("t.db")) << std::string(8192, 'x');
  auto db = Database::Open(dir.Sub("t.db"), {"CREATE TABLE a (x)"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(db.status().message().find("restore"), std::string::npos);
}

TEST(DatabaseTest, ConnectionsOpeningAFreshFileAtOnceApplyEachMigrationOnce) {
  testing::TempDir dir;
  // Not idempotent: applying one twice fails.
  const std::vector<std::string> migrations = {
      "CREATE TABLE a (x)", "CREATE TABLE b (y)", "INSERT INTO a VALUES (1)"};
  const std::vector<std::string> component = {"CREATE TABLE c (z)",
                                              "INSERT INTO a VALUES (2)"};
  std::vector<std::thread> threads;
  std::vector<Status> results(6);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      auto db = Database::Open(dir.Sub("t.db"), migrations);
      results[i] =
          db.ok() ? (*db)->MigrateComponent("c", component) : db.status();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  auto db = Database::Open(dir.Sub("t.db"), migrations);
  ASSERT_TRUE(db.ok());
  auto lock = (*db)->Lock();
  auto count = (*db)->Prepare(
      "SELECT (SELECT COUNT(*) FROM schema_version), (SELECT COUNT(*) FROM a)");
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->ColumnInt(0), 3);
  EXPECT_EQ(count->ColumnInt(1), 2) << "one row from each schema";
}

class DatabaseBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(
        *Database::Open(dir_.Sub("live.db"), {"CREATE TABLE t (x INTEGER)"}));
  }
  Status Insert(Database* db, int64_t x) {
    auto lock = db->Lock();
    TY_ASSIGN_OR_RETURN(Statement ins, db->Prepare("INSERT INTO t VALUES (?)"));
    ins.Bind(1, x);
    return ins.Run();
  }
  int64_t Count(const std::string& path) {
    auto db = Database::Open(path, {"CREATE TABLE t (x INTEGER)"});
    auto lock = (*db)->Lock();
    auto stmt = (*db)->Prepare("SELECT COUNT(*) FROM t");
    return *stmt->Step() ? stmt->ColumnInt(0) : -1;
  }
  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseBackupTest, CopyHoldsEveryCommittedRowAndPassesTheCheck) {
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(Insert(db_.get(), i).ok());
  int64_t last_done = -1, last_total = -1;
  ASSERT_TRUE(db_->BackupTo(dir_.Sub("copy.db"),
                            [&](int64_t d, int64_t t) {
                              last_done = d;
                              last_total = t;
                            })
                  .ok());
  EXPECT_GT(last_total, 0);
  EXPECT_EQ(last_done, last_total);
  EXPECT_TRUE(Database::CheckFile(dir_.Sub("copy.db")).ok());
  EXPECT_EQ(Count(dir_.Sub("copy.db")), 500);
}

TEST_F(DatabaseBackupTest, WritersInAnotherConnectionDoNotStopTheCopy) {
  {  // ~12 MB: several backup steps
    auto lock = db_->Lock();
    ASSERT_TRUE(db_->Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT "
                          "i + 1 FROM n WHERE i < 3000) INSERT INTO t SELECT "
                          "randomblob(4000) FROM n")
                    .ok());
  }
  auto writer_db =
      Database::Open(dir_.Sub("live.db"), {"CREATE TABLE t (x INTEGER)"});
  ASSERT_TRUE(writer_db.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    while (!stop) {
      if (Insert(writer_db->get(), 7).ok()) ++written;
    }
  });
  while (written < 10) std::this_thread::yield();
  Status s = db_->BackupTo(dir_.Sub("copy.db"), nullptr);
  stop = true;
  writer.join();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Database::CheckFile(dir_.Sub("copy.db")).ok());
  EXPECT_GE(Count(dir_.Sub("copy.db")), 3000 + 10);
}

TEST_F(DatabaseBackupTest, ExistingTargetIsNotOverwritten) {
  std::ofstream(dir_.Sub("copy.db")) << "keep";
  EXPECT_EQ(db_->BackupTo(dir_.Sub("copy.db"), nullptr).code(),
            ErrorCode::kConflict);
  std::ifstream in(dir_.Sub("copy.db"));
  std::string content;
  in >> content;
  EXPECT_EQ(content, "keep");
}

}  // namespace
}  // namespace trainyard::store
