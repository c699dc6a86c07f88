#include "store/artifact_store.h"

#include <gtest/gtest.h>

#include "core/test_support.h"

namespace trainyard::store {
namespace {

// Fails every atomic write after writing nothing: the old content must stay.
class FailingWritesFileSystem final : public FileSystem {
 public:
  Status WriteFileAtomic(const std::string&, const std::string&) override {
    return IoError("injected: disk full");
  }
  Result<std::string> ReadFile(const std::string& p) override {
    return real_.ReadFile(p);
  }
  Status CreateDirectories(const std::string& p) override {
    return real_.CreateDirectories(p);
  }
  bool Exists(const std::string& p) override { return real_.Exists(p); }
  Status RemoveAll(const std::string& p) override { return real_.RemoveAll(p); }
  Result<std::vector<std::string>> ListDirectory(
      const std::string& p) override {
    return real_.ListDirectory(p);
  }

 private:
  PosixFileSystem real_;
};

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
  FailingWritesFileSystem failing;
  ArtifactStore store(&dir, &failing);
  EXPECT_EQ(store.Put("m/model.bin", "new").status().code(), ErrorCode::kIo);
  EXPECT_EQ(*store.Get("m/model.bin"), "precious");
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

}  // namespace
}  // namespace trainyard::store
