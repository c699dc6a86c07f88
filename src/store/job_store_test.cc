#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include "core/test_support.h"
#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::store {
namespace {

class JobStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto s = db_.OpenStore();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    jobs_ = store_->jobs();
  }
  JobRecord Job(const std::string& id, const std::string& type = "test") {
    JobRecord j;
    j.id = id;
    j.type = type;
    j.owner_id = "u1";
    j.max_attempts = 2;
    return j;
  }
  testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<MetadataStore> store_;
  JobStore* jobs_ = nullptr;
};

TEST_P(JobStoreTest, ClaimTakesOldestQueuedJobOfKnownType) {
  ASSERT_TRUE(jobs_->Insert(Job("a", "other"), 1).ok());
  ASSERT_TRUE(jobs_->Insert(Job("b"), 2).ok());
  ASSERT_TRUE(jobs_->Insert(Job("c"), 3).ok());
  auto claimed = jobs_->ClaimNext({"test"}, "w1", 1000, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->id, "b");
  EXPECT_EQ((*claimed)->status, JobStatus::kRunning);
  EXPECT_EQ((*claimed)->attempts, 1);
  EXPECT_EQ((*claimed)->lease_owner, "w1");
}

TEST_P(JobStoreTest, AJobIsClaimedOnlyOnce) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w1", 1000, 10)->has_value());
  EXPECT_FALSE(jobs_->ClaimNext({"test"}, "w2", 1000, 10)->has_value());
}

TEST_P(JobStoreTest, ProgressNeedsTheLeaseAndReportsCancel) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w1", 1000, 10).ok());
  JobProgress p{0.5, 5, 10, std::string("{\"loss\":1}")};
  auto cancel = jobs_->ReportProgress("a", "w1", p, 2000, 20);
  ASSERT_TRUE(cancel.ok());
  EXPECT_FALSE(*cancel);
  EXPECT_EQ(jobs_->ReportProgress("a", "w2", p, 2000, 20).status().code(),
            ErrorCode::kConflict);
  ASSERT_TRUE(jobs_->RequestCancel("a", 30).ok());
  EXPECT_TRUE(*jobs_->ReportProgress("a", "w1", p, 2000, 40));
  auto job = jobs_->Get("a");
  EXPECT_DOUBLE_EQ(job->progress, 0.5);
  EXPECT_EQ(job->metrics, "{\"loss\":1}");
  EXPECT_EQ(job->status, JobStatus::kRunning);
}

TEST_P(JobStoreTest, CancellingAQueuedJobEndsItAtOnce) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  auto job = jobs_->RequestCancel("a", 5);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->status, JobStatus::kCancelled);
  EXPECT_EQ(jobs_->RequestCancel("a", 6).status().code(), ErrorCode::kConflict);
}

TEST_P(JobStoreTest, ExpiredLeaseRequeuesThenFailsAfterMaxAttempts) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w1", 100, 10).ok());
  EXPECT_EQ(*jobs_->RecoverExpiredLeases(50), 0);  // lease still valid
  EXPECT_EQ(*jobs_->RecoverExpiredLeases(101), 1);
  EXPECT_EQ(jobs_->Get("a")->status, JobStatus::kQueued);
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w2", 200, 110)->has_value());
  EXPECT_EQ(*jobs_->RecoverExpiredLeases(201), 1);
  auto job = jobs_->Get("a");
  EXPECT_EQ(job->status, JobStatus::kFailed);
  EXPECT_NE(job->error.find("lease expired"), std::string::npos);
}

TEST_P(JobStoreTest, FinishRecordsResultAndEvents) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w1", 100, 10).ok());
  ASSERT_TRUE(
      jobs_->Finish("a", "w1", JobStatus::kCompleted, "{\"x\":1}", "", 20)
          .ok());
  auto job = jobs_->Get("a");
  EXPECT_EQ(job->status, JobStatus::kCompleted);
  EXPECT_DOUBLE_EQ(job->progress, 1.0);
  EXPECT_EQ(job->finished_at, 20);
  auto events = jobs_->ListEvents("a", 0, 10);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> kinds;
  for (const auto& e : *events) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"job.queued", "job.started",
                                             "job.completed"}));
}

TEST_P(JobStoreTest, FinishAfterLosingTheLeaseIsRefused) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w1", 100, 10).ok());
  ASSERT_EQ(*jobs_->RecoverExpiredLeases(200), 1);
  EXPECT_EQ(
      jobs_->Finish("a", "w1", JobStatus::kCompleted, "{}", "", 210).code(),
      ErrorCode::kConflict);
}

TEST_P(JobStoreTest, ReleaseRequeuesWithoutCountingTheAttempt) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"test"}, "w1", 100, 10).ok());
  ASSERT_TRUE(jobs_->Release("a", "w1", 20).ok());
  auto job = jobs_->Get("a");
  EXPECT_EQ(job->status, JobStatus::kQueued);
  EXPECT_EQ(job->attempts, 0);
}

TEST_P(JobStoreTest, ListFiltersByOwnerTypePrefixAndStatus) {
  ASSERT_TRUE(jobs_->Insert(Job("a", "gym.train"), 1).ok());
  ASSERT_TRUE(jobs_->Insert(Job("b", "gym.eval"), 2).ok());
  ASSERT_TRUE(jobs_->Insert(Job("c", "studio.train"), 3).ok());
  JobFilter f;
  f.type_prefix = "gym.";
  auto list = jobs_->List(f);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "b");  // newest first
  EXPECT_EQ(*jobs_->Count(f), 2);
  f.status = JobStatus::kRunning;
  EXPECT_EQ(*jobs_->Count(f), 0);
}

