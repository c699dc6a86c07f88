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
