#include "store/artifact_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/test_support.h"
#include "store/fault_injecting_file_system.h"
#include "store/metadata_store.h"

namespace trainyard::store {
namespace {

TEST(ArtifactStoreTest, PutThenGetRoundTripsWithChecksum) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.path());
  PosixFileSystem fs;
  ArtifactStore store(&dir, &fs);
  auto info = store.Put("plots/a.png", "abc");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->path, "plots/a.png");
  EXPECT_EQ(info->sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(*store.Get("plots/a.png"), "abc");
  EXPECT_EQ(*store.List("plots"), std::vector<std::string>{"a.png"});
}

TEST(ArtifactStoreTest, OverwriteLeavesNoTemporaryFiles) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.path());
  PosixFileSystem fs;
  ArtifactStore store(&dir, &fs);
  ASSERT_TRUE(store.Put("m/model.bin", "one").ok());
  ASSERT_TRUE(store.Put("m/model.bin", "two").ok());
  EXPECT_EQ(*store.Get("m/model.bin"), "two");
  EXPECT_EQ(store.List("m")->size(), 1u);
}

TEST(ArtifactStoreTest, FailedWriteKeepsTheOldContent) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.path());
  PosixFileSystem real;
  ASSERT_TRUE(ArtifactStore(&dir, &real).Put("m/model.bin", "precious").ok());
  for (WriteStep step : AllWriteSteps()) {
    if (step == WriteStep::kSyncDir) break;  // after the rename: new content
    FaultInjectingFileSystem failing(step);
    ArtifactStore store(&dir, &failing);
    EXPECT_EQ(store.Put("m/model.bin", "new").status().code(), ErrorCode::kIo)
        << WriteStepName(step);
    EXPECT_EQ(*store.Get("m/model.bin"), "precious") << WriteStepName(step);
  }
}

TEST(ArtifactStoreTest, RefusesPathsOutsideTheDataDirectory) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.Sub("home"));
  PosixFileSystem fs;
  ArtifactStore store(&dir, &fs);
  EXPECT_EQ(store.Put("../evil", "x").status().code(), ErrorCode::kValidation);
  EXPECT_EQ(store.Get("/etc/passwd").status().code(), ErrorCode::kValidation);
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("evil")));
}

TEST(ArtifactStoreTest, MissingArtifactIsNotFound) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.path());
  PosixFileSystem fs;
  ArtifactStore store(&dir, &fs);
  EXPECT_EQ(store.Get("nope").status().code(), ErrorCode::kNotFound);
}

// An artifact store over a real data directory and an in-memory owner table,
// with model directories of two users.
class ArtifactOwnershipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<DataDir>(*DataDir::Open(tmp_.path()));
    meta_ = std::move(*OpenSqliteStore(":memory:"));
    store_ = std::make_unique<ArtifactStore>(dir_.get(), &fs_,
                                             meta_->artifact_owners());
    ASSERT_TRUE(
        store_->Put("model_storage/ppo/alice/m1/v1/policy.tyrl", "A").ok());
    ASSERT_TRUE(
        store_->Put("model_storage/ppo/bob/m1/v1/policy.tyrl", "B").ok());
    ASSERT_TRUE(
        store_->Claim("model_storage/ppo/alice/m1", "alice", "ilp.ppo", 1)
            .ok());
    ASSERT_TRUE(
        store_->Claim("model_storage/ppo/bob/m1", "bob", "ilp.ppo", 1).ok());
  }
  ErrorCode ReadCode(const Reader& r, const std::string& path) {
    return store_->OpenForRead(r, path).status().code();
  }
  testing::TempDir tmp_;
  PosixFileSystem fs_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<MetadataStore> meta_;
  std::unique_ptr<ArtifactStore> store_;
};

TEST_F(ArtifactOwnershipTest, OwnerReadsAFileUnderTheirClaim) {
  auto info = store_->OpenForRead({"alice"},
                                  "model_storage/ppo/alice/m1/v1/policy.tyrl");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 1);
  EXPECT_EQ(info->absolute,
            dir_->root() + "/model_storage/ppo/alice/m1/v1/policy.tyrl");
}