TEST_P(JobStoreTest, LogsAreReturnedInOrderAfterACursor) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(jobs_->AppendLog("a", "line" + std::to_string(i), i).ok());
  auto all = jobs_->ListLogs("a", 0, 10);
  ASSERT_EQ(all->size(), 3u);
  auto rest = jobs_->ListLogs("a", (*all)[0].id, 10);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].line, "line1");
}

// Eight workers, each with its own connection as eight worker processes
// would have, claim from one queue until it is empty: every job is claimed
// by exactly one of them, and each claim is its worker's.
TEST_P(JobStoreTest, EightConcurrentWorkersClaimEachJobExactlyOnce) {
  constexpr int kJobs = 400;
  constexpr int kWorkers = 8;
  // Each SQLite connection to ":memory:" is a database of its own.
  testing::TempDir tmp;
  const std::string path = tmp.Sub("queue.db");
  auto setup = db_.OpenStore(path);
  ASSERT_TRUE(setup.ok()) << setup.status().ToString();
  for (int i = 0; i < kJobs; ++i)
    ASSERT_TRUE((*setup)->jobs()->Insert(Job("j" + std::to_string(i)), i).ok());
  std::vector<std::unique_ptr<MetadataStore>> stores;
  for (int w = 0; w < kWorkers; ++w) {
    auto s = db_.OpenStore(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    stores.push_back(std::move(*s));
  }
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> claims;  // job -> workers
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      JobStore* jobs = stores[static_cast<size_t>(w)]->jobs();
      const std::string me = "w" + std::to_string(w);
      while (true) {
        auto job = jobs->ClaimNext({"test"}, me, 1'000'000, 10);
        if (!job.ok() || !job->has_value()) {
          if (!job.ok()) {
            std::lock_guard<std::mutex> guard(mu);
            errors.push_back(job.status().ToString());
          }
          return;
        }
        {
          std::lock_guard<std::mutex> guard(mu);
          claims[(*job)->id].push_back(me);
        }
        Status done =
            jobs->Finish((*job)->id, me, JobStatus::kCompleted, "{}", "", 11);
        if (!done.ok()) {
          std::lock_guard<std::mutex> guard(mu);
          errors.push_back(done.ToString());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors, std::vector<std::string>{});
  EXPECT_EQ(claims.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, workers] : claims)
    EXPECT_EQ(workers.size(), 1u) << id << " claimed more than once";
  JobFilter completed;
  completed.status = JobStatus::kCompleted;
  EXPECT_EQ(*(*setup)->jobs()->Count(completed), kJobs);
}

TEST_P(JobStoreTest, MetricPointsListInStepOrderAfterACursor) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_
                  ->AppendMetrics("a", {{30, 3, R"({"loss":3})"},
                                        {10, 1, R"({"loss":1})"},
                                        {20, 2, R"({"loss":2})"}})
                  .ok());
  auto all = jobs_->ListMetrics("a", -1, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].step, 10);
  EXPECT_EQ((*all)[2].metrics, R"({"loss":3})");
  auto after = jobs_->ListMetrics("a", 10, 1);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].step, 20);
  EXPECT_EQ((*after)[0].wall_time, 2);
}

TEST_P(JobStoreTest, AReplayedStepReplacesItsPoint) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->AppendMetrics("a", {{10, 1, R"({"loss":1})"}}).ok());
  ASSERT_TRUE(jobs_->AppendMetrics("a", {{10, 5, R"({"loss":9})"}}).ok());
  auto all = jobs_->ListMetrics("a", -1, 100);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].metrics, R"({"loss":9})");
}

TEST_P(JobStoreTest, DropMetricsFromRemovesTheReplayedStretchOnly) {
  ASSERT_TRUE(jobs_->Insert(Job("a"), 1).ok());
  ASSERT_TRUE(jobs_->Insert(Job("b"), 1).ok());
  ASSERT_TRUE(
      jobs_->AppendMetrics("a", {{10, 1, "{}"}, {20, 2, "{}"}, {30, 3, "{}"}})
          .ok());
  ASSERT_TRUE(jobs_->AppendMetrics("b", {{20, 2, "{}"}}).ok());
  ASSERT_TRUE(jobs_->DropMetricsFrom("a", 20).ok());
  EXPECT_EQ(jobs_->ListMetrics("a", -1, 100)->size(), 1u);
  EXPECT_EQ(jobs_->ListMetrics("b", -1, 100)->size(), 1u);
}

TEST_P(JobStoreTest, CountsByTypeAndStatusWithTheOldestCreation) {
  ASSERT_TRUE(jobs_->Insert(Job("a", "x"), 5).ok());
  ASSERT_TRUE(jobs_->Insert(Job("b", "x"), 3).ok());
  ASSERT_TRUE(jobs_->Insert(Job("c", "y"), 4).ok());
  ASSERT_TRUE(jobs_->ClaimNext({"y"}, "w1", 1000, 10).ok());
  auto counts = jobs_->CountByTypeAndStatus();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].type, "x");
  EXPECT_EQ((*counts)[0].status, JobStatus::kQueued);
  EXPECT_EQ((*counts)[0].count, 2);
  EXPECT_EQ((*counts)[0].oldest_created_at, 3);
  EXPECT_EQ((*counts)[1].type, "y");
  EXPECT_EQ((*counts)[1].status, JobStatus::kRunning);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobStoreTest,
                         ::testing::ValuesIn(testdb::Backends()),
                         testdb::BackendName);

}  // namespace
}  // namespace trainyard::store
