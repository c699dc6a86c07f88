#include "products/ilp/workspace.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/test_support.h"

namespace trainyard::ilp {
namespace {

TEST(ModelNameTest, AcceptsABareNameAndTheStoragePathOfItsAlgorithm) {
  EXPECT_EQ(*ModelNameFromReference("ddpg_fazool", "ddpg", "model_name"),
            "ddpg_fazool");
  EXPECT_EQ(*ModelNameFromReference("model_storage/ddpg/ddpg_fazool", "ddpg",
                                    "model_name"),
            "ddpg_fazool");
  EXPECT_EQ(*ModelNameFromReference("model_storage/ppo/m1/policy.tyrl", "ppo",
                                    "ppo_agent_path"),
            "m1");
}

TEST(ModelNameTest, RejectsOtherAlgorithmsTraversalAndOddCharacters) {
  for (const char* bad : {"model_storage/ppo/x", "../x", "a/b", "", ".hidden",
                          "x y", "model_storage/ddpg/../../etc"}) {
    Result<std::string> r = ModelNameFromReference(bad, "ddpg", "model_name");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(r.status().details()[0].field, "model_name");
  }
}

TEST(ModelReferenceTest, AVersionSuffixSelectsOneVersion) {
  ModelReference r = *ParseModelReference(
      "model_storage/ppo/m1/v12/policy.tyrl", "ppo", "ppo_agent_path");
  EXPECT_EQ(r.name, "m1");
  EXPECT_EQ(r.version, 12);
  r = *ParseModelReference("m1/v3", "ppo", "model_name");
  EXPECT_EQ(r.name, "m1");
  EXPECT_EQ(r.version, 3);
}

TEST(ModelReferenceTest, WithoutAVersionTheCurrentOneIsMeant) {
  ModelReference r = *ParseModelReference("model_storage/ddpg/v2", "ddpg", "f");
  EXPECT_EQ(r.name, "v2");  // a model may be called v2
  EXPECT_FALSE(r.version.has_value());
  EXPECT_FALSE(ParseModelReference("m1", "ddpg", "f")->version.has_value());
}

TEST(ModelReferenceTest, MalformedVersionsAreNotVersions) {
  for (const char* bad :
       {"m1/v0", "m1/v01", "m1/v", "m1/vx", "m1/v1/v2", "m1/v9999999999"}) {
    EXPECT_EQ(ParseModelReference(bad, "ppo", "f").status().code(),
              ErrorCode::kValidation)
        << bad;
  }
}

class WorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = store::DataDir::Open(tmp_.Sub("home"));
    ASSERT_TRUE(dir.ok());
    data_ = std::make_unique<store::DataDir>(std::move(*dir));
  }
  testing::TempDir tmp_;
  std::unique_ptr<store::DataDir> data_;
};

TEST_F(WorkspaceTest, DefaultBaseIsTheDataDirectory) {
  Workspace w(data_.get());
  EXPECT_EQ(w.base(), data_->root());
  ModelPaths p = w.PathsFor("ppo", "m");
  EXPECT_EQ(p.model_dir, data_->root() + "/model_storage/ppo/m");
  EXPECT_EQ(p.rel_csv_dir, "model_outdir_csv/ppo/m");
}

TEST_F(WorkspaceTest, BaseInsideTheDataDirectoryIsCreatedAndUsed) {
  Workspace w(data_.get());
  ASSERT_TRUE(w.SetBase("projects/a").ok());
  EXPECT_EQ(w.base(), data_->root() + "/projects/a");
  EXPECT_TRUE(std::filesystem::is_directory(w.base()));
  EXPECT_EQ(*w.Resolve("model_outdir_csv/x/f.csv", "file_path"),
            data_->root() + "/projects/a/model_outdir_csv/x/f.csv");
  ASSERT_TRUE(w.SetBase(data_->root() + "/projects").ok());  // absolute inside
  EXPECT_EQ(w.base(), data_->root() + "/projects");
  w.Reset();
  EXPECT_EQ(w.base(), data_->root());
}

TEST_F(WorkspaceTest, BaseOutsideTheDataDirectoryIsRefused) {
  Workspace w(data_.get());
  for (const char* bad : {"/etc", "../outside", "a/../../b", "/"}) {
    Status s = w.SetBase(bad);
    EXPECT_EQ(s.code(), ErrorCode::kValidation) << bad;
  }
  EXPECT_EQ(w.base(), data_->root());
}

TEST_F(WorkspaceTest, ResolveRefusesEscapes) {
  Workspace w(data_.get());
  ASSERT_TRUE(w.SetBase("p").ok());
  // "../x" from the base p stays inside the data directory: allowed.
  EXPECT_TRUE(w.Resolve("../x", "file_path").ok());
  EXPECT_EQ(w.Resolve("../../x", "file_path").status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(w.Resolve("/etc/passwd", "file_path").status().code(),
            ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::ilp
