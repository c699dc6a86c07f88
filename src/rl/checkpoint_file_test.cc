#include "rl/checkpoint_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/test_support.h"

namespace trainyard::rl {
namespace {

class CheckpointFileTest : public ::testing::Test {
 protected:
  std::string Path() const { return (dir_ / "model.tyrl").string(); }
  testing::TempDir tmp_;
  std::filesystem::path dir_ = tmp_.Sub("ckpt");  // not created up front
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

TEST_F(CheckpointFileTest, RoundTripsMetadataAndPayload) {
  CheckpointFile f{R"({"kind":"policy"})", std::string("\0\1\2xyz", 6)};
  ASSERT_TRUE(WriteCheckpointFile(Path(), f).ok());
  auto r = ReadCheckpointFile(Path());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->meta_json, f.meta_json);
  EXPECT_EQ(r->payload, f.payload);
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_)) (void)e, ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(CheckpointFileTest, FlippedByteIsReportedAsCorruption) {
  ASSERT_TRUE(WriteCheckpointFile(Path(), {"{}", "payload bytes"}).ok());
  std::string data = ReadAll(Path());
  data[data.size() / 2] ^= 0x20;
  WriteAll(Path(), data);
  auto r = ReadCheckpointFile(Path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(r.status().message().find("checksum"), std::string::npos);
}

TEST_F(CheckpointFileTest, TruncatedFileIsReportedAsCorruption) {
  ASSERT_TRUE(WriteCheckpointFile(Path(), {"{}", "payload bytes"}).ok());
  std::string data = ReadAll(Path());
  WriteAll(Path(), data.substr(0, data.size() - 10));
  EXPECT_EQ(ReadCheckpointFile(Path()).status().code(), ErrorCode::kCorruption);
}

TEST_F(CheckpointFileTest, ForeignFileIsNotAModel) {
  std::filesystem::create_directories(dir_);
  WriteAll(Path(), std::string(200, 'x'));
  auto r = ReadCheckpointFile(Path());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
  EXPECT_NE(r.status().message().find("not a valid Trainyard model"),
            std::string::npos);
}

TEST_F(CheckpointFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadCheckpointFile(Path()).status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace trainyard::rl
