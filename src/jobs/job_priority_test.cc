// The queue order contract: higher priority first, first-in first-out within
// a priority, and the order kept in the database across a restart.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "core/test_support.h"
#include "jobs/job_service.h"
#include "jobs/worker_pool.h"
#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::jobs {
namespace {

class JobPriorityTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    ASSERT_TRUE(
        registry_.Register("t", [](JobContext&) { return Status::Ok(); }).ok());
    Open();
  }
  void Open() {
    store_.reset();
    auto opened = db_.OpenStore(tmp_.Sub("jobs.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    service_ = std::make_unique<JobService>(store_->jobs(), &registry_,
                                            nullptr, &clock_);
  }
  std::string Submit(const std::string& id, int priority) {
    SubmitRequest r{"t", "owner"};
    r.id = id;
    r.priority = priority;
    auto job = service_->Submit(r);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? job->id : "";
  }
  // Ids in the order a worker would claim them, draining the queue.
  std::vector<std::string> ClaimAll() {
    std::vector<std::string> order;
    for (;;) {
      auto job =
          store_->jobs()->ClaimNext({"t"}, "w", clock_.NowMillis() + 60000,
                                    clock_.NowMillis());
      if (!job.ok() || !job->has_value()) break;
      order.push_back((*job)->id);
    }
    return order;
  }

  testing::TempDir tmp_;
  store::testdb::TestDatabase db_{GetParam()};
  JobHandlerRegistry registry_;
  ManualClock clock_;
  std::unique_ptr<store::MetadataStore> store_;
  std::unique_ptr<JobService> service_;
};

TEST_P(JobPriorityTest, DefaultPriorityIsNormalAndIsStored) {
  SubmitRequest r{"t", "owner"};
  auto job = service_->Submit(r);
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->priority, kPriorityNormal);
  r.priority = kPriorityHigh;
  EXPECT_EQ(service_->Submit(r)->priority, kPriorityHigh);
}

TEST_P(JobPriorityTest, HighSubmittedAfterNormalIsClaimedFirst) {
  Submit("normal", kPriorityNormal);
  clock_.AdvanceMillis(1000);
  Submit("high", kPriorityHigh);
  EXPECT_EQ(ClaimAll(), (std::vector<std::string>{"high", "normal"}));
}

TEST_P(JobPriorityTest, LowWaitsBehindOlderAndNewerNormalJobs) {
  Submit("low", kPriorityLow);
  clock_.AdvanceMillis(5);
  Submit("normal", kPriorityNormal);
  EXPECT_EQ(ClaimAll(), (std::vector<std::string>{"normal", "low"}));
}

TEST_P(JobPriorityTest, FirstInFirstOutWithinAPriority) {
  // Ids sort in the opposite order of submission, and two jobs share a
  // millisecond: only the submission order may decide.
  Submit("z-first", kPriorityNormal);
  clock_.AdvanceMillis(3);
  Submit("y-second", kPriorityNormal);
  Submit("x-third", kPriorityNormal);
  Submit("b-high-first", kPriorityHigh);
  Submit("a-high-second", kPriorityHigh);
  EXPECT_EQ(ClaimAll(),
            (std::vector<std::string>{"b-high-first", "a-high-second",
                                      "z-first", "y-second", "x-third"}));
}

TEST_P(JobPriorityTest, OrderSurvivesARestart) {
  Submit("normal-1", kPriorityNormal);
  Submit("low", kPriorityLow);
  Submit("high", kPriorityHigh);
  Submit("normal-2", kPriorityNormal);
  Open();  // a new process on the same database file
  EXPECT_EQ(store_->jobs()->Get("high")->priority, kPriorityHigh);
  EXPECT_EQ(ClaimAll(), (std::vector<std::string>{"high", "normal-1",
                                                  "normal-2", "low"}));
}

TEST_P(JobPriorityTest, AWorkerPoolRunsQueuedJobsInPriorityOrder) {
  std::mutex mu;
  std::vector<std::string> ran;
  JobHandlerRegistry registry;
  ASSERT_TRUE(registry
                  .Register("t",
                            [&](JobContext& ctx) {
                              std::lock_guard<std::mutex> lock(mu);
                              ran.push_back(ctx.job().id);
                              return Status::Ok();
                            })
                  .ok());
  JobService service(store_->jobs(), &registry, nullptr, &clock_);
  for (const auto& [id, priority] :
       std::vector<std::pair<std::string, int>>{{"n1", kPriorityNormal},
                                                {"l1", kPriorityLow},
                                                {"h1", kPriorityHigh},
                                                {"n2", kPriorityNormal},
                                                {"h2", kPriorityHigh}}) {
    SubmitRequest r{"t", "owner"};
    r.id = id;
    r.priority = priority;
    ASSERT_TRUE(service.Submit(r).ok());
  }
  WorkerPoolOptions options;
  options.threads = 1;
  options.poll_ms = 10;
  options.checkpoint_root = tmp_.Sub("ckpt");
  WorkerPool pool(store_->jobs(), &registry, SystemClock::Default(), options);
  ASSERT_TRUE(pool.Start().ok());
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (ran.size() == 5) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pool.Stop();
  EXPECT_EQ(ran, (std::vector<std::string>{"h1", "h2", "n1", "n2", "l1"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, JobPriorityTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::jobs
