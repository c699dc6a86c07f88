#include "products/ilp/model_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

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
        meta_->models(), meta_->jobs(), artifacts_.get(), workspace_.get(),
        &clock_);
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

// The published copies, counting how often they are listed (one listing per
// directory ArtifactStore::Fetch looks at).
class CountingBlobs final : public store::ArtifactBlobStore {
 public:
  explicit CountingBlobs(store::ArtifactBlobStore* inner) : inner_(inner) {}
  Status Put(const store::ArtifactBlob& blob, std::string_view data) override {
    return inner_->Put(blob, data);
  }
  Result<std::optional<store::ArtifactBlob>> Stat(
      const std::string& path) override {
    return inner_->Stat(path);
  }
  Result<std::string> Read(const std::string& path) override {
    return inner_->Read(path);
  }
  Result<std::vector<store::ArtifactBlob>> List(
      const std::string& dir) override {
    ++listings;
    return inner_->List(dir);
  }
  std::atomic<int> listings{0};

 private:
  store::ArtifactBlobStore* inner_;
};

// Two hosts on one database, each with its own data directory: a worker
// trains and publishes, an API server ("here") looks models up.
class IlpModelFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    meta_ = std::move(*store::OpenSqliteStore(":memory:"));
    blobs_ = std::make_unique<CountingBlobs>(meta_->artifact_blobs());
    worker_ = std::make_unique<Host>(worker_dir_.path(), meta_.get(),
                                     meta_->artifact_blobs(), &clock_);
    here_ = std::make_unique<Host>(here_dir_.path(), meta_.get(), blobs_.get(),
                                   &clock_);
  }
  struct Host {
    Host(const std::string& root, store::MetadataStore* meta,
         store::ArtifactBlobStore* blobs, const Clock* clock)
        : dir(*store::DataDir::Open(root)),
          artifacts(&dir, &fs, meta->artifact_owners(), blobs),
          workspace(&dir),
          registry(meta->models(), meta->jobs(), &artifacts, &workspace,
                   clock) {}
    store::PosixFileSystem fs;
    store::DataDir dir;
    store::ArtifactStore artifacts;
    Workspace workspace;
    IlpModelRegistry registry;
  };

  // A version of alice's "m" trained on the worker by job `job_id`, its
  // files published; the job is left running.
  IlpVersion TrainOnWorker(const std::string& job_id) {
    IlpVersion v = *worker_->registry.AddVersion("alice", "ppo", "m");
    store::JobRecord job;
    job.id = job_id;
    job.type = "ilp.ppo.train";
    EXPECT_TRUE(meta_->jobs()->Insert(job, 1).ok());
    EXPECT_TRUE(meta_->jobs()->ClaimNext({job.type}, "worker", 99, 2).ok());
    EXPECT_TRUE(worker_->registry.AttachJob(v, job_id).ok());
    const std::string model_dir = worker_->dir.Relative(v.paths.model_dir);
    EXPECT_TRUE(
        worker_->artifacts.Put(model_dir + "/" + kActorFile, "weights").ok());
    EXPECT_TRUE(worker_->artifacts.Publish(model_dir, 3).ok());
    return v;
  }
  void Complete(const std::string& job_id) {
    ASSERT_TRUE(meta_->jobs()
                    ->Finish(job_id, "worker", store::JobStatus::kCompleted,
                             "{}", "", 4)
                    .ok());
  }
  // The policy file of `v`, relative to either data directory.
  std::string PolicyHere(const IlpVersion& v) {
    return worker_->dir.Relative(v.paths.model_dir) + "/" + kActorFile;
  }

  testing::TempDir worker_dir_;
  testing::TempDir here_dir_;
  FixedClock clock_;
  std::unique_ptr<store::MetadataStore> meta_;
  std::unique_ptr<CountingBlobs> blobs_;
  std::unique_ptr<Host> worker_;
  std::unique_ptr<Host> here_;
};

TEST_F(IlpModelFetchTest, AFinishedVersionIsFetchedOncePerProcess) {
  IlpVersion v = TrainOnWorker("job-1");
  Complete("job-1");
  for (int i = 0; i < 3; ++i) {
    Result<IlpVersion> found = here_->registry.Find("alice", "ppo", "m", {});
    ASSERT_TRUE(found.ok()) << found.status().ToString();
  }
  EXPECT_EQ(here_->registry.fetches(), 1);
  EXPECT_EQ(blobs_->listings.load(), 2);  // the model and the log directory, once
  EXPECT_EQ(*here_->artifacts.Get(PolicyHere(v)), "weights");
}

TEST_F(IlpModelFetchTest, AVersionInTrainingIsFetchedOnEveryLookup) {
  TrainOnWorker("job-1");
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", 1).ok());
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", 1).ok());
  EXPECT_EQ(here_->registry.fetches(), 2);
  Complete("job-1");
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", 1).ok());
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", 1).ok());
  EXPECT_EQ(here_->registry.fetches(), 3);
}

// The worker's evaluation publishes its logs and changes the version's
// row: the next lookup here fetches them.
TEST_F(IlpModelFetchTest, AChangedVersionIsFetchedAgain) {
  IlpVersion v = TrainOnWorker("job-1");
  Complete("job-1");
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", {}).ok());
  const std::string log =
      worker_->dir.Relative(v.paths.csv_dir) + "/eval_logs.csv";
  ASSERT_TRUE(worker_->artifacts.Put(log, "step\n1\n").ok());
  ASSERT_TRUE(worker_->registry.RecordEvaluation(v, R"({"agent":{}})").ok());
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", {}).ok());
  EXPECT_EQ(here_->registry.fetches(), 2);
  EXPECT_EQ(*here_->artifacts.Get(log), "step\n1\n");
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", {}).ok());
  EXPECT_EQ(here_->registry.fetches(), 2);
}

TEST_F(IlpModelFetchTest, FilesRemovedHereAreFetchedAgain) {
  IlpVersion v = TrainOnWorker("job-1");
  Complete("job-1");
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", {}).ok());
  ASSERT_TRUE(here_->artifacts.Remove(PolicyHere(v)).ok());
  ASSERT_TRUE(here_->registry.Find("alice", "ppo", "m", {}).ok());
  EXPECT_EQ(here_->registry.fetches(), 2);
  EXPECT_EQ(*here_->artifacts.Get(PolicyHere(v)), "weights");
}

TEST_F(IlpModelFetchTest, ConcurrentLookupsAllFindTheVersion) {
  TrainOnWorker("job-1");
  Complete("job-1");
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (here_->registry.Find("alice", "ppo", "m", {}).ok()) ++found;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(found.load(), 100);
  // Each thread fetches at most once before some thread has cached it.
  EXPECT_LE(here_->registry.fetches(), 4);
}

}  // namespace
}  // namespace trainyard::ilp
