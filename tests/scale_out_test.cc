// Many hosts on one PostgreSQL: an API-only server and three workers, each
// with a data directory of its own (no shared disk), run jobs of every
// product; a worker killed mid-job loses nothing, and every model trained
// anywhere is served by an API server on another "host"; two API servers
// deliver each webhook event once and hold a rate limit in total; a worker
// stopped with SIGTERM hands its job back (docs/scale-out.md).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "child_process.h"
#include "core/test_support.h"
#include "notify/webhook_receiver_test_support.h"
#include "products/studio/studio_test_support.h"
#include "store/test_backends.h"

namespace trainyard {
namespace {

using nlohmann::json;

class ScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!pg_.available()) GTEST_SKIP() << pg_.skip_reason();
    auto url = pg_.Url();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }
  std::vector<std::string> Env(const std::string& home) {
    return {"TRAINYARD_HOME=" + tmp_.Sub(home),
            "TRAINYARD_DATABASE_URL=" + url_,
            "TRAINYARD_ENABLE_TEST_JOBS=1",
            "TRAINYARD_JOB_LEASE_SECONDS=2",
            "TRAINYARD_LOG_LEVEL=info",
            "TRAINYARD_WEBHOOK_ALLOW_CIDRS=127.0.0.0/8"};
  }
  // `trainyard serve --workers 0` on its own data directory; its port.
  int StartApi(testing::ChildProcess* p, const std::string& home) {
    EXPECT_TRUE(
        p->Start({TRAINYARD_BINARY, "serve", "--port", "0", "--workers", "0"},
                 Env(home), tmp_.Sub(home + ".log")));
    const std::string port =
        p->WaitForOutput(R"(serving on http://127\.0\.0\.1:(\d+))");
    EXPECT_FALSE(port.empty()) << p->Errors();
    return port.empty() ? 0 : std::stoi(port);
  }
  void StartWorker(testing::ChildProcess* p, const std::string& home,
                   int health_port = 0) {
    EXPECT_TRUE(p->Start({TRAINYARD_BINARY, "worker", "--workers", "1",
                          "--health-port", std::to_string(health_port)},
                         Env(home), tmp_.Sub(home + ".log")));
  }
  // A loopback port nothing uses now: bound to learn it, then released.
  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      port = ntohs(addr.sin_port);
    close(fd);
    return port;
  }
  // A token of a new ELITE admin (test.count jobs are admin-only), made by
  // the CLI on yet another directory.
  std::string NewToken(const std::string& user,
                       const std::string& tier = "ELITE",
                       const std::string& role = "admin") {
    testing::ChildProcess cli;
    EXPECT_TRUE(
        cli.Start({TRAINYARD_BINARY, "token", "create", "--user", user,
                   "--tier", tier, "--role", role, "--credits", "100000"},
                  Env("cli"), tmp_.Sub("cli-" + user + ".log")));
    EXPECT_EQ(cli.Wait(), 0) << cli.Errors();
    return cli.WaitForOutput(R"((ty_[0-9a-f]{64}))");
  }
  json Send(int port, const std::string& method, const std::string& path,
            const json& body = nullptr, int* status = nullptr) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    httplib::Headers h = {{"Authorization", "Bearer " + token_}};
    auto r = method == "GET"
                 ? c.Get(path, h)
                 : c.Post(path, h, body.is_null() ? "{}" : body.dump(),
                          "application/json");
    if (status) *status = r ? r->status : -1;
    if (!r) return json();
    return json::parse(r->body, nullptr, false);
  }
  // `answer[key]`, failing the test with the answer when it is missing.
  static std::string Id(const json& answer, const std::string& key) {
    const std::string id =
        answer.is_object() ? answer.value(key, "") : std::string();
    if (id.empty()) ADD_FAILURE() << "no " << key << " in " << answer.dump();
    return id;
  }
  // Polls `path` on `port` until `done` or 10 minutes.
  json Poll(int port, const std::string& path,
            const std::function<bool(const json&)>& done) {
    json j;
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (std::chrono::steady_clock::now() < until) {
      j = Send(port, "GET", path);
      if (done(j)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return j;
  }

  testing::TempDir tmp_;
  store::testdb::TestDatabase pg_{"postgresql"};
  std::string url_, token_;
};

TEST_F(ScaleOutTest,
       WorkersOnTheirOwnDisksRunEveryProductsJobsOnceAndApiServersServeThem) {
  testing::ChildProcess api, api2, w1, w2, w3;
  const int port = StartApi(&api, "api");
  ASSERT_NE(port, 0);
  token_ = NewToken("alice");
  ASSERT_FALSE(token_.empty());

  // 30 jobs across the platform and the three products, queued before any
  // worker runs.
  std::vector<std::string> counts, studio_models, studio_runs, gym_tasks,
      ilp_jobs;
  for (int i = 0; i < 12; ++i) {
    counts.push_back(Id(Send(port, "POST", "/api/jobs",
                             {{"type", "test.count"},
                              {"params", {{"units", 20}, {"sleep_ms", 50}}}}),
                        "id"));
  }
  for (int i = 0; i < 6; ++i) {
    const std::string id =
        Id(Send(port, "POST", "/api/ai-studio/models/",
                studio::TinyModelBody("scale-" + std::to_string(i))),
           "id");
    studio_models.push_back(id);
    studio_runs.push_back(
        Id(Send(port, "POST", "/api/ai-studio/models/" + id + "/train/"),
           "job_id"));
    gym_tasks.push_back(
        Id(Send(port, "POST", "/api/v1/training",
                {{"name", "scale-" + std::to_string(i)},
                 {"model_type", "ppo"},
                 {"parameters", {{"buffer_size", 32}, {"batch_size", 32}}},
                 {"total_episodes", 2},
                 {"seed", i}}),
           "task_id"));
    ilp_jobs.push_back(Id(Send(port, "POST", "/api/v1/ppo/train/",
                               {{"max_steps", 2},
                                {"n_episodes", 2},
                                {"buffer_size", 4},
                                {"n_epochs", 2},
                                {"model_name", "scale_" + std::to_string(i)}}),
                          "job_id"));
  }
  for (const auto* ids : {&counts, &studio_runs, &gym_tasks, &ilp_jobs})
    for (const std::string& id : *ids) ASSERT_FALSE(id.empty());

  StartWorker(&w1, "w1");
  StartWorker(&w2, "w2");
  StartWorker(&w3, "w3");
  // Kill one worker while it holds a job: its lease runs out and another
  // worker takes the job over.
  json running = Poll(port, "/api/jobs?status=running",
                      [](const json& j) { return j.value("count", 0) > 0; });
  ASSERT_GT(running.value("count", 0), 0) << running.dump();
  w1.Signal(SIGKILL);
  EXPECT_EQ(w1.Wait(), 128 + SIGKILL);

  for (const std::string& id : counts) {
    json job = Poll(port, "/api/jobs/" + id, [](const json& j) {
      const std::string s = j.value("status", "");
      return s == "completed" || s == "failed";
    });
    EXPECT_EQ(job.value("status", ""), "completed") << job.dump();
    EXPECT_EQ(job["result"].value("counted", 0), 20) << job.dump();
    EXPECT_LE(job.value("attempts", 0), 2) << job.dump();
  }

  // A second API server on a disk of its own, which ran none of the jobs.
  const int port2 = StartApi(&api2, "api2");
  ASSERT_NE(port2, 0);
  for (size_t i = 0; i < studio_models.size(); ++i) {
    json run =
        Poll(port, "/api/ai-studio/training-jobs/" + studio_runs[i] + "/",
             [](const json& j) {
               const std::string s = j.value("status", "");
               return s == "COMPLETED" || s == "FAILED";
             });
    EXPECT_EQ(run.value("status", ""), "COMPLETED") << run.dump();
    int status = 0;
    json prediction =
        Send(port2, "POST",
             "/api/ai-studio/models/" + studio_models[i] + "/predict/",
             {{"symbols", {"NIFTY50"}}}, &status);
    EXPECT_EQ(status, 200) << prediction.dump();
  }
  for (const std::string& id : gym_tasks) {
    json task = Poll(port, "/api/v1/training/" + id, [](const json& t) {
      const std::string s = t.value("status", "");
      return s == "completed" || s == "failed";
    });
    EXPECT_EQ(task.value("status", ""), "completed") << task.dump();
    int status = 0;  // the policy, loaded from its published copy
    json reconciled = Send(
        port2, "POST", "/api/v1/training/" + id + "/reconcile?sample_size=5",
        json::object(), &status);
    EXPECT_EQ(status, 200) << reconciled.dump();
  }
  for (size_t i = 0; i < ilp_jobs.size(); ++i) {
    json done = Poll(port, "/api/v1/ppo/train-result/?job_id=" + ilp_jobs[i],
                     [](const json& r) {
                       return r.is_object() &&
                              r.value("status", "running") != "running";
                     });
    ASSERT_EQ(done.value("status", ""), "done") << done.dump();
    const std::string actor = done.value("ppo_actor_model_path", "");
    const size_t slash = actor.rfind('/');
    ASSERT_NE(slash, std::string::npos) << done.dump();
    httplib::Client c("127.0.0.1", port2);
    auto file =
        c.Get("/api/v1/file/download/?file_path=" + actor.substr(0, slash) +
                  "&file_name=" + actor.substr(slash + 1),
              {{"Authorization", "Bearer " + token_}});
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 200) << actor << " " << file->body;
    EXPECT_GT(file->body.size(), 0u);
  }

  // Each job ran to completion once: one model version each, no extras.
  json jobs = Send(port, "GET", "/api/jobs?per_page=100&status=completed");
  EXPECT_EQ(jobs.value("count", 0), 30) << jobs.dump().substr(0, 2000);
  for (auto* p : {&api, &api2, &w2, &w3}) p->Signal(SIGTERM);
  EXPECT_EQ(w2.Wait(), 0) << w2.Errors();
  EXPECT_EQ(w3.Wait(), 0) << w3.Errors();
}

