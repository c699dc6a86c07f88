#include "store/internal_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/test_support.h"
#include "store/artifact_store.h"
#include "store/data_dir.h"
#include "store/database.h"

namespace trainyard::store {
namespace {

namespace fs = std::filesystem;

class InternalFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<DataDir>(*DataDir::Open(tmp_.Sub("home")));
    db_ = std::move(
        *Database::Open(dir_->database_path(), {"CREATE TABLE t (x INTEGER)"}));
  }
  std::string Home(const std::string& rel) const {
    return dir_->root() + "/" + rel;
  }

  testing::TempDir tmp_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(InternalFilesTest, OpenDatabaseAndItsCompanionsAreInternal) {
  for (const char* suffix : kDatabaseFileSuffixes) {
    EXPECT_TRUE(IsInternalFile(dir_->database_path() + suffix)) << suffix;
  }
}

TEST_F(InternalFilesTest, OtherFilesBesideTheDatabaseAreNot) {
  std::ofstream(Home("trainyard.db.txt")) << "x";
  EXPECT_FALSE(IsInternalFile(Home("trainyard.db.txt")));
  EXPECT_FALSE(IsInternalFile(Home("model_storage/trainyard.db")));
  EXPECT_FALSE(IsInternalFile(dir_->root()));
}

TEST_F(InternalFilesTest, RelativeAndDottedSpellingsAreInternal) {
  fs::create_directories(Home("a/b"));
  EXPECT_TRUE(IsInternalFile(Home("./trainyard.db")));
  EXPECT_TRUE(IsInternalFile(Home("a/b/../../trainyard.db-wal")));
  EXPECT_TRUE(IsInternalFile(Home("a/../trainyard.db-journal")));
  const fs::path cwd = fs::current_path();
  fs::current_path(Home("a"));
  EXPECT_TRUE(IsInternalFile("../trainyard.db-shm"));
  fs::current_path(cwd);
}

TEST_F(InternalFilesTest, SymlinksToTheFileOrADirectoryAreInternal) {
  fs::create_symlink(dir_->database_path(), Home("alias.db"));
  fs::create_symlink(dir_->root(), Home("loop"));
  fs::create_symlink(dir_->database_path() + "-journal", Home("dangling"));
  EXPECT_TRUE(IsInternalFile(Home("alias.db")));
  EXPECT_TRUE(IsInternalFile(Home("loop/trainyard.db-wal")));
  EXPECT_TRUE(IsInternalFile(Home("loop/loop/alias.db")));
  EXPECT_TRUE(IsInternalFile(Home("dangling")))
      << "writing through it would create the journal";
}

TEST_F(InternalFilesTest, HardLinksAreInternalButCopiesAreNot) {
  fs::create_directories(Home("plots"));
  fs::create_hard_link(dir_->database_path(), Home("plots/innocent.png"));
  fs::copy_file(dir_->database_path(), Home("plots/copy.db"));
  EXPECT_TRUE(IsInternalFile(Home("plots/innocent.png")));
  EXPECT_FALSE(IsInternalFile(Home("plots/copy.db")));
}

TEST_F(InternalFilesTest, ForgottenOnceTheDatabaseCloses) {
  db_.reset();
  EXPECT_FALSE(IsInternalFile(dir_->database_path()));
}

TEST_F(InternalFilesTest, TwoConnectionsStayInternalUntilBothClose) {
  auto second =
      Database::Open(dir_->database_path(), {"CREATE TABLE t (x INTEGER)"});
  ASSERT_TRUE(second.ok());
  db_.reset();
  EXPECT_TRUE(IsInternalFile(dir_->database_path()));
  second->reset();
  EXPECT_FALSE(IsInternalFile(dir_->database_path()));
}

TEST_F(InternalFilesTest, DataDirResolvesDatabaseFilesAsNotFound) {
  fs::create_symlink(dir_->root(), Home("loop"));
  for (const char* p :
       {"trainyard.db", "./trainyard.db-wal", "plots/../trainyard.db-shm",
        "trainyard.db-journal", "loop/trainyard.db", "trainyard.db/"}) {
    auto r = dir_->Resolve(p);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << p;
    EXPECT_EQ(dir_->ResolveInside(Home(p)).status().code(),
              ErrorCode::kNotFound)
        << p;
  }
}

TEST_F(InternalFilesTest, DataDirRefusesTheDatabaseNameEvenWhenNotOpen) {
  db_.reset();
  EXPECT_EQ(dir_->Resolve("trainyard.db-wal").status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(dir_->Resolve("plots/trainyard.db").ok());
}

TEST_F(InternalFilesTest, ArtifactStoreNeitherReadsNorReplacesTheDatabase) {
  PosixFileSystem fs;
  ArtifactStore artifacts(dir_.get(), &fs);
  EXPECT_EQ(artifacts.Get("trainyard.db").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(artifacts.Put("trainyard.db", "x").status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(artifacts.Remove("trainyard.db-wal").code(), ErrorCode::kNotFound);
  EXPECT_EQ(fs.ReadFile(dir_->database_path()).status().code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(fs::exists(dir_->database_path() + "-wal"));
  auto lock = db_->Lock();
  EXPECT_TRUE(db_->Exec("INSERT INTO t VALUES (1)").ok());
}

}  // namespace
}  // namespace trainyard::store
