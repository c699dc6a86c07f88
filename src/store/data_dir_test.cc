#include "store/data_dir.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/test_support.h"

namespace trainyard::store {
namespace {

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<DataDir>(*DataDir::Open(tmp_.Sub("home")));
  }
  testing::TempDir tmp_;
  std::unique_ptr<DataDir> dir_;
};

TEST_F(DataDirTest, ResolvesRelativePathsInsideTheRoot) {
  auto p = dir_->Resolve("model_storage/ppo/m1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, dir_->root() + "/model_storage/ppo/m1");
  EXPECT_EQ(*dir_->Resolve("a/./b/../c"), dir_->root() + "/a/c");
}

TEST_F(DataDirTest, RefusesEscapes) {
  for (const char* bad : {"../x", "a/../../x", "/etc/passwd", "", "a\\..\\b"}) {
    auto p = dir_->Resolve(bad, "base_path");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(p.status().details()[0].field, "base_path");
  }
}

TEST_F(DataDirTest, RefusesSymlinkThatLeadsOutside) {
  std::filesystem::create_directory(tmp_.Sub("outside"));
  std::filesystem::create_directory_symlink(tmp_.Sub("outside"),
                                            dir_->root() + "/link");
  EXPECT_FALSE(dir_->Resolve("link/secret").ok());
  EXPECT_FALSE(dir_->Resolve("link").ok());
}

TEST_F(DataDirTest, AcceptsAbsolutePathInsideRootOnlyWithResolveInside) {
  std::string inside = dir_->root() + "/model_storage/x";
  EXPECT_FALSE(dir_->Resolve(inside).ok());
  EXPECT_EQ(*dir_->ResolveInside(inside), inside);
  EXPECT_FALSE(dir_->ResolveInside("/etc/passwd").ok());
  EXPECT_FALSE(dir_->ResolveInside(dir_->root() + "/../escape").ok());
}

}  // namespace
}  // namespace trainyard::store