// Every API server runs a webhook deliverer on the shared outbox: each
// event reaches each receiver once, whichever server sends it.
// Market data imported through one API server is published: a worker on a
// disk of its own trains on it (it had only the database's row before).
TEST_F(ScaleOutTest, MarketDataImportedOnOneHostTrainsOnAWorkerOfAnother) {
  testing::ChildProcess api, worker;
  const int port = StartApi(&api, "api");
  ASSERT_NE(port, 0);
  StartWorker(&worker, "worker");
  token_ = NewToken("importer");
  int status = 0;
  json imported = Send(port, "POST", "/api/ai-studio/market-data/SCALEX/",
                       {{"csv", studio::ValidOhlcvCsv()}}, &status);
  ASSERT_EQ(status, 201) << imported.dump();
  json body = studio::TinyModelBody("on-imported");
  body["training_config"]["symbols"] = {"SCALEX"};
  body["training_config"]["start_date"] = "2020-01-01";
  body["training_config"]["end_date"] = "2021-06-30";
  const std::string model =
      Id(Send(port, "POST", "/api/ai-studio/models/", body), "id");
  const std::string run =
      Id(Send(port, "POST", "/api/ai-studio/models/" + model + "/train/"),
         "job_id");
  json done = Poll(port, "/api/ai-studio/training-jobs/" + run + "/",
                   [](const json& j) {
                     const std::string s = j.value("status", "");
                     return s == "COMPLETED" || s == "FAILED";
                   });
  EXPECT_EQ(done.value("status", ""), "COMPLETED") << done.dump();
  EXPECT_EQ(Send(port, "GET", "/api/ai-studio/models/" + model + "/")
                .value("data_source", ""),
            "imported");
}

