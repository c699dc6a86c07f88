#include "store/file_system.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/test_support.h"
#include "store/fault_injecting_file_system.h"

namespace trainyard::store {
namespace {

// The directory's entries other than `except`.
std::vector<std::string> Leftovers(FileSystem& fs, const std::string& dir,
                                   const std::string& except) {
  std::vector<std::string> names = *fs.ListDirectory(dir);
  std::erase(names, except);
  return names;
}

TEST(FileSystemTest, WriteFileAtomicCreatesParentsAndReplacesContent) {
  testing::TempDir tmp;
  PosixFileSystem fs;
  const std::string path = tmp.Sub("a/b/file.bin");
  ASSERT_TRUE(fs.WriteFileAtomic(path, "one").ok());
  ASSERT_TRUE(fs.WriteFileAtomic(path, std::string("t\0o", 3)).ok());
  EXPECT_EQ(*fs.ReadFile(path), std::string("t\0o", 3));
  EXPECT_TRUE(Leftovers(fs, tmp.Sub("a/b"), "file.bin").empty());
}

TEST(FileSystemTest, AFailureBeforeTheRenameLeavesTheOldFileAndNoTemporary) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("model.bin");
  for (WriteStep step : AllWriteSteps()) {
    if (step == WriteStep::kSyncDir) continue;  // after the rename
    SCOPED_TRACE(WriteStepName(step));
    FaultInjectingFileSystem fs;
    ASSERT_TRUE(fs.WriteFileAtomic(path, "precious old content").ok());
    fs.FailAt(step);
    Status s = fs.WriteFileAtomic(path, "new content that must not appear");
    EXPECT_EQ(s.code(), ErrorCode::kIo) << s.ToString();
    EXPECT_EQ(*fs.ReadFile(path), "precious old content");
    EXPECT_TRUE(Leftovers(fs, tmp.path(), "model.bin").empty());
  }
}

TEST(FileSystemTest, AFailedDirectorySyncReportsTheErrorWithTheNewFileWhole) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("model.bin");
  FaultInjectingFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic(path, "old").ok());
  fs.FailAt(WriteStep::kSyncDir);
  EXPECT_EQ(fs.WriteFileAtomic(path, "new").code(), ErrorCode::kIo);
  EXPECT_EQ(*fs.ReadFile(path), "new");
  EXPECT_TRUE(Leftovers(fs, tmp.path(), "model.bin").empty());
}

TEST(FileSystemTest, AFailedFirstWriteLeavesNoFile) {
  testing::TempDir tmp;
  FaultInjectingFileSystem fs(WriteStep::kRename);
  EXPECT_FALSE(fs.WriteFileAtomic(tmp.Sub("new.bin"), "x").ok());
  EXPECT_TRUE(fs.ListDirectory(tmp.path())->empty());
}

TEST(FileSystemTest, ConcurrentWritersOfOnePathEachWinWhole) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("shared.txt");
  const std::string a(100000, 'a'), b(100000, 'b');
  std::vector<std::thread> writers;
  for (int i = 0; i < 4; ++i) {
    writers.emplace_back([&, i] {
      for (int k = 0; k < 20; ++k) {
        ASSERT_TRUE(DefaultFileSystem()->WriteFileAtomic(path, i % 2 ? a : b)
                        .ok());
      }
    });
  }
  for (auto& t : writers) t.join();
  const std::string content = *DefaultFileSystem()->ReadFile(path);
  EXPECT_TRUE(content == a || content == b);
  EXPECT_TRUE(Leftovers(*DefaultFileSystem(), tmp.path(), "shared.txt").empty());
}

TEST(FileSystemTest, TemporaryNamesAreRecognisedAndOthersAreNot) {
  EXPECT_TRUE(IsTemporaryFileName("events.out.tfevents.1.tmp-0123456789ab"));
  EXPECT_FALSE(IsTemporaryFileName("events.out.tfevents.1"));
  EXPECT_FALSE(IsTemporaryFileName("report.tmp"));
  EXPECT_FALSE(IsTemporaryFileName("a.tmp-0123"));
  EXPECT_FALSE(IsTemporaryFileName("a.tmp-0123456789xz"));
}

}  // namespace
}  // namespace trainyard::store
