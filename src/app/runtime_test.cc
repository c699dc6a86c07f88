#include "app/runtime.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/test_support.h"

namespace trainyard::app {
namespace {

TEST(RuntimeTest, CreatesTheDataDirectoryLayout) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  auto rt = OpenRuntime(config);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  for (const char* sub :
       {"model_storage", "model_outdir_csv", "runs", "datasets", "plots"}) {
    EXPECT_TRUE(std::filesystem::is_directory(tmp.Sub("home/") + sub)) << sub;
  }
  EXPECT_TRUE(std::filesystem::exists(tmp.Sub("home/trainyard.db")));
}

// The environment of a process with TRAINYARD_DATABASE_URL = `url`.
EnvLookup DatabaseUrlEnv(const char* url) {
  return [url](const char* name) -> const char* {
    return std::string(name) == kDatabaseUrlVariable ? url : nullptr;
  };
}

TEST(DatabaseUrlTest, UnsetOrEmptyMeansSqlite) {
  EXPECT_EQ(*DatabaseUrlFromEnvironment(DatabaseUrlEnv(nullptr)), "");
  EXPECT_EQ(*DatabaseUrlFromEnvironment(DatabaseUrlEnv("")), "");
}

TEST(DatabaseUrlTest, PostgresqlUrlsSelectPostgresql) {
  for (const char* url :
       {"postgresql://u:p@db:5432/trainyard", "postgres://db/trainyard"}) {
    EXPECT_EQ(*DatabaseUrlFromEnvironment(DatabaseUrlEnv(url)), url);
  }
}

TEST(DatabaseUrlTest, AnythingElseIsAValidationErrorNamingTheVariable) {
  auto url = DatabaseUrlFromEnvironment(DatabaseUrlEnv("mysql://db/x"));
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().code(), ErrorCode::kValidation);
  ASSERT_EQ(url.status().details().size(), 1u);
  EXPECT_EQ(url.status().details()[0].field, "TRAINYARD_DATABASE_URL");
}

TEST(RuntimeTest, RefusesInvalidConfiguration) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  config.auth = false;
  config.bind = "0.0.0.0";
  auto rt = OpenRuntime(config);
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.status().code(), ErrorCode::kValidation);
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("home")));
}

TEST(RuntimeTest, TestJobsAreRegisteredOnlyWhenEnabled) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  EXPECT_EQ(OpenRuntime(config).value()->handlers.Find("test.count"), nullptr);
  config.enable_test_jobs = true;
  EXPECT_NE(OpenRuntime(config).value()->handlers.Find("test.count"), nullptr);
}

}  // namespace
}  // namespace trainyard::app