TEST_F(ScaleOutTest, TwoApiServersDeliverEachWebhookEventOncePerReceiver) {
  notify::WebhookReceiver a, b;
  ASSERT_GT(a.port(), 0);
  ASSERT_GT(b.port(), 0);
  testing::ChildProcess api, api2, worker;
  const int port = StartApi(&api, "api");
  const int port2 = StartApi(&api2, "api2");
  ASSERT_NE(port, 0);
  ASSERT_NE(port2, 0);
  token_ = NewToken("alice");
  for (const notify::WebhookReceiver* r : {&a, &b}) {
    int status = 0;
    json hook = Send(
        port, "POST", "/api/ai-studio/webhooks/",
        {{"url", r->url()}, {"events", {"training_job.completed"}}}, &status);
    ASSERT_EQ(status, 201) << hook.dump();
  }
  std::vector<std::string> runs;
  for (int i = 0; i < 6; ++i) {
    const std::string id =
        Id(Send(port, "POST", "/api/ai-studio/models/",
                studio::TinyModelBody("hook-" + std::to_string(i))),
           "id");
    runs.push_back(Id(Send(i % 2 ? port : port2, "POST",
                           "/api/ai-studio/models/" + id + "/train/"),
                      "job_id"));
  }
  StartWorker(&worker, "w1");
  for (const std::string& run : runs) {
    json j = Poll(port, "/api/ai-studio/training-jobs/" + run + "/",
                  [](const json& j) {
                    const std::string s = j.value("status", "");
                    return s == "COMPLETED" || s == "FAILED";
                  });
    EXPECT_EQ(j.value("status", ""), "COMPLETED") << j.dump();
  }
  a.WaitFor(6);
  b.WaitFor(6);
  // Both servers poll the outbox four times a second: give a second send
  // time to happen if it were going to.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (notify::WebhookReceiver* r : {&a, &b}) {
    std::multiset<std::string> jobs;
    for (const httplib::Request& req : r->requests()) {
      EXPECT_EQ(req.get_header_value("X-Sharewise-Event"),
                "training_job.completed");
      jobs.insert(json::parse(req.body)["data"].value("job_id", ""));
    }
    EXPECT_EQ(jobs.size(), 6u);  // one per event, none twice
    for (const std::string& run : runs) EXPECT_EQ(jobs.count(run), 1u) << run;
  }
  for (auto* p : {&api, &api2, &worker}) p->Signal(SIGTERM);
  EXPECT_EQ(worker.Wait(), 0) << worker.Errors();
}

