#include "jobs/worker_pool.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <thread>

#include "core/test_support.h"
#include "jobs/job_service.h"
#include "store/metadata_store.h"
#include "store/test_backends.h"
#include "tracking/event_file.h"

namespace trainyard::jobs {
namespace {

// Polls `done` for up to 20 s; tests assert on the outcome, not the time.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Counts to params' total, one unit at a time, keeping the count in a
// checkpoint file so a resumed attempt continues where the last one stopped.
Status CountingHandler(JobContext& ctx) {
  const std::string file = ctx.checkpoint_dir() + "/count";
  int count = 0;
  std::ifstream(file) >> count;
  const int total = 20;
  while (count < total) {
    if (ctx.ShouldStop()) return JobStopped();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++count;
    std::ofstream(file) << count;
    ctx.RecordMetrics(count, {{"count", count}, {"undefined", NAN}});
    ctx.ReportProgress(count, total,
                       "{\"count\":" + std::to_string(count) + "}");
  }
  ctx.SetResult("{\"final\":" + std::to_string(count) + "}");
  return Status::Ok();
}

class WorkerPoolTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto opened = db_.OpenStore(tmp_.Sub("t.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(registry_.Register("count", CountingHandler).ok());
    ASSERT_TRUE(registry_
                    .Register("fail",
                              [](JobContext&) {
                                return ValidationError("bad parameters: x");
                              })
                    .ok());
    options_.threads = 1;
    options_.lease_ms = 300;
    options_.poll_ms = 20;
    options_.progress_flush_ms = 10;
    options_.checkpoint_root = tmp_.Sub("ckpt");
    options_.runs_root = tmp_.Sub("runs");
  }
  std::unique_ptr<WorkerPool> NewPool(const std::string& id) {
    WorkerPoolOptions o = options_;
    o.worker_id = id;
    return std::make_unique<WorkerPool>(store_->jobs(), &registry_,
                                        SystemClock::Default(), o);
  }
  store::JobStatus StatusOf(const std::string& id) {
    return store_->jobs()->Get(id)->status;
  }
  // The steps of the job's stored curve points.
  std::vector<int64_t> CurveSteps(const std::string& id) {
    std::vector<int64_t> steps;
    // The Result must outlive the loop (a range over *Result() dangles).
    auto points = store_->jobs()->ListMetrics(id, -1, 1000);
    for (const auto& p : *points) steps.push_back(p.step);
    return steps;
  }
  // The steps of the job's TensorBoard scalar events, over all its files.
  std::multiset<int64_t> EventSteps(const std::string& id) {
    std::multiset<int64_t> steps;
    for (const auto& file : tracking::ListEventFiles(tmp_.Sub("runs/" + id))) {
      auto events = tracking::ReadEventFile(file);
      for (const auto& e : *events)
        if (!e.scalars.empty()) steps.insert(e.step);
    }
    return steps;
  }

  testing::TempDir tmp_;
  store::testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<store::MetadataStore> store_;
  JobHandlerRegistry registry_;
  WorkerPoolOptions options_;
};

TEST_P(WorkerPoolTest, RunsASubmittedJobToCompletion) {
  auto pool = NewPool("w1");
  JobService service(store_->jobs(), &registry_, pool.get(),
                     SystemClock::Default());
  ASSERT_TRUE(pool->Start().ok());
  auto job = service.Submit({"count", "u1", "{}", 20});
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE(Eventually(
      [&] { return StatusOf(job->id) == store::JobStatus::kCompleted; }));
  auto done = *service.Get(job->id);
  EXPECT_EQ(done.result, "{\"final\":20}");
  EXPECT_EQ(done.current_units, 20);
  EXPECT_DOUBLE_EQ(done.progress, 1.0);
  EXPECT_EQ(done.attempts, 1);
}

TEST_P(WorkerPoolTest, RecordedMetricsAreStoredAndWrittenAsTensorBoardEvents) {
  auto pool = NewPool("w1");
  JobService service(store_->jobs(), &registry_, pool.get(),
                     SystemClock::Default());
  ASSERT_TRUE(pool->Start().ok());
  auto job = service.Submit({"count", "u1", "{}", 20});
  ASSERT_TRUE(Eventually(
      [&] { return StatusOf(job->id) == store::JobStatus::kCompleted; }));
  auto points = *service.Metrics(job->id, 0, 100);
  ASSERT_EQ(points.size(), 20u);
  EXPECT_EQ(points[0].step, 1);
  // The NaN value is left out: JSON has no NaN, and a curve has no point.
  EXPECT_EQ(points[19].metrics, R"({"count":20.0})");
  EXPECT_EQ(EventSteps(job->id).size(), 20u);
}

TEST_P(WorkerPoolTest, MetricsOfAJobThatIsNotThereAreNotFound) {
  JobService service(store_->jobs(), &registry_, nullptr,
                     SystemClock::Default());
  EXPECT_EQ(service.Metrics("nope", 0, 10).status().code(),
            ErrorCode::kNotFound);
}

TEST_P(WorkerPoolTest, HandlerErrorFailsTheJobWithItsMessage) {
  auto pool = NewPool("w1");
  JobService service(store_->jobs(), &registry_, pool.get(),
                     SystemClock::Default());
  ASSERT_TRUE(pool->Start().ok());
  auto job = service.Submit({"fail", "u1"});
  ASSERT_TRUE(Eventually(
      [&] { return StatusOf(job->id) == store::JobStatus::kFailed; }));
  EXPECT_EQ(service.Get(job->id)->error, "bad parameters: x");
}

TEST_P(WorkerPoolTest, CancelStopsARunningJobCooperatively) {
  auto pool = NewPool("w1");
  JobService service(store_->jobs(), &registry_, pool.get(),
                     SystemClock::Default());
  ASSERT_TRUE(pool->Start().ok());
  auto job = service.Submit({"count", "u1", "{}", 20});
  ASSERT_TRUE(
      Eventually([&] { return service.Get(job->id)->current_units >= 2; }));
  ASSERT_TRUE(service.Cancel(job->id).ok());
  ASSERT_TRUE(Eventually(
      [&] { return StatusOf(job->id) == store::JobStatus::kCancelled; }));
  EXPECT_LT(service.Get(job->id)->current_units, 20);
}

TEST_P(WorkerPoolTest, ShutdownRequeuesAndANewWorkerResumesFromCheckpoint) {
  auto pool = NewPool("w1");
  JobService service(store_->jobs(), &registry_, pool.get(),
                     SystemClock::Default());
  ASSERT_TRUE(pool->Start().ok());
  auto job = service.Submit({"count", "u1", "{}", 20});
  ASSERT_TRUE(
      Eventually([&] { return service.Get(job->id)->current_units >= 5; }));
  pool->Stop();
  auto paused = *service.Get(job->id);
  EXPECT_EQ(paused.status, store::JobStatus::kQueued);
  EXPECT_EQ(paused.attempts, 0);
  auto pool2 = NewPool("w2");
  ASSERT_TRUE(pool2->Start().ok());
  ASSERT_TRUE(Eventually(
      [&] { return StatusOf(job->id) == store::JobStatus::kCompleted; }));
  EXPECT_EQ(service.Get(job->id)->result, "{\"final\":20}");
  // The resumed attempt continued the curves: each step once, in the store
  // and in the event files.
  std::vector<int64_t> expected;
  for (int i = 1; i <= 20; ++i) expected.push_back(i);
  EXPECT_EQ(CurveSteps(job->id), expected);
  std::multiset<int64_t> events = EventSteps(job->id);
  EXPECT_EQ(std::multiset<int64_t>(expected.begin(), expected.end()), events);
}

TEST_P(WorkerPoolTest, JobOfADeadWorkerIsRecoveredAfterItsLeaseExpires) {
  JobService service(store_->jobs(), &registry_, nullptr,
                     SystemClock::Default());
  auto job = service.Submit({"count", "u1", "{}", 20});
  const int64_t now = SystemClock::Default()->NowMillis();
  // A worker claims it with a short lease and then "dies" (never reports).
  ASSERT_TRUE(store_->jobs()
                  ->ClaimNext({"count"}, "dead", now + 100, now)
                  ->has_value());
  auto pool = NewPool("w2");
  ASSERT_TRUE(pool->Start().ok());
  ASSERT_TRUE(Eventually(
      [&] { return StatusOf(job->id) == store::JobStatus::kCompleted; }));
  EXPECT_EQ(service.Get(job->id)->attempts, 2);
}

TEST_P(WorkerPoolTest, SubmitRejectsUnknownType) {
  JobService service(store_->jobs(), &registry_, nullptr,
                     SystemClock::Default());
  auto r = service.Submit({"nope", "u1"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(r.status().details()[0].field, "type");
}

INSTANTIATE_TEST_SUITE_P(Backends, WorkerPoolTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::jobs
