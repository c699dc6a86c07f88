#include "jobs/job_service.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::jobs {
namespace {

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
