#include "jobs/job_service.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "store/metadata_store.h"

namespace trainyard::jobs {
namespace {

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenSqliteStore(":memory:"));
    ASSERT_TRUE(
        registry_.Register("t", [](JobContext&) { return Status::Ok(); }).ok());
  }
  std::unique_ptr<store::MetadataStore> store_;
  JobHandlerRegistry registry_;
  ManualClock clock_;
};

TEST_F(JobServiceTest, SubmitQueuesWithA24HexIdAndCreationTime) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  auto job = service.Submit({"t", "u1", "{\"a\":1}", 10});
  ASSERT_TRUE(job.ok());
  EXPECT_TRUE(IsHexId24(job->id));
  EXPECT_EQ(job->status, store::JobStatus::kQueued);
  EXPECT_EQ(job->params, "{\"a\":1}");
  EXPECT_EQ(job->created_at, clock_.NowMillis());
}

TEST_F(JobServiceTest, CancelOfFinishedJobIsAConflict) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  auto job = service.Submit({"t", "u1"});
  ASSERT_TRUE(service.Cancel(job->id).ok());
  EXPECT_EQ(service.Cancel(job->id).status().code(), ErrorCode::kConflict);
  EXPECT_EQ(service.Cancel("missing").status().code(), ErrorCode::kNotFound);
}

TEST_F(JobServiceTest, LogsOfUnknownJobAreNotFound) {
  JobService service(store_->jobs(), &registry_, nullptr, &clock_);
  EXPECT_EQ(service.Logs("missing", 0, 10).status().code(),
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace trainyard::jobs
