#include "api/bounded_response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::api {
namespace {

Request WithPrefer(const std::string& prefer) {
  Request req;
  if (!prefer.empty()) req.headers["prefer"] = prefer;
  return req;
}

TEST(RequestWorkBoundTest, WithoutAPreferenceTheServersBoundHolds) {
  EXPECT_EQ(RequestWorkBoundMs(WithPrefer(""), 10'000), 10'000);
}

TEST(RequestWorkBoundTest, RespondAsyncAsksForAJobAtOnce) {
  EXPECT_EQ(RequestWorkBoundMs(WithPrefer("respond-async"), 10'000), 0);
  EXPECT_EQ(RequestWorkBoundMs(WithPrefer("Respond-Async, wait=5"), 10'000),
            0);
}

TEST(RequestWorkBoundTest, WaitShortensButNeverLengthensTheBound) {
  EXPECT_EQ(RequestWorkBoundMs(WithPrefer("wait=3"), 10'000), 3'000);
  EXPECT_EQ(RequestWorkBoundMs(WithPrefer("wait=100"), 10'000), 10'000);
  EXPECT_EQ(RequestWorkBoundMs(WithPrefer("return=minimal; x, wait = 2"),
                               10'000),
            2'000);
}

TEST(RequestWorkBoundTest, MalformedPreferencesAreIgnored) {
  for (const char* p : {"wait=", "wait=-1", "wait=1.5", "wait=9999999999999",
                        "wait", "respond-asyncx", ",,,", "\xff"}) {
    EXPECT_EQ(RequestWorkBoundMs(WithPrefer(p), 10'000), 10'000) << p;
  }
}

class RunOrAcceptTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto opened = db_.OpenStore();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(registry_.Register("w", [](jobs::JobContext&) {
                  return Status::Ok();
                }).ok());
    jobs_ = std::make_unique<jobs::JobService>(store_->jobs(), &registry_,
                                               nullptr, &clock_);
  }
  static Status Done(jobs::JobContext& ctx) {
    ctx.SetResult("{\"answer\":42}");
    return Status::Ok();
  }
  store::testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<store::MetadataStore> store_;
  jobs::JobHandlerRegistry registry_;
  ManualClock clock_;
  std::unique_ptr<jobs::JobService> jobs_;
};

TEST_P(RunOrAcceptTest, WorkDoneInTimeAnswers200WithItsResult) {
  auto r = RunOrAccept(WithPrefer(""), jobs_.get(), Done, {"w", "alice"},
                       10'000, clock_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"answer\":42}");
}

TEST_P(RunOrAcceptTest, AsyncAnswers202WithTheJobToPoll) {
  auto r = RunOrAccept(WithPrefer("respond-async"), jobs_.get(), Done,
                       {"w", "alice"}, 10'000, clock_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 202);
  const nlohmann::json body = nlohmann::json::parse(r->body);
  const std::string id = body["job_id"];
  EXPECT_EQ(body["status"], "queued");
  EXPECT_EQ(body["status_url"], "/api/jobs/" + id);
  EXPECT_EQ(body["job"]["owner_id"], "alice");
  bool location = false;
  for (const auto& [name, value] : r->headers)
    location |= name == "Location" && value == "/api/jobs/" + id;
  EXPECT_TRUE(location);
}

INSTANTIATE_TEST_SUITE_P(Backends, RunOrAcceptTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::api
