// Kill -9 of the real server while a job runs, then restart: the database
// opens cleanly, the job is neither lost nor duplicated, and it resumes from
// its last checkpoint.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "child_process.h"
#include "core/test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

class CrashRecoveryTest : public ::testing::Test {
 protected:
  std::vector<std::string> Env() {
    return {"TRAINYARD_HOME=" + tmp_.Sub("home"), "TRAINYARD_PORT=0",
            "TRAINYARD_ENABLE_TEST_JOBS=1", "TRAINYARD_JOB_LEASE_SECONDS=2",
            "TRAINYARD_WORKERS=1"};
  }
  // Starts `trainyard <args>` and returns the port it serves on.
  int StartServer(testing::ChildProcess* p, const std::string& log,
                  std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {TRAINYARD_BINARY, "serve"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    EXPECT_TRUE(p->Start(argv, Env(), tmp_.Sub(log)));
    std::string port =
        p->WaitForOutput(R"(serving on http://127\.0\.0\.1:(\d+))");
    EXPECT_FALSE(port.empty()) << p->Errors();
    return port.empty() ? 0 : std::stoi(port);
  }
  json Get(int port, const std::string& path) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get(path, {{"Authorization", "Bearer " + token_}});
    return r ? json::parse(r->body) : json();
  }
  json WaitFor(int port, const std::string& id,
               const std::function<bool(const json&)>& done) {
    json job;
    for (int i = 0; i < 1500; ++i) {
      job = Get(port, "/api/jobs/" + id);
      if (done(job)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return job;
  }

  testing::TempDir tmp_;
  std::string token_;
};

TEST_F(CrashRecoveryTest,
       KilledServerResumesItsJobFromTheCheckpointAfterRestart) {
  std::string id;
  {
    testing::ChildProcess server;
    int port = StartServer(&server, "first.log");
    token_ = server.WaitForOutput(R"((ty_[0-9a-f]{64}))");
    ASSERT_FALSE(token_.empty());
    httplib::Client c("127.0.0.1", port);
    auto r =
        c.Post("/api/jobs", {{"Authorization", "Bearer " + token_}},
               R"({"type":"test.count","params":{"units":40,"sleep_ms":50}})",
               "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    id = json::parse(r->body)["id"];
    json job = WaitFor(port, id, [](const json& j) {
      return j.value("current_units", 0) >= 8;
    });
    ASSERT_GE(job.value("current_units", 0), 8);
    server.Signal(SIGKILL);
    EXPECT_EQ(server.Wait(), 128 + SIGKILL);
  }
  testing::ChildProcess restarted;
  int port = StartServer(&restarted, "second.log");
  ASSERT_NE(port, 0);
  json health = Get(port, "/api/v1/health");
  EXPECT_EQ(health["components"]["database"], "healthy");
  json job = WaitFor(port, id, [](const json& j) {
    return j.value("status", "") == "completed";
  });
  EXPECT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["attempts"], 2);
  EXPECT_EQ(job["result"]["counted"], 40);
  EXPECT_GE(job["result"]["resumed_from"].get<int>(), 8);
  json list = Get(port, "/api/jobs");
  EXPECT_EQ(list["count"], 1);
  restarted.Signal(SIGTERM);
  EXPECT_EQ(restarted.Wait(), 0);
}

TEST_F(CrashRecoveryTest, SeparateWorkerProcessRunsJobsOfAnApiOnlyServer) {
  testing::ChildProcess server;
  int port = StartServer(&server, "api.log", {"--workers", "0"});
  token_ = server.WaitForOutput(R"((ty_[0-9a-f]{64}))");
  httplib::Client c("127.0.0.1", port);
  auto r = c.Post("/api/jobs", {{"Authorization", "Bearer " + token_}},
                  R"({"type":"test.count","params":{"units":3,"sleep_ms":10}})",
                  "application/json");
  ASSERT_TRUE(r);
  std::string id = json::parse(r->body)["id"];
  testing::ChildProcess worker;
  ASSERT_TRUE(worker.Start({TRAINYARD_BINARY, "worker"}, Env(),
                           tmp_.Sub("worker.log")));
  json job = WaitFor(port, id, [](const json& j) {
    return j.value("status", "") == "completed";
  });
  EXPECT_EQ(job["status"], "completed") << job.dump() << worker.Errors();
  worker.Signal(SIGTERM);
  EXPECT_EQ(worker.Wait(), 0);
}

TEST_F(CrashRecoveryTest,
       GracefulStopRequeuesARunningJobWithoutSpendingAnAttempt) {
  std::string id;
  {
    testing::ChildProcess server;
    int port = StartServer(&server, "first.log");
    token_ = server.WaitForOutput(R"((ty_[0-9a-f]{64}))");
    httplib::Client c("127.0.0.1", port);
    auto r =
        c.Post("/api/jobs", {{"Authorization", "Bearer " + token_}},
               R"({"type":"test.count","params":{"units":1000,"sleep_ms":20}})",
               "application/json");
    id = json::parse(r->body)["id"];
    WaitFor(port, id,
            [](const json& j) { return j.value("current_units", 0) >= 3; });
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0);
  }
  testing::ChildProcess restarted;
  int port = StartServer(&restarted, "second.log", {"--workers", "0"});
  json job = Get(port, "/api/jobs/" + id);
  EXPECT_EQ(job["status"], "queued");
  EXPECT_EQ(job["attempts"], 0);
}

}  // namespace
}  // namespace trainyard
