#include "store/sql_dialect.h"

#include <gtest/gtest.h>

namespace trainyard::store {
namespace {

TEST(PostgresParametersTest, NumbersQuestionMarksInOrder) {
  EXPECT_EQ(PostgresParameters("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
}

TEST(PostgresParametersTest, KeepsExplicitNumbers) {
  EXPECT_EQ(PostgresParameters("UPDATE t SET a = ?1, b = ?1 WHERE id = ?2"),
            "UPDATE t SET a = $1, b = $1 WHERE id = $2");
}

TEST(PostgresParametersTest, LeavesQuotedQuestionMarksAlone) {
  EXPECT_EQ(PostgresParameters("SELECT '?', 'it''s ?', \"a?\" WHERE x = ?"),
            "SELECT '?', 'it''s ?', \"a?\" WHERE x = $1");
}

TEST(PostgresDdlTest, WidensIntegersAndReals) {
  EXPECT_EQ(PostgresDdl("ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT "
                        "0; ALTER TABLE t ADD COLUMN r real"),
            "ALTER TABLE t ADD COLUMN n BIGINT NOT NULL DEFAULT 0; ALTER TABLE "
            "t ADD COLUMN r DOUBLE PRECISION");
}

TEST(PostgresDdlTest, AutoincrementKeysBecomeBigserialWithoutARowid) {
  EXPECT_EQ(PostgresDdl("CREATE TABLE e (\n  id INTEGER PRIMARY KEY "
                        "AUTOINCREMENT,\n  x TEXT)"),
            "CREATE TABLE e (\n  id BIGSERIAL PRIMARY KEY ,\n  x TEXT)");
}

TEST(PostgresDdlTest, OtherTablesGetAnInsertionOrderRowid) {
  EXPECT_EQ(PostgresDdl("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, "
                        "n INTEGER, CHECK (n IN (1,2)));"),
            "CREATE TABLE IF NOT EXISTS t (rowid BIGSERIAL NOT NULL, id TEXT "
            "PRIMARY KEY, n BIGINT, CHECK (n IN (1,2)));");
}

TEST(PostgresDdlTest, LeavesWordsInsideLiteralsAndLongerNamesAlone) {
  EXPECT_EQ(PostgresDdl("CREATE INDEX real_idx ON t(integer_col) WHERE s = "
                        "'INTEGER'"),
            "CREATE INDEX real_idx ON t(integer_col) WHERE s = 'INTEGER'");
}

}  // namespace
}  // namespace trainyard::store
