#include "products/ilp/model_registry.h"

#include <gtest/gtest.h>

#include <memory>

#include "core/test_support.h"
#include "store/metadata_store.h"

namespace trainyard::ilp {
namespace {

class FixedClock final : public Clock {
 public:
  TimePoint Now() const override { return TimePoint(std::chrono::seconds(7)); }
};

class IlpModelRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<store::DataDir>(*store::DataDir::Open(tmp_.path()));
    meta_ = std::move(*store::OpenSqliteStore(":memory:"));
    artifacts_ = std::make_unique<store::ArtifactStore>(
        dir_.get(), &fs_, meta_->artifact_owners());
    workspace_ = std::make_unique<Workspace>(dir_.get());
    registry_ = std::make_unique<IlpModelRegistry>(
        meta_->models(), artifacts_.get(), workspace_.get(), &clock_);
  }
  // Writes `text` into a version's model directory, as a training job would.
  void WritePolicy(const IlpVersion& v, const std::string& text) {
    ASSERT_TRUE(
        artifacts_
            ->Put(dir_->Relative(v.paths.model_dir) + "/policy.tyrl", text)
            .ok());
  }
  testing::TempDir tmp_;
  store::PosixFileSystem fs_;
  FixedClock clock_;
  std::unique_ptr<store::DataDir> dir_;
  std::unique_ptr<store::MetadataStore> meta_;
  std::unique_ptr<store::ArtifactStore> artifacts_;
  std::unique_ptr<Workspace> workspace_;
  std::unique_ptr<IlpModelRegistry> registry_;
};

TEST_F(IlpModelRegistryTest, TwoUsersKeepTheirOwnModelOfTheSameName) {
  IlpVersion a = *registry_->AddVersion("alice", "ppo", "ppo_prod1");
  IlpVersion b = *registry_->AddVersion("bob", "ppo", "ppo_prod1");
  EXPECT_NE(a.paths.model_dir, b.paths.model_dir);
  EXPECT_NE(a.paths.csv_dir, b.paths.csv_dir);
  // Both see the same logical path, each meaning their own model.
  EXPECT_EQ(a.paths.rel_model_dir, "model_storage/ppo/ppo_prod1/v1");
  EXPECT_EQ(b.paths.rel_model_dir, "model_storage/ppo/ppo_prod1/v1");
  EXPECT_EQ(registry_->Find("alice", "ppo", "ppo_prod1", {})->model_id,
            a.model_id);
  EXPECT_EQ(registry_->Find("bob", "ppo", "ppo_prod1", {})->model_id,
            b.model_id);
}

TEST_F(IlpModelRegistryTest, RetrainingAddsAVersionAndKeepsTheOldOne) {
  IlpVersion v1 = *registry_->AddVersion("alice", "ddpg", "m");
  WritePolicy(v1, "good");
  IlpVersion v2 = *registry_->AddVersion("alice", "ddpg", "m");
  EXPECT_EQ(v2.version, 2);
  EXPECT_NE(v1.paths.model_dir, v2.paths.model_dir);
  EXPECT_EQ(
      *artifacts_->Get(dir_->Relative(v1.paths.model_dir) + "/policy.tyrl"),
      "good");
  EXPECT_EQ(registry_->Find("alice", "ddpg", "m", {})->version, 2);
  EXPECT_EQ(registry_->Find("alice", "ddpg", "m", 1)->paths.model_dir,
            v1.paths.model_dir);
  EXPECT_EQ(registry_->Versions("alice", "ddpg", "m")->size(), 2u);
}

TEST_F(IlpModelRegistryTest, AnotherUsersModelIsNotFound) {
  ASSERT_TRUE(registry_->AddVersion("alice", "ppo", "secret").ok());
  EXPECT_EQ(registry_->Find("bob", "ppo", "secret", {}).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(registry_->Find("bob", "ppo", "secret", 1).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(registry_->Find("alice", "ddpg", "secret", {}).status().code(),
            ErrorCode::kNotFound);
}

TEST_F(IlpModelRegistryTest, VersionDirectoriesAreReadableOnlyByTheOwner) {
  IlpVersion v = *registry_->AddVersion("alice", "ppo", "m");
  WritePolicy(v, "weights");
  const std::string file = dir_->Relative(v.paths.model_dir) + "/policy.tyrl";
  EXPECT_TRUE(artifacts_->OpenForRead({"alice"}, file).ok());
  EXPECT_EQ(artifacts_->OpenForRead({"bob"}, file).status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(artifacts_->OpenForRead({"root", true}, file).ok());
}

TEST_F(IlpModelRegistryTest, JobsAndEvaluationsAreKeptPerVersion) {
  IlpVersion v = *registry_->AddVersion("alice", "ppo", "m");
  ASSERT_TRUE(registry_->AttachJob(v, "job-1").ok());
  ASSERT_TRUE(registry_->RecordEvaluation(v, R"({"agent":{}})").ok());
  IlpVersion again = *registry_->Find("alice", "ppo", "m", 1);
  EXPECT_EQ(again.job_id, "job-1");
  EXPECT_EQ(again.evaluation, R"({"agent":{}})");
}

TEST_F(IlpModelRegistryTest, ListsModelsOfBothAlgorithmsPerOwner) {
  ASSERT_TRUE(registry_->AddVersion("alice", "ppo", "a").ok());
  ASSERT_TRUE(registry_->AddVersion("alice", "ddpg", "b").ok());
  ASSERT_TRUE(registry_->AddVersion("bob", "ppo", "c").ok());
  EXPECT_EQ(*registry_->CountModels(std::string("alice")), 2);
  EXPECT_EQ(registry_->Models(std::string("alice"), {1, 10})->size(), 2u);
  EXPECT_EQ(registry_->Models(std::string("alice"), {2, 1})->size(), 1u);
  EXPECT_TRUE(registry_->Models(std::string("alice"), {3, 1})->empty());
  EXPECT_EQ(*registry_->CountModels(std::nullopt), 3);
}

TEST_F(IlpModelRegistryTest, ALegacyDirectoryIsAdoptedOnceByItsNewestOwner) {
  ASSERT_TRUE(artifacts_->Put("model_storage/ppo/old/policy.tyrl", "w").ok());
  EXPECT_TRUE(*registry_->AdoptLegacy("alice", "ppo", "old",
                                      "model_storage/ppo/old",
                                      "model_outdir_csv/ppo/old", "job-9"));
  // Adopting again (every start-up) changes nothing.
  EXPECT_FALSE(*registry_->AdoptLegacy("alice", "ppo", "old",
                                       "model_storage/ppo/old",
                                       "model_outdir_csv/ppo/old", "job-9"));
  // An older job of another user trained into the same directory: the files
  // are alice's, so bob gets no model pointing at them.
  EXPECT_FALSE(*registry_->AdoptLegacy("bob", "ppo", "old",
                                       "model_storage/ppo/old",
                                       "model_outdir_csv/ppo/old", "job-1"));
  EXPECT_EQ(registry_->Find("bob", "ppo", "old", {}).status().code(),
            ErrorCode::kNotFound);
  IlpVersion v = *registry_->Find("alice", "ppo", "old", {});
  EXPECT_EQ(v.paths.model_dir, dir_->root() + "/model_storage/ppo/old");
  EXPECT_EQ(v.paths.rel_model_dir, "model_storage/ppo/old/v1");
  EXPECT_TRUE(
      artifacts_->OpenForRead({"alice"}, "model_storage/ppo/old/policy.tyrl")
          .ok());
}

}  // namespace
}  // namespace trainyard::ilp