TEST_F(ArtifactOwnershipTest, AnotherUserGetsNotFound) {
  EXPECT_EQ(ReadCode({"bob"}, "model_storage/ppo/alice/m1/v1/policy.tyrl"),
            ErrorCode::kNotFound);
}

TEST_F(ArtifactOwnershipTest, AdminReadsEveryClaimedFile) {
  EXPECT_TRUE(store_
                  ->OpenForRead({"root", true},
                                "model_storage/ppo/bob/m1/v1/policy.tyrl")
                  .ok());
}

TEST_F(ArtifactOwnershipTest, UnclaimedFilesAreNotFoundEvenForAdmins) {
  ASSERT_TRUE(store_->Put("datasets/prices.csv", "x").ok());
  EXPECT_EQ(ReadCode({"root", true}, "datasets/prices.csv"),
            ErrorCode::kNotFound);
}

TEST_F(ArtifactOwnershipTest, TheDatabaseIsNeverReadable) {
  // Put refuses the database's name too (store/internal_files.h).
  EXPECT_EQ(store_->Put("trainyard.db", "x").status().code(),
            ErrorCode::kNotFound);
  std::ofstream(dir_->database_path()) << "SQLite format 3";
  EXPECT_EQ(ReadCode({"root", true}, "trainyard.db"), ErrorCode::kNotFound);
  EXPECT_EQ(ReadCode({"root", true}, "./trainyard.db"), ErrorCode::kNotFound);
  EXPECT_EQ(ReadCode({"root", true}, "model_storage/../trainyard.db"),
            ErrorCode::kNotFound);
}

TEST_F(ArtifactOwnershipTest, TheDataDirectoryItselfCannotBeClaimed) {
  EXPECT_EQ(store_->Claim(".", "alice", "x", 1).code(), ErrorCode::kValidation);
  EXPECT_EQ(store_->Claim("a/..", "alice", "x", 1).code(),
            ErrorCode::kValidation);
}

TEST_F(ArtifactOwnershipTest, AClaimedPathCannotBeTakenByAnotherOwner) {
  EXPECT_EQ(store_->Claim("model_storage/ppo/alice/m1", "bob", "x", 2).code(),
            ErrorCode::kConflict);
  EXPECT_TRUE(
      store_->Claim("model_storage/ppo/alice/m1", "alice", "x", 2).ok());
}

TEST_F(ArtifactOwnershipTest, TheLongestClaimDecides) {
  // An admin-claimed parent does not hide a user's claim below it.
  ASSERT_TRUE(store_->Claim("model_storage", "root", "all", 1).ok());
  EXPECT_TRUE(
      store_->OpenForRead({"bob"}, "model_storage/ppo/bob/m1/v1/policy.tyrl")
          .ok());
  EXPECT_EQ(store_->OwnerOf("model_storage/ppo/bob/m1/v1")->value().owner_id,
            "bob");
}

TEST_F(ArtifactOwnershipTest, DirectoriesAndSymlinksAreNotServed) {
  EXPECT_EQ(ReadCode({"alice"}, "model_storage/ppo/alice/m1/v1"),
            ErrorCode::kNotFound);
  std::filesystem::create_symlink(
      tmp_.path() + "/model_storage/ppo/bob/m1/v1/policy.tyrl",
      tmp_.path() + "/model_storage/ppo/alice/m1/v1/link.tyrl");
  EXPECT_EQ(ReadCode({"alice"}, "model_storage/ppo/alice/m1/v1/link.tyrl"),
            ErrorCode::kNotFound);
}

TEST_F(ArtifactOwnershipTest, PathsOutsideTheDataDirectoryAreRefused) {
  EXPECT_EQ(ReadCode({"alice"}, "../etc/passwd"), ErrorCode::kValidation);
}

TEST(ArtifactStoreTest, WithoutAnOwnerStoreNothingIsReadable) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.path());
  PosixFileSystem fs;
  ArtifactStore store(&dir, &fs);
  ASSERT_TRUE(store.Put("m/a.csv", "x").ok());
  EXPECT_EQ(store.OpenForRead({"u", true}, "m/a.csv").status().code(),
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace trainyard::store