// A FREE token's 100 requests an hour are 100 in total, not 100 per server:
// each server adds its requests to the shared count every second and takes
// back every other server's.
TEST_F(ScaleOutTest, ARateLimitHoldsInTotalAcrossTwoApiServers) {
  testing::ChildProcess api, api2;
  const int port = StartApi(&api, "api");
  const int port2 = StartApi(&api2, "api2");
  ASSERT_NE(port, 0);
  ASSERT_NE(port2, 0);
  token_ = NewToken("bob", "FREE", "user");
  std::map<int, int> statuses;
  auto burst = [&](int p, int n) {
    for (int i = 0; i < n; ++i) {
      int status = 0;
      Send(p, "GET", "/api/jobs", nullptr, &status);
      ++statuses[status];
    }
  };
  burst(port, 60);
  EXPECT_EQ(statuses[200], 60);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // api flushes
  burst(port2, 1);  // api2 learns the token's shared count at its flush
  std::this_thread::sleep_for(std::chrono::seconds(3));
  burst(port2, 60);
  EXPECT_EQ(statuses[200], 100)
      << "200s: " << statuses[200] << ", 429s: " << statuses[429];
  EXPECT_EQ(statuses[429], 21);
  for (auto* p : {&api, &api2}) p->Signal(SIGTERM);
}

// Graceful drain (a rolling update): SIGTERM stops a worker's job at its
// next progress report, hands it back to the queue without spending an
// attempt, and the process exits 0; another worker, answering health
// probes on its own port, finishes it.
TEST_F(ScaleOutTest, ASigtermedWorkerHandsItsJobBackAndAnotherFinishesIt) {
  testing::ChildProcess api, w1, w2;
  const int port = StartApi(&api, "api");
  ASSERT_NE(port, 0);
  token_ = NewToken("alice");
  const std::string id =
      Id(Send(port, "POST", "/api/jobs",
              {{"type", "test.count"},
               {"params", {{"units", 100}, {"sleep_ms", 100}}}}),
         "id");
  StartWorker(&w1, "w1");
  json running = Poll(port, "/api/jobs/" + id, [](const json& j) {
    return j.value("current_units", 0) > 0;
  });
  ASSERT_EQ(running.value("status", ""), "running") << running.dump();
  w1.Signal(SIGTERM);
  EXPECT_EQ(w1.Wait(), 0) << w1.Errors();
  json handed_back = Send(port, "GET", "/api/jobs/" + id);
  EXPECT_EQ(handed_back.value("status", ""), "queued") << handed_back.dump();
  EXPECT_EQ(handed_back.value("attempts", -1), 0) << handed_back.dump();
  const int health_port = FreePort();
  StartWorker(&w2, "w2", health_port);
  // The worker's health port, for Kubernetes probes: the database and its
  // job threads.
  ASSERT_NE(health_port, 0);
  httplib::Client probe("127.0.0.1", health_port);
  probe.set_connection_timeout(2, 0);
  probe.set_read_timeout(10, 0);
  httplib::Result health = probe.Get("/api/v1/health");
  for (int i = 0; i < 100 && !health; ++i) {  // until the worker listens
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    health = probe.Get("/api/v1/health");
  }
  ASSERT_TRUE(health) << w2.Errors();
  EXPECT_EQ(health->status, 200) << health->body;
  const json state = json::parse(health->body);
  EXPECT_EQ(state["components"]["database"], "healthy") << health->body;
  EXPECT_EQ(state["jobs"]["workers"], 1) << health->body;
  EXPECT_EQ(probe.Get("/api/jobs")->status, 404);  // health, nothing else
  json done = Poll(port, "/api/jobs/" + id, [](const json& j) {
    const std::string s = j.value("status", "");
    return s == "completed" || s == "failed";
  });
  EXPECT_EQ(done.value("status", ""), "completed") << done.dump();
  EXPECT_EQ(done["result"].value("counted", 0), 100) << done.dump();
  EXPECT_EQ(done.value("attempts", 0), 1) << done.dump();
  for (auto* p : {&api, &w2}) p->Signal(SIGTERM);
  EXPECT_EQ(w2.Wait(), 0) << w2.Errors();
}

}  // namespace
}  // namespace trainyard
