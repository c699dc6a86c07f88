#include "store/tables/ilp_settings_store.h"

#include <gtest/gtest.h>

#include "core/test_support.h"
#include "store/database.h"
#include "store/test_backends.h"

namespace trainyard::store::ilp {
namespace {

class SettingsStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!test_db_.available()) GTEST_SKIP() << test_db_.skip_reason();
  }
  // The same database every call (a file on SQLite), as a restarted server
  // opens it.
  std::unique_ptr<Database> OpenDb() {
    auto db = test_db_.OpenDatabase({}, tmp_.Sub("meta.db"));
    EXPECT_TRUE(db.ok()) << db.status().message();
    return std::move(*db);
  }
  testing::TempDir tmp_;
  testdb::TestDatabase test_db_{GetParam()};
};

TEST_P(SettingsStoreTest, AnUnsetKeyHasNoValue) {
  auto db = OpenDb();
  auto settings = SettingsStore::Open(db.get());
  ASSERT_TRUE(settings.ok());
  auto v = (*settings)->Get(kBasePathSetting);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->has_value());
}

TEST_P(SettingsStoreTest, AValueSurvivesReopeningTheDatabase) {
  {
    auto db = OpenDb();
    auto settings = SettingsStore::Open(db.get());
    ASSERT_TRUE(settings.ok());
    ASSERT_TRUE((*settings)->Set(kBasePathSetting, "projects/a").ok());
    ASSERT_TRUE((*settings)->Set(kBasePathSetting, "projects/b").ok());
  }
  auto db = OpenDb();  // a restarted server: migrations run again
  auto settings = SettingsStore::Open(db.get());
  ASSERT_TRUE(settings.ok());
  auto v = (*settings)->Get(kBasePathSetting);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or("<unset>"), "projects/b");
}

TEST_P(SettingsStoreTest, EraseForgetsTheValue) {
  auto db = OpenDb();
  auto settings = SettingsStore::Open(db.get());
  ASSERT_TRUE(settings.ok());
  ASSERT_TRUE((*settings)->Set(kBasePathSetting, "projects/a").ok());
  ASSERT_TRUE((*settings)->Erase(kBasePathSetting).ok());
  ASSERT_TRUE((*settings)->Erase(kBasePathSetting).ok());  // absent: fine
  auto v = (*settings)->Get(kBasePathSetting);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, SettingsStoreTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store::ilp
