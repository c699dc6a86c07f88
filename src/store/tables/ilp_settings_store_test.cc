#include "store/tables/ilp_settings_store.h"

#include <gtest/gtest.h>

#include "core/test_support.h"
#include "store/database.h"

namespace trainyard::store::ilp {
namespace {

class SettingsStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenDb() {
    auto db = Database::Open(tmp_.Sub("meta.db"), {});
    EXPECT_TRUE(db.ok()) << db.status().message();
    return std::move(*db);
  }
  testing::TempDir tmp_;
};

TEST_F(SettingsStoreTest, AnUnsetKeyHasNoValue) {
  auto db = OpenDb();
  auto settings = SettingsStore::Open(db.get());
  ASSERT_TRUE(settings.ok());
  auto v = (*settings)->Get(kBasePathSetting);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->has_value());
}

TEST_F(SettingsStoreTest, AValueSurvivesReopeningTheDatabase) {
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

TEST_F(SettingsStoreTest, EraseForgetsTheValue) {
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

}  // namespace
}  // namespace trainyard::store::ilp
