#include "store/tar_archive.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/test_support.h"

namespace trainyard::store {
namespace {

class TarArchiveTest : public ::testing::Test {
 protected:
  // Adds a file holding `content` to `tar` as `name`.
  void AddContent(TarWriter* tar, const std::string& name,
                  const std::string& content) {
    const std::string src = tmp_.Sub("src");
    std::ofstream(src, std::ios::binary) << content;
    int fd = ::open(src.c_str(), O_RDONLY);
    ASSERT_TRUE(tar->AddFile(name, fd, static_cast<int64_t>(content.size()),
                             1700000000, 0640)
                    .ok());
    ::close(fd);
  }
  std::string ReadBack(TarReader* tar) {
    const std::string dst = tmp_.Sub("dst");
    int fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_TRUE(tar->CopyDataTo(fd).ok());
    ::close(fd);
    std::ifstream in(dst, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  testing::TempDir tmp_;
};

TEST_F(TarArchiveTest, FilesAndDirectoriesRoundTrip) {
  const std::string long_name =
      "model_storage/studio/" + std::string(150, 'n') + "/v1.json";
  {
    auto tar = TarWriter::Create(tmp_.Sub("a.tar"));
    ASSERT_TRUE(tar.ok());
    ASSERT_TRUE((*tar)->AddDirectory("plots", 0).ok());
    AddContent(tar->get(), "plots/p.png", std::string(1000, '\x89'));
    AddContent(tar->get(), long_name, "{}");
    AddContent(tar->get(), "empty", "");
    ASSERT_TRUE((*tar)->Finish().ok());
  }
  auto tar = TarReader::Open(tmp_.Sub("a.tar"));
  ASSERT_TRUE(tar.ok());
  auto e = (*tar)->Next();
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->name, "plots");
  EXPECT_EQ((*e)->type, '5');
  e = (*tar)->Next();
  EXPECT_EQ((*e)->name, "plots/p.png");
  EXPECT_EQ((*e)->mode & 0777, 0640);
  EXPECT_EQ((*e)->mtime, 1700000000);
  EXPECT_EQ(ReadBack(tar->get()), std::string(1000, '\x89'));
  e = (*tar)->Next();
  EXPECT_EQ((*e)->name, long_name);  // not read: Next skips its data
  e = (*tar)->Next();
  EXPECT_EQ((*e)->name, "empty");
  EXPECT_EQ(ReadBack(tar->get()), "");
  e = (*tar)->Next();
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has_value());
}

TEST_F(TarArchiveTest, SystemTarListsTheArchive) {
  const std::string long_name = "runs/" + std::string(120, 'r') + "/events";
  {
    auto tar = TarWriter::Create(tmp_.Sub("a.tar"));
    AddContent(tar->get(), long_name, "abc");
    ASSERT_TRUE((*tar)->Finish().ok());
  }
  const std::string cmd =
      "tar -tf " + tmp_.Sub("a.tar") + " > " + tmp_.Sub("list") + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(tmp_.Sub("list"));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, long_name);
}

TEST_F(TarArchiveTest, ExistingArchiveIsNotOverwritten) {
  std::ofstream(tmp_.Sub("a.tar")) << "keep";
  EXPECT_EQ(TarWriter::Create(tmp_.Sub("a.tar")).status().code(),
            ErrorCode::kConflict);
}

TEST_F(TarArchiveTest, DamagedHeaderIsCorruption) {
  {
    auto tar = TarWriter::Create(tmp_.Sub("a.tar"));
    AddContent(tar->get(), "f", "abc");
    ASSERT_TRUE((*tar)->Finish().ok());
  }
  {
    std::fstream f(tmp_.Sub("a.tar"),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('g');
  }
  auto tar = TarReader::Open(tmp_.Sub("a.tar"));
  EXPECT_EQ((*tar)->Next().status().code(), ErrorCode::kCorruption);
}

TEST_F(TarArchiveTest, TruncatedArchiveIsCorruption) {
  {
    auto tar = TarWriter::Create(tmp_.Sub("a.tar"));
    AddContent(tar->get(), "f", std::string(5000, 'x'));
    ASSERT_TRUE((*tar)->Finish().ok());
  }
  std::filesystem::resize_file(tmp_.Sub("a.tar"), 2048);
  auto tar = TarReader::Open(tmp_.Sub("a.tar"));
  ASSERT_TRUE((*tar)->Next().ok());
  EXPECT_EQ((*tar)->Next().status().code(), ErrorCode::kCorruption);
}

}  // namespace
}  // namespace trainyard::store
