#include "jobs/bounded_run.h"

#include <gtest/gtest.h>

#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::jobs {
namespace {

// A handler of `steps` steps of 100 ms each on a manual clock, polling
// ShouldStop() between steps as real handlers do.
JobHandler Steps(ManualClock* clock, int steps, int* ran) {
  return [clock, steps, ran](JobContext& ctx) {
    for (int i = 0; i < steps; ++i) {
      if (ctx.ShouldStop()) return JobStopped();
      clock->AdvanceMillis(100);
      ++*ran;
    }
    ctx.SetResult("{\"steps\":" + std::to_string(steps) + ",\"params\":" +
                  ctx.job().params + "}");
    return Status::Ok();
  };
}

class BoundedRunTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto opened = db_.OpenStore();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(registry_.Register("w", [](JobContext&) {
                  return Status::Ok();
                }).ok());
    service_ = std::make_unique<JobService>(store_->jobs(), &registry_,
                                            nullptr, &clock_);
  }
  int64_t QueuedJobs() {
    store::JobFilter f;
    return *service_->Count(f);
  }
  store::testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<store::MetadataStore> store_;
  JobHandlerRegistry registry_;
  ManualClock clock_;
  std::unique_ptr<JobService> service_;
};

TEST_P(BoundedRunTest, WorkDoneWithinTheBoundAnswersItsResultAndQueuesNothing) {
  int ran = 0;
  auto outcome = RunOrQueue(service_.get(), Steps(&clock_, 5, &ran),
                            {"w", "alice", "{\"n\":1}", 5}, 1000, clock_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  ASSERT_TRUE(outcome->result_json);
  EXPECT_EQ(*outcome->result_json, "{\"steps\":5,\"params\":{\"n\":1}}");
  EXPECT_FALSE(outcome->job);
  EXPECT_EQ(QueuedJobs(), 0);
}

TEST_P(BoundedRunTest, WorkPastTheBoundIsQueuedAsTheSubmittedJob) {
  int ran = 0;
  auto outcome = RunOrQueue(service_.get(), Steps(&clock_, 50, &ran),
                            {"w", "alice", "{\"n\":2}", 50}, 1000, clock_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->result_json);
  ASSERT_TRUE(outcome->job);
  EXPECT_EQ(ran, 10);  // stopped at the bound, not run to the end
  EXPECT_EQ(outcome->job->type, "w");
  EXPECT_EQ(outcome->job->owner_id, "alice");
  EXPECT_EQ(outcome->job->params, "{\"n\":2}");
  EXPECT_EQ(outcome->job->status, store::JobStatus::kQueued);
  EXPECT_EQ(QueuedJobs(), 1);
}

TEST_P(BoundedRunTest, ANonPositiveBoundQueuesWithoutRunning) {
  int ran = 0;
  auto outcome = RunOrQueue(service_.get(), Steps(&clock_, 1, &ran),
                            {"w", "alice"}, 0, clock_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->job);
  EXPECT_EQ(ran, 0);
}

TEST_P(BoundedRunTest, AHandlerErrorIsReturnedAndNothingQueued) {
  auto outcome = RunOrQueue(
      service_.get(),
      [](JobContext&) { return NotFoundError("no such model"); },
      {"w", "alice"}, 1000, clock_);
  EXPECT_EQ(outcome.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(QueuedJobs(), 0);
}

TEST_P(BoundedRunTest, TheInlineContextShowsTheSubmissionAsARunningJob) {
  store::JobRecord seen;
  auto outcome = RunOrQueue(
      service_.get(),
      [&seen](JobContext& ctx) {
        seen = ctx.job();
        return Status::Ok();
      },
      {"w", "bob", "{\"x\":true}", 7}, 1000, clock_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(seen.owner_id, "bob");
  EXPECT_EQ(seen.params, "{\"x\":true}");
  EXPECT_EQ(seen.total_units, 7);
  EXPECT_EQ(seen.status, store::JobStatus::kRunning);
  EXPECT_EQ(*outcome->result_json, "{}");  // no SetResult: an empty object
}

INSTANTIATE_TEST_SUITE_P(Backends, BoundedRunTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::jobs
