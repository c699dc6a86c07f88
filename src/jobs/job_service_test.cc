#include "jobs/job_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/ids.h"
#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::jobs {
namespace {

// A job store whose every insert is claimed at once by a worker of another
// host, as happens when one is polling: the moment between Submit's insert
// and its answer, made certain.
class ClaimedOnInsertJobStore : public store::JobStore {
 public:
  explicit ClaimedOnInsertJobStore(store::JobStore* inner) : inner_(inner) {}

  Status Insert(const store::JobRecord& job, int64_t now) override {
    TY_RETURN_IF_ERROR(inner_->Insert(job, now));
    TY_ASSIGN_OR_RETURN(
        std::optional<store::JobRecord> claimed,
        inner_->ClaimNext({job.type}, "other-host", now + 30'000, now + 1));
    if (!claimed) return InternalError("nothing to claim");
    return Status::Ok();
  }
  Result<store::JobRecord> Get(const std::string& id) override {
    return inner_->Get(id);
  }
  Result<std::vector<store::JobRecord>> List(
      const store::JobFilter& f) override {
    return inner_->List(f);
  }
  Result<int64_t> Count(const store::JobFilter& f) override {
    return inner_->Count(f);
  }
  Result<std::optional<store::JobRecord>> ClaimNext(
      const std::vector<std::string>& types, const std::string& worker,
      int64_t lease_until, int64_t now) override {
    return inner_->ClaimNext(types, worker, lease_until, now);
  }
  Result<bool> ReportProgress(const std::string& id, const std::string& worker,
                              const store::JobProgress& p, int64_t lease_until,
                              int64_t now) override {
    return inner_->ReportProgress(id, worker, p, lease_until, now);
  }
  Result<bool> Heartbeat(const std::string& id, const std::string& worker,
                         int64_t lease_until, int64_t now) override {
    return inner_->Heartbeat(id, worker, lease_until, now);
  }
  Status Finish(const std::string& id, const std::string& worker,
                store::JobStatus status, const std::string& result,
                const std::string& error, int64_t now) override {
    return inner_->Finish(id, worker, status, result, error, now);
  }
  Status Release(const std::string& id, const std::string& worker,
                 int64_t now) override {
    return inner_->Release(id, worker, now);
  }
  Result<store::JobRecord> RequestCancel(const std::string& id,
                                         int64_t now) override {
    return inner_->RequestCancel(id, now);
  }
  Result<int> RecoverExpiredLeases(int64_t now) override {
    return inner_->RecoverExpiredLeases(now);
  }
  Status AppendLog(const std::string& id, const std::string& line,
                   int64_t now) override {
    return inner_->AppendLog(id, line, now);
  }
  Result<std::vector<store::JobLogLine>> ListLogs(const std::string& id,
                                                  int64_t after_id,
                                                  int64_t limit) override {
    return inner_->ListLogs(id, after_id, limit);
  }
  Result<std::vector<store::JobEvent>> ListEvents(const std::string& id,
                                                  int64_t after_id,
                                                  int64_t limit) override {
    return inner_->ListEvents(id, after_id, limit);
  }
  Result<std::vector<store::JobEvent>> ListAllEvents(int64_t after_id,
                                                     int64_t limit) override {
    return inner_->ListAllEvents(after_id, limit);
  }
  Result<std::vector<store::JobCount>> CountByTypeAndStatus() override {
    return inner_->CountByTypeAndStatus();
  }
  Status AppendMetrics(const std::string& id,
                       const std::vector<store::MetricPoint>& points) override {
    return inner_->AppendMetrics(id, points);
  }
  Status DropMetricsFrom(const std::string& id, int64_t from_step) override {
    return inner_->DropMetricsFrom(id, from_step);
  }
  Result<std::vector<store::MetricPoint>> ListMetrics(const std::string& id,
                                                      int64_t after_step,
                                                      int64_t limit) override {
    return inner_->ListMetrics(id, after_step, limit);
  }

 private:
  store::JobStore* inner_;
};

class JobServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto opened = db_.OpenStore();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(
        registry_.Register("t", [](JobContext&) { return Status::Ok(); }).ok());
  }
  store::testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<store::MetadataStore> store_;
  JobHandlerRegistry registry_;
  ManualClock clock_;
};

TEST_P(JobServiceTest, SubmitQueuesWithA24HexIdAndCreationTime) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  auto job = service.Submit({"t", "u1", "{\"a\":1}", 10});
  ASSERT_TRUE(job.ok());
  EXPECT_TRUE(IsHexId24(job->id));
  EXPECT_EQ(job->status, store::JobStatus::kQueued);
  EXPECT_EQ(job->params, "{\"a\":1}");
  EXPECT_EQ(job->created_at, clock_.NowMillis());
}

// The row as the store holds it right after the insert, field by field.
TEST_P(JobServiceTest, SubmitAnswersTheRowItInserted) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  SubmitRequest request{"t", "u1", "{}", 7};
  request.max_attempts = 2;
  request.priority = kPriorityHigh;
  auto job = service.Submit(request);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  auto row = store_->jobs()->Get(job->id);
  ASSERT_TRUE(row.ok());
  auto fields = [](const store::JobRecord& j) {
    return std::tuple(j.id, j.type, j.owner_id, j.params, j.status, j.progress,
                      j.current_units, j.total_units, j.metrics, j.result,
                      j.error, j.attempts, j.max_attempts, j.priority,
                      j.cancel_requested, j.lease_owner, j.lease_expires_at,
                      j.created_at, j.started_at, j.finished_at, j.updated_at);
  };
  EXPECT_EQ(fields(*job), fields(*row));
}

// A worker that takes the job before Submit returns (here, on another host)
// does not change the answer: every product answers "queued"/"created".
TEST_P(JobServiceTest, SubmitAnswersQueuedEvenIfAWorkerClaimedTheJobAtOnce) {
  ClaimedOnInsertJobStore claimed_at_once(store_->jobs());
  JobService service(&claimed_at_once, &registry_, nullptr, &clock_);
  auto job = service.Submit({"t", "u1"});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->status, store::JobStatus::kQueued);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_FALSE(job->lease_owner.has_value());
  EXPECT_FALSE(job->started_at.has_value());
  EXPECT_EQ(service.Get(job->id)->status, store::JobStatus::kRunning);
}

TEST_P(JobServiceTest, CancelOfFinishedJobIsAConflict) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  auto job = service.Submit({"t", "u1"});
  ASSERT_TRUE(service.Cancel(job->id).ok());
  EXPECT_EQ(service.Cancel(job->id).status().code(), ErrorCode::kConflict);
  EXPECT_EQ(service.Cancel("missing").status().code(), ErrorCode::kNotFound);
}

TEST_P(JobServiceTest, LogsOfUnknownJobAreNotFound) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  EXPECT_EQ(service.Logs("missing", 0, 10).status().code(),
            ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobServiceTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::jobs
