#include "api/file_response.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/test_support.h"
#include "store/metadata_store.h"

namespace trainyard::api {
namespace {

namespace fs = std::filesystem;

TEST(FileAttachmentResponseTest, NeverOpensTheStoresDatabaseFiles) {
  testing::TempDir tmp;
  auto db = store::OpenSqliteStore(tmp.Sub("trainyard.db"));
  ASSERT_TRUE(db.ok());
  fs::create_symlink(tmp.Sub("trainyard.db"), tmp.Sub("link.png"));
  fs::create_hard_link(tmp.Sub("trainyard.db"), tmp.Sub("hard.png"));
  for (const char* name : {"trainyard.db", "trainyard.db-wal",
                           "trainyard.db-shm", "link.png", "hard.png"}) {
    auto r = FileAttachmentResponse(tmp.Sub(name), name, "image/png");
    EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << name;
  }
}

TEST(FileAttachmentResponseTest, ServesAnOrdinaryFile) {
  testing::TempDir tmp;
  std::ofstream(tmp.Sub("a.csv")) << "x,y\n";
  auto r = FileAttachmentResponse(tmp.Sub("a.csv"), "a.csv", "text/csv");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->stream_size, 4);
}

}  // namespace
}  // namespace trainyard::api
