// Files written under one data directory and read through another, both on
// one metadata database: two hosts of a scale-out deployment
// (docs/scale-out.md), on each backend.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/test_support.h"
#include "store/artifact_store.h"
#include "store/fault_injecting_file_system.h"
#include "store/test_backends.h"

namespace trainyard::store {
namespace {

// One process: its own data directory and connection to the shared
// database.
struct Host {
  std::unique_ptr<DataDir> dir;
  std::unique_ptr<MetadataStore> meta;
  std::unique_ptr<ArtifactStore> artifacts;
};

class ArtifactReplicationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!test_db_.available()) GTEST_SKIP() << test_db_.skip_reason();
    a_ = OpenHost("a");
    b_ = OpenHost("b");
    ASSERT_TRUE(a_.artifacts && b_.artifacts);
  }
  Host OpenHost(const std::string& name) {
    Host h;
    h.dir = std::make_unique<DataDir>(*DataDir::Open(tmp_.Sub(name)));
    auto meta = test_db_.OpenStore(tmp_.Sub("shared.db"));
    EXPECT_TRUE(meta.ok()) << meta.status().ToString();
    if (!meta.ok()) return h;
    h.meta = std::move(*meta);
    h.artifacts = std::make_unique<ArtifactStore>(
        h.dir.get(), &fs_, h.meta->artifact_owners(), h.meta->artifact_blobs());
    return h;
  }
  // Writes `data` at `relative` on `host`, in a directory alice owns.
  void Write(Host& host, const std::string& relative, const std::string& data) {
    ASSERT_TRUE(host.artifacts->Put(relative, data).ok());
    ASSERT_TRUE(host.artifacts->Claim("m", "alice", "test", 1).ok());
  }
  // The content OpenForRead gives `reader` on `host`, or the error's code.
  std::string ReadAs(Host& host, const std::string& reader,
                     const std::string& relative) {
    auto info = host.artifacts->OpenForRead({reader}, relative);
    if (!info.ok()) return ErrorCodeName(info.status().code());
    std::ifstream in(info->absolute, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // The modification time of `relative` on `host`, unix ms.
  static int64_t ModifiedMs(Host& host, const std::string& relative) {
    struct stat st {};
    EXPECT_EQ(stat((host.dir->root() + "/" + relative).c_str(), &st), 0);
    return int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1000000;
  }
  testing::TempDir tmp_;
  testdb::TestDatabase test_db_{GetParam()};
  FaultInjectingFileSystem fs_;  // counts reads
  Host a_, b_;
};

TEST_P(ArtifactReplicationTest, APublishedFileIsReadableOnAnotherHost) {
  Write(a_, "m/v1/model.json", "{\"trees\": 3}");
  ASSERT_EQ(*a_.artifacts->Publish("m", 10), 1);
  EXPECT_EQ(ReadAs(b_, "alice", "m/v1/model.json"), "{\"trees\": 3}");
}

TEST_P(ArtifactReplicationTest, AnUnpublishedFileIsNotFoundOnAnotherHost) {
  Write(a_, "m/v1/model.json", "x");
  EXPECT_EQ(ReadAs(b_, "alice", "m/v1/model.json"), "RESOURCE_NOT_FOUND");
}

TEST_P(ArtifactReplicationTest, OwnershipHoldsForPublishedCopies) {
  Write(a_, "m/v1/model.json", "x");
  ASSERT_TRUE(a_.artifacts->Publish("m", 10).ok());
  EXPECT_EQ(ReadAs(b_, "bob", "m/v1/model.json"), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(b_.artifacts->OpenForRead({"root", true}, "m/v1/model.json").ok(),
            true);
}

TEST_P(ArtifactReplicationTest, PublishCopiesOnlyWhatChanged) {
  Write(a_, "m/v1/model.json", "one");
  Write(a_, "m/v1/log.csv", "step\n");
  EXPECT_EQ(*a_.artifacts->Publish("m", 10), 2);
  EXPECT_EQ(*a_.artifacts->Publish("m", 11), 0);
  Write(a_, "m/v1/log.csv", "step\n1\n");
  EXPECT_EQ(*a_.artifacts->Publish("m", 12), 1);
  EXPECT_EQ(ReadAs(b_, "alice", "m/v1/log.csv"), "step\n1\n");
}

// A job's folder is published at every checkpoint: files not written
// since their last publication are not even read again.
TEST_P(ArtifactReplicationTest,
       PublishDoesNotReadFilesUnchangedSincePublished) {
  Write(a_, "m/v1/model.json", "one");
  Write(a_, "m/v1/log.csv", "step\n");
  const int64_t later = ModifiedMs(a_, "m/v1/log.csv") + 1000;
  ASSERT_EQ(*a_.artifacts->Publish("m", later), 2);
  const int64_t reads = fs_.reads();
  EXPECT_EQ(*a_.artifacts->Publish("m", later + 1), 0);
  EXPECT_EQ(fs_.reads(), reads);
}

// Market data lives at a fixed path that any host may re-import: Refresh
// replaces an older local copy (Fetch never replaces one).
TEST_P(ArtifactReplicationTest,
       RefreshReplacesALocalCopyOlderThanThePublished) {
  Write(a_, "datasets/X.csv", "day,close\n1,10\n");
  ASSERT_EQ(*a_.artifacts->Publish("datasets/X.csv", 1000), 1);
  ASSERT_EQ(*b_.artifacts->Refresh("datasets/X.csv"), 1);
  EXPECT_EQ(*b_.artifacts->Get("datasets/X.csv"), "day,close\n1,10\n");
  // Re-imported on a later millisecond than b's copy was written.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int64_t later = SystemClock::Default()->NowMillis();
  ASSERT_GT(later, ModifiedMs(b_, "datasets/X.csv"));
  Write(a_, "datasets/X.csv", "day,close\n1,10\n2,11\n");
  ASSERT_EQ(*a_.artifacts->Publish("datasets/X.csv", later), 1);
  EXPECT_EQ(*b_.artifacts->Fetch("datasets/X.csv"), 0);
  ASSERT_EQ(*b_.artifacts->Refresh("datasets/X.csv"), 1);
  EXPECT_EQ(*b_.artifacts->Get("datasets/X.csv"), "day,close\n1,10\n2,11\n");
  EXPECT_EQ(*b_.artifacts->Refresh("datasets/X.csv"), 0);  // now current
}

TEST_P(ArtifactReplicationTest, RefreshKeepsALocalCopyNewerThanThePublished) {
  Write(a_, "datasets/X.csv", "old");
  ASSERT_EQ(*a_.artifacts->Publish("datasets/X.csv", 1000), 1);
  Write(b_, "datasets/X.csv", "newer here");
  EXPECT_EQ(*b_.artifacts->Refresh("datasets/X.csv"), 0);
  EXPECT_EQ(*b_.artifacts->Get("datasets/X.csv"), "newer here");
}

TEST_P(ArtifactReplicationTest, PublishSkipsTemporaryFilesAndLinks) {
  Write(a_, "m/v1/model.json", "x");
  std::ofstream(a_.dir->root() + "/m/v1/model.json.tmp-0123456789ab") << "half";
  std::filesystem::create_symlink("/etc/passwd",
                                  a_.dir->root() + "/m/v1/passwd");
  EXPECT_EQ(*a_.artifacts->Publish("m", 10), 1);
  EXPECT_EQ(ReadAs(b_, "alice", "m/v1/passwd"), "RESOURCE_NOT_FOUND");
}

TEST_P(ArtifactReplicationTest, FetchWritesMissingFilesAndKeepsLocalOnes) {
  Write(a_, "m/v1/model.json", "trained on a");
  Write(a_, "m/v1/extra.bin", std::string("\0\1\2", 3));
  ASSERT_TRUE(a_.artifacts->Publish("m", 10).ok());
  Write(b_, "m/v1/model.json", "b's own");
  EXPECT_EQ(*b_.artifacts->Fetch("m/v1"), 1);
  EXPECT_EQ(*b_.artifacts->Get("m/v1/model.json"), "b's own");
  EXPECT_EQ(*b_.artifacts->Get("m/v1/extra.bin"), std::string("\0\1\2", 3));
  EXPECT_EQ(*b_.artifacts->Fetch("m/v1"), 0);
}

TEST_P(ArtifactReplicationTest,
       ANewerPublishedCopyIsServedOverAnOlderLocalOne) {
  Write(b_, "m/log.csv", "old");
  const std::string local = b_.dir->root() + "/m/log.csv";
  struct utimbuf old_time {
    1000, 1000
  };  // 1970: older than any publish
  ASSERT_EQ(::utime(local.c_str(), &old_time), 0);
  Write(a_, "m/log.csv", "new");
  ASSERT_TRUE(a_.artifacts->Publish("m", 2'000'000).ok());
  EXPECT_EQ(ReadAs(b_, "alice", "m/log.csv"), "new");
}

TEST_P(ArtifactReplicationTest, ALocalFileNewerThanItsCopyIsServedAsIs) {
  Write(a_, "m/log.csv", "published");
  ASSERT_TRUE(a_.artifacts->Publish("m", 1000).ok());  // 1970
  Write(a_, "m/log.csv", "still being written");
  EXPECT_EQ(ReadAs(a_, "alice", "m/log.csv"), "still being written");
}

TEST_P(ArtifactReplicationTest, LargeFilesRoundTripThroughSeveralChunks) {
  std::string data;
  for (int i = 0; i < 2 * kArtifactChunkBytes + 12345; ++i)
    data += static_cast<char>((i * 7919) & 0xff);  // every byte value, NULs
  Write(a_, "m/big.bin", data);
  ASSERT_EQ(*a_.artifacts->Publish("m", 10), 1);
  auto blob = b_.meta->artifact_blobs()->Stat("m/big.bin");
  ASSERT_TRUE(blob.ok() && *blob);
  EXPECT_EQ((*blob)->size, static_cast<int64_t>(data.size()));
  EXPECT_EQ((*blob)->sha256, Sha256Hex(data));
  EXPECT_EQ(ReadAs(b_, "alice", "m/big.bin") == data, true);
}

TEST_P(ArtifactReplicationTest, AnEmptyFileRoundTrips) {
  Write(a_, "m/empty", "");
  ASSERT_EQ(*a_.artifacts->Publish("m", 10), 1);
  EXPECT_EQ(ReadAs(b_, "alice", "m/empty"), "");
}

TEST_P(ArtifactReplicationTest, ListingIsExactAboutDirectoryPrefixes) {
  auto* blobs = a_.meta->artifact_blobs();
  for (const char* p : {"m/a/x", "m/ab/x", "M/a/y", "m/a_/z", "m/a"}) {
    ASSERT_TRUE(blobs->Put({p, Sha256Hex(""), 0, 1}, "").ok()) << p;
  }
  auto listed = blobs->List("m/a");
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> paths;
  for (const auto& b : *listed) paths.push_back(b.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"m/a", "m/a/x"}));
}

TEST_P(ArtifactReplicationTest, TheDataDirectoryItselfIsNeverPublished) {
  EXPECT_EQ(a_.artifacts->Publish(".", 1).status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(a_.artifacts->Fetch(".").status().code(), ErrorCode::kValidation);
}

TEST(ArtifactReplicationWithoutBlobsTest, PublishAndFetchDoNothing) {
  testing::TempDir tmp;
  DataDir dir = *DataDir::Open(tmp.path());
  PosixFileSystem fs;
  ArtifactStore store(&dir, &fs);
  ASSERT_TRUE(store.Put("m/x", "1").ok());
  EXPECT_EQ(*store.Publish("m", 1), 0);
  EXPECT_EQ(*store.Fetch("m"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ArtifactReplicationTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store
