#include "store/backup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/test_support.h"
#include "store/database.h"
#include "store/tar_archive.h"

namespace trainyard::store {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSchema = {"CREATE TABLE t (x INTEGER)"};

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<DataDir>(*DataDir::Open(tmp_.Sub("home")));
    db_ = std::move(*Database::Open(dir_->database_path(), kSchema));
    auto lock = db_->Lock();
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES (1), (2), (3)").ok());
  }
  void Write(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<std::string> ArchiveNames(const std::string& path) {
    std::vector<std::string> names;
    auto tar = TarReader::Open(path);
    while (true) {
      auto e = (*tar)->Next();
      if (!e.ok() || !e->has_value()) break;
      names.push_back((*e)->name);
    }
    return names;
  }

  testing::TempDir tmp_;
  std::unique_ptr<DataDir> dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(BackupTest, RestoredDirectoryHoldsTheDatabaseAndEveryArtifact) {
  Write(dir_->root() + "/model_storage/ppo/m1/model.pt",
        std::string(70000, 'w'));
  Write(dir_->root() + "/plots/a.png", "png");
  fs::create_directories(dir_->root() + "/datasets");
  auto stats = BackupDataDir(*dir_, db_.get(), tmp_.Sub("b.tar"), nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->files, 3);
  EXPECT_FALSE(fs::exists(tmp_.Sub("b.tar.partial")));
  EXPECT_FALSE(fs::exists(tmp_.Sub("b.tar.db.partial")));

  auto restored = RestoreDataDir(tmp_.Sub("b.tar"), tmp_.Sub("new"), nullptr);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->files, 3);
  EXPECT_EQ(Read(tmp_.Sub("new/model_storage/ppo/m1/model.pt")),
            std::string(70000, 'w'));
  EXPECT_EQ(Read(tmp_.Sub("new/plots/a.png")), "png");
  EXPECT_TRUE(fs::is_directory(tmp_.Sub("new/datasets")));
  auto copy = Database::Open(tmp_.Sub("new/trainyard.db"), kSchema);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  auto lock = (*copy)->Lock();
  auto sum = (*copy)->Prepare("SELECT SUM(x) FROM t");
  ASSERT_TRUE(*sum->Step());
  EXPECT_EQ(sum->ColumnInt(0), 6);
}

TEST_F(BackupTest, ArchiveHoldsOneSnapshotAndNoLiveDatabaseFiles) {
  ASSERT_TRUE(fs::exists(dir_->database_path() + "-wal"));
  fs::create_symlink(dir_->database_path(), dir_->root() + "/alias.db");
  ASSERT_TRUE(BackupDataDir(*dir_, db_.get(), tmp_.Sub("b.tar"), nullptr).ok());
  std::vector<std::string> names = ArchiveNames(tmp_.Sub("b.tar"));
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "trainyard.db");
  EXPECT_EQ(std::count(names.begin(), names.end(), "trainyard.db"), 1);
  for (const auto& n : names) {
    EXPECT_EQ(n.find("-wal"), std::string::npos) << n;
    EXPECT_EQ(n.find("-shm"), std::string::npos) << n;
    EXPECT_NE(n, "alias.db");
  }
}

TEST_F(BackupTest, ArchiveInsideTheDataDirectoryDoesNotContainItself) {
  auto stats =
      BackupDataDir(*dir_, db_.get(), dir_->root() + "/self.tar", nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  for (const auto& n : ArchiveNames(dir_->root() + "/self.tar"))
    EXPECT_EQ(n.find("self.tar"), std::string::npos) << n;
}

TEST_F(BackupTest, ProgressReachesTheTotalOfEachPhase) {
  Write(dir_->root() + "/runs/r1/events", std::string(5000, 'e'));
  std::map<std::string, std::pair<int64_t, int64_t>> last;
  ASSERT_TRUE(
      BackupDataDir(*dir_, db_.get(), tmp_.Sub("b.tar"),
                    [&](const std::string& phase, int64_t done, int64_t total) {
                      last[phase] = {done, total};
                    })
          .ok());
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last["database"].first, last["database"].second);
  EXPECT_EQ(last["files"].first, 5000);
  EXPECT_EQ(last["files"].second, 5000);
}

TEST_F(BackupTest, ExistingArchiveIsNotOverwritten) {
  Write(tmp_.Sub("b.tar"), "keep");
  EXPECT_EQ(BackupDataDir(*dir_, db_.get(), tmp_.Sub("b.tar"), nullptr)
                .status()
                .code(),
            ErrorCode::kConflict);
  EXPECT_EQ(Read(tmp_.Sub("b.tar")), "keep");
}

TEST_F(BackupTest, RestoreRefusesANonEmptyTarget) {
  ASSERT_TRUE(BackupDataDir(*dir_, db_.get(), tmp_.Sub("b.tar"), nullptr).ok());
  Write(tmp_.Sub("busy/keep.txt"), "mine");
  EXPECT_EQ(RestoreDataDir(tmp_.Sub("b.tar"), tmp_.Sub("busy"), nullptr)
                .status()
                .code(),
            ErrorCode::kConflict);
  EXPECT_EQ(Read(tmp_.Sub("busy/keep.txt")), "mine");
}

TEST_F(BackupTest, RestoreIntoAnEmptyExistingDirectoryWorks) {
  ASSERT_TRUE(BackupDataDir(*dir_, db_.get(), tmp_.Sub("b.tar"), nullptr).ok());
  fs::create_directories(tmp_.Sub("empty"));
  EXPECT_TRUE(
      RestoreDataDir(tmp_.Sub("b.tar"), tmp_.Sub("empty"), nullptr).ok());
  EXPECT_TRUE(Database::CheckFile(tmp_.Sub("empty/trainyard.db")).ok());
}

TEST_F(BackupTest, ArchiveWithoutADatabaseIsRefusedAndLeavesNothing) {
  {
    auto tar = TarWriter::Create(tmp_.Sub("other.tar"));
    ASSERT_TRUE((*tar)->AddDirectory("plots", 0).ok());
    ASSERT_TRUE((*tar)->Finish().ok());
  }
  auto r = RestoreDataDir(tmp_.Sub("other.tar"), tmp_.Sub("new"), nullptr);
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
  EXPECT_FALSE(fs::exists(tmp_.Sub("new")));
}

TEST_F(BackupTest, EntriesThatEscapeTheTargetAreRefused) {
  {
    auto tar = TarWriter::Create(tmp_.Sub("evil.tar"));
    ASSERT_TRUE((*tar)->AddDirectory("../outside", 0).ok());
    ASSERT_TRUE((*tar)->Finish().ok());
  }
  auto r = RestoreDataDir(tmp_.Sub("evil.tar"), tmp_.Sub("new"), nullptr);
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
  EXPECT_FALSE(fs::exists(tmp_.Sub("outside")));
}

}  // namespace
}  // namespace trainyard::store
