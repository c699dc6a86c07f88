// The gym surface on the real server over HTTP: every example request of
// spec/gym-api.md (Python and cURL sections), each algorithm training a
// short task to completion, cancel, reconcile, deploy -> predict -> metrics,
// and the documented error codes. One server serves the whole suite; tasks
// are tiny (a few hundred environment steps).
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/auth.h"
#include "api/openapi.h"
#include "api/response_schema.h"
#include "app/server_app.h"
#include "core/ids.h"
#include "products/gym/gym_test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

class GymApiTest : public gym::GymServerTest {
 protected:
  static void SetUpTestSuite() {
    StartServer();
    auto* users = app_->runtime().store->users();
    auto user = api::CreateUser(users, *SystemClock::Default(), "bob",
                                store::Tier::kPro, store::Role::kUser);
    user_ = new std::string(
        api::IssueToken(users, *SystemClock::Default(), user->id, "t")->token);
  }
  static void TearDownTestSuite() {
    GymServerTest::TearDownTestSuite();
    delete user_;
  }

  void ExpectError(const httplib::Result& r, int status,
                   const std::string& code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(Body(r)["error"]["code"], code) << r->body;
  }
  // A tiny PPO task on the steady group, trained once for the suite.
  std::string TrainedTask() {
    static std::string id;
    if (id.empty()) {
      id =
          Create(json{{"name", "shared-ppo"},
                      {"model_type", "ppo"},
                      {"parameters", {{"buffer_size", 32}, {"batch_size", 32}}},
                      {"total_episodes", 40},
                      {"seed", 3}},
                 *admin_);
      json task = WaitForStatus(id, "completed", *admin_);
      EXPECT_EQ(task["status"], "completed") << task.dump();
    }
    return id;
  }
  // The reconciliation group of the document's example, saved by a task.
  void EnsureReconciliationGroup() {
    static bool done = false;
    if (done) return;
    Create(json{{"name", "define-group"},
                {"model_type", "dqn"},
                {"parameters", json::object()},
                {"total_episodes", 1},
                {"group_id", "reconciliation-group-1"},
                {"group",
                 {{"profile", "diurnal"},
                  {"users", 1600},
                  {"request_interval_s", 20},
                  {"step_seconds", 3600},
                  {"seed", 11}}}},
           *admin_);
    done = true;
  }

  static std::string* user_;
};

std::string* GymApiTest::user_ = nullptr;

// ---- the document's examples ----

// Each gym route's success answer is declared (and, since this suite's
// server checks every answer against its declaration, declared right).
TEST_F(GymApiTest, EveryGymRouteDeclaresWhatItAnswersOnSuccess) {
  size_t routes = 0;
  for (const auto& route : app_->router().routes()) {
    if (api::SurfaceTag(app_->router(), route.pattern) != "gym") continue;
    ++routes;
    EXPECT_FALSE(route.responses.empty())
        << route.method << " " << route.pattern
        << " declares no success answer (gym/responses.cc)";
    for (const api::Responds& r : route.responses) {
      if (!r.content_type.empty()) continue;
      EXPECT_NE(api::ShapeToJsonSchema(r.shape), json(false))
          << route.method << " " << route.pattern << ": malformed shape";
    }
  }
  EXPECT_GE(routes, 10u);  // the gym surface was found
}

TEST_F(GymApiTest, DocumentExampleCreateTrainingAnswersCreated) {
  // Python and cURL sections: the same dqn body.
  auto r = PostJson("/api/v1/training", json::parse(R"({
    "name": "test-training",
    "model_type": "dqn",
    "parameters": {
      "learning_rate": 0.001,
      "discount_factor": 0.99
    },
    "total_episodes": 1000
  })"),
                    *user_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  EXPECT_TRUE(IsHexId24(body["task_id"].get<std::string>()));
  EXPECT_EQ(body["status"], "created");
  EXPECT_TRUE(body["created_at"].is_string());
  // Python: status = response.json()["status"] of GET training/{task_id}.
  auto status = client_->Get(
      "/api/v1/training/" + body["task_id"].get<std::string>(), Auth(*user_));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_TRUE(Body(status)["status"].is_string());
  EXPECT_EQ(Body(status)["total_episodes"], 1000);
  // Not needed further: cancel so the worker is free.
  client_->Post(
      "/api/v1/training/" + body["task_id"].get<std::string>() + "/cancel",
      Auth(*user_), "", "application/json");
}

TEST_F(GymApiTest, DocumentExampleCurlPlaceholderIdsAreNotFound) {
  // The cURL section uses the literal ids "task-id" and "model-id".
  ExpectError(client_->Get("/api/v1/training/task-id", Auth(*user_)), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(PostJson("/api/v1/models/model-id/deploy",
                       json{{"replicas", 3},
                            {"resources", {{"cpu", "1"}, {"memory", "1Gi"}}}},
                       *user_),
              404, "RESOURCE_NOT_FOUND");
  auto r = client_->Post("/api/v1/training/task-id/reconcile", Auth(*user_),
                         "sample_size=100&group_id=reconciliation-group-1",
                         "application/x-www-form-urlencoded");
  ExpectError(r, 404, "RESOURCE_NOT_FOUND");
}

TEST_F(GymApiTest, DocumentExampleDeployThenPredictThenMetrics) {
  const std::string id = TrainedTask();
  auto r = PostJson("/api/v1/models/" + id + "/deploy", json::parse(R"({
    "replicas": 3,
    "resources": {
      "cpu": "1",
      "memory": "1Gi"
    }
  })"),
                    *admin_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["model_id"], id);
  EXPECT_EQ(body["status"], "deploying");
  EXPECT_EQ(body["deployment"]["replicas"], 3);
  EXPECT_TRUE(body["deployment"]["name"].is_string());
  EXPECT_TRUE(body["deployment"]["namespace"].is_string());
  EXPECT_EQ(body["kubernetes"]["status"], "not_configured");

  json models;
  for (int i = 0; i < 500; ++i) {
    models =
        Body(client_->Get("/api/v1/models?status=deployed", Auth(*admin_)));
    if (models["total"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(models["total"], 1) << models.dump();
  EXPECT_EQ(models["models"][0]["model_id"], id);

  const int kRequests = 7;
  std::vector<float> obs(25, 0.0f);
  obs[14] = 10.0f;  // service 0's request rate
  for (int i = 0; i < kRequests; ++i) {
    auto p = PostJson("/api/v1/models/" + id + "/predict",
                      json{{"observation", obs}}, *admin_);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->status, 200) << p->body;
    json a = Body(p);
    ASSERT_EQ(a["action"].size(), 1u);  // ppo acts on the joint index
    ASSERT_EQ(a["replicas"].size(), 4u);
    for (const json& n : a["replicas"]) {
      EXPECT_GE(n.get<int>(), 0);
      EXPECT_LE(n.get<int>(), 4);
    }
  }
  auto m = client_->Get("/api/v1/models/" + id + "/metrics?interval=1h",
                        Auth(*admin_));
  ASSERT_TRUE(m);
  ASSERT_EQ(m->status, 200) << m->body;
  json metrics = Body(m)["metrics"];
  // Hourly buckets (one, or two across an hour boundary): throughput x
  // 3600 s summed over them counts the requests made.
  double requests = 0.0;
  for (const json& v : metrics["throughput"]["values"]) {
    requests += v.get<double>() * 3600.0;
  }
  EXPECT_NEAR(requests, kRequests, 1e-9);
  ASSERT_GE(metrics["latency"]["values"].size(), 1u);
  EXPECT_GT(metrics["latency"]["values"][0].get<double>(), 0.0);
  EXPECT_GE(metrics["resource_usage"]["memory"]["values"].size(), 1u);
  EXPECT_TRUE(metrics["resource_usage"]["cpu"]["timestamps"].is_array());
}

TEST_F(GymApiTest, PerServiceTaskTrainsReconcilesAndPredictsCounts) {
  const std::string id =
      Create(json{{"name", "per-service"},
                  {"model_type", "ppo"},
                  {"parameters",
                   {{"buffer_size", 32}, {"batch_size", 32}, {"gamma", 0}}},
                  {"total_episodes", 20},
                  {"group_id", "bursty"},
                  {"environment",
                   {{"action_mode", "per_service"},
                    {"observe_time", true},
                    {"observe_trend", true},
                    {"service_rewards", true},
                    {"replica_budget", 10.4}}}},
             *admin_);
  json task = WaitForStatus(id, "completed", *admin_);
  ASSERT_EQ(task["status"], "completed") << task.dump();
  // Episodes count environment steps (5), not the 20 agent steps.
  ASSERT_FALSE(task["metrics"]["episode_steps"].empty());
  EXPECT_EQ(task["metrics"]["episode_steps"][0], 5);

  auto rec =
      client_->Post("/api/v1/training/" + id + "/reconcile?sample_size=10",
                    Auth(*admin_), "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(rec);
  ASSERT_EQ(rec->status, 200) << rec->body;
  EXPECT_TRUE(Body(rec)["metrics"]["avg_latency"].is_number());
  auto sampled =
      client_->Post("/api/v1/training/" + id +
                        "/reconcile?sample_size=10&deterministic=false",
                    Auth(*admin_), "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(sampled);
  ASSERT_EQ(sampled->status, 200) << sampled->body;
  EXPECT_TRUE(Body(sampled)["metrics"]["avg_latency"].is_number());

  auto d = PostJson("/api/v1/models/" + id + "/deploy", json{{"replicas", 1}},
                    *admin_);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->status, 200) << d->body;
  // The full observation: 25 values + time (2) + trend (4).
  std::vector<float> obs(31, 0.1f);
  auto predict = [&] {
    return PostJson("/api/v1/models/" + id + "/predict",
                    json{{"observation", obs}}, *admin_);
  };
  httplib::Result p = predict();
  for (int i = 0; i < 500 && p && p->status == 503; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    p = predict();
  }
  ASSERT_TRUE(p);
  ASSERT_EQ(p->status, 200) << p->body;
  json a = Body(p);
  ASSERT_EQ(a["action"].size(), 4u);  // one count per service
  for (size_t s = 0; s < 4; ++s) {
    EXPECT_EQ(a["replicas"][s], a["action"][s]);
  }
  auto wrong =
      PostJson("/api/v1/models/" + id + "/predict",
               json{{"observation", std::vector<float>(25, 0.1f)}}, *admin_);
  ExpectError(wrong, 400, "VALIDATION_ERROR");
  // The 400 says precisely why the documents' 25 values do not fit.
  const std::string why = Body(wrong)["error"]["details"]["observation"][0];
  EXPECT_NE(why.find("must have 31 values, got 25"), std::string::npos) << why;
  EXPECT_NE(why.find("time_of_day.sin and time_of_day.cos (observe_time)"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("request_rate_trend per service (observe_trend)"),
            std::string::npos)
      << why;

  // The layout is published, and the same observation by name gives the
  // same answer.
  json model = Body(client_->Get("/api/v1/models/" + id, Auth(*admin_)));
  ASSERT_EQ(model["observation"]["size"], 31) << model.dump();
  const json& layout = model["observation"]["layout"];
  ASSERT_EQ(layout.size(), 31u);
  EXPECT_EQ(layout[25]["name"], "time_of_day.sin");
  EXPECT_EQ(layout[14]["unit"], "requests/s");
  EXPECT_EQ(model["action"]["encoding"], "per_service");
  json named = json::object();
  for (const json& field : layout)
    named[field["name"].get<std::string>()] = 0.1;
  auto by_name = PostJson("/api/v1/models/" + id + "/predict",
                          json{{"observation", named}}, *admin_);
  ASSERT_EQ(by_name->status, 200) << by_name->body;
  EXPECT_EQ(Body(by_name)["replicas"], a["replicas"]);
  named.erase("mean_latency");
  named["latency"] = 0.1;
  auto bad_names = PostJson("/api/v1/models/" + id + "/predict",
                            json{{"observation", named}}, *admin_);
  ExpectError(bad_names, 400, "VALIDATION_ERROR");
  EXPECT_NE(bad_names->body.find("missing values: mean_latency"),
            std::string::npos)
      << bad_names->body;
  EXPECT_NE(bad_names->body.find("observation.latency"), std::string::npos)
      << bad_names->body;

  // Steps count environment steps; the agent took one decision per service
  // in each (a rollout may run past the last episode).
  json models =
      Body(client_->Get("/api/v1/models?per_page=100", Auth(*admin_)));
  json metrics;
  for (const json& m : models["models"]) {
    if (m["model_id"] == id) metrics = m["metrics"];
  }
  ASSERT_TRUE(metrics.is_object()) << models.dump();
  EXPECT_GE(metrics["steps"].get<int64_t>(), 20 * 5);
  EXPECT_LT(metrics["steps"].get<int64_t>(), 20 * 5 + 32);
  EXPECT_EQ(metrics["agent_steps"].get<int64_t>(),
            4 * metrics["steps"].get<int64_t>());
}

TEST_F(GymApiTest, DocumentExampleReconcileWithQueryParameters) {
  // Python: params={"sample_size": 100, "group_id": "reconciliation-group-1"}.
  EnsureReconciliationGroup();
  const std::string id = TrainedTask();
  auto r = client_->Post("/api/v1/training/" + id +
                             "/reconcile?sample_size=100&group_id="
                             "reconciliation-group-1",
                         Auth(*admin_), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  EXPECT_EQ(body["task_id"], id);
  EXPECT_EQ(body["model_type"], "ppo");
  EXPECT_TRUE(body["wandb_run_id"].is_null());  // no W&B project given
  EXPECT_EQ(body["sample_size"], 100);
  EXPECT_TRUE(body["timestamp"].is_string());
  EXPECT_EQ(body["model_weights_path"],
            "model_storage/ppo/" + id + "/policy.tyrl");
  for (const char* key : {"avg_reward", "avg_latency", "avg_throughput",
                          "success_rate", "latency_std", "reward_std"}) {
    EXPECT_TRUE(body["metrics"][key].is_number()) << key;
  }
  EXPECT_TRUE(body["metrics"].contains("adaptation_score"));
  const double success = body["metrics"]["success_rate"];
  EXPECT_GE(success, 0.0);
  EXPECT_LE(success, 1.0);
  EXPECT_TRUE(body["baselines"]["hpa"]["avg_reward"].is_number());
  // Every figure the policy gets, the baselines get too.
  for (const char* name : {"hpa", "static", "max_replicas"}) {
    for (const char* key :
         {"avg_reward", "avg_latency", "latency_std", "reward_std",
          "p95_latency", "served_latency", "failed_request_share",
          "avg_throughput", "avg_offered_rate", "success_rate"}) {
      EXPECT_TRUE(body["baselines"][name][key].is_number())
          << name << "." << key;
    }
  }
}

TEST_F(GymApiTest, ReconcileAskedToRespondAsyncIsAJobWhoseResultIsTheAnswer) {
  const std::string id = TrainedTask();
  const std::string path =
      "/api/v1/training/" + id + "/reconcile?sample_size=60&group_id=steady";
  auto now = client_->Post(path, Auth(*admin_), "", "application/json");
  ASSERT_EQ(now->status, 200) << now->body;
  httplib::Headers async = Auth(*admin_);
  async.emplace("Prefer", "respond-async");
  auto later = client_->Post(path, async, "", "application/json");
  ASSERT_EQ(later->status, 202) << later->body;
  const std::string job_id = Body(later)["job_id"];
  EXPECT_EQ(later->get_header_value("Location"), "/api/jobs/" + job_id);
  json job;
  for (int i = 0; i < 3000; ++i) {
    job = Body(client_->Get("/api/jobs/" + job_id, Auth(*admin_)));
    if (job["status"] != "queued" && job["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["type"], "gym.reconcile");
  json expected = Body(now), got = job["result"];
  expected.erase("timestamp");
  got.erase("timestamp");
  EXPECT_EQ(got, expected);  // the same load and policy, the same figures
}

TEST_F(GymApiTest, StaticBaselineIsSizedForTheMeanLoadAndServesIt) {
  const std::string id = TrainedTask();
  json body = Body(client_->Post(
      "/api/v1/training/" + id + "/reconcile?sample_size=100&group_id=steady",
      Auth(*admin_), "", "application/json"));
  const json& s = body["baselines"]["static"];
  // 60 req/s over 4 services at 10 req/s per replica and 75 % utilisation.
  EXPECT_EQ(s["replicas_per_service"], 2) << body.dump();
  EXPECT_TRUE(s["definition"].is_string());
  EXPECT_GT(s["avg_throughput"].get<double>(), 50.0);
  EXPECT_LT(s["avg_latency"].get<double>(), 1000.0);
  EXPECT_LT(s["failed_request_share"].get<double>(), 0.05);
  EXPECT_EQ(s["avg_replicas"], 8.0);
  // Without failed requests the served requests' latency (request-weighted
  // over the run) is the per-step mean latency up to the weighting.
  for (const char* name : {"hpa", "static", "max_replicas"}) {
    const json& b = body["baselines"][name];
    if (b["failed_request_share"].get<double>() > 0) continue;
    EXPECT_NEAR(b["served_latency"].get<double>(),
                b["avg_latency"].get<double>(),
                0.02 * b["avg_latency"].get<double>())
        << name;
  }
}

TEST_F(GymApiTest, TrainingStatusListsRecentEpisodesWithASummaryAndPages) {
  const std::string id = Create(json{{"name", "many-episodes"},
                                     {"model_type", "q_learning"},
                                     {"parameters", json::object()},
                                     {"total_episodes", 150}},
                                *user_);
  json task = WaitForStatus(id, "completed", *user_);
  ASSERT_EQ(task["status"], "completed") << task.dump();
  // A status poll: the last 100 episodes and a summary of all 150.
  const json& m = task["metrics"];
  EXPECT_EQ(m["episode_rewards"].size(), 100u);
  EXPECT_EQ(m["episode_steps"].size(), 100u);
  EXPECT_EQ(m["episode_latencies"].size(), 100u);
  EXPECT_EQ(m["series"]["total_episodes"], 150);
  EXPECT_EQ(m["series"]["first_episode"], 50);
  EXPECT_TRUE(m["series"]["next"].is_null());
  EXPECT_EQ(m["summary"]["episodes"], 150);
  EXPECT_TRUE(m["summary"]["mean_reward_last_100"].is_number());
  EXPECT_EQ(m["summary"]["env_steps"], 750);
  // Everything on request.
  json all = Body(client_->Get("/api/v1/training/" + id + "?episodes=all",
                               Auth(*user_)))["metrics"];
  ASSERT_EQ(all["episode_rewards"].size(), 150u);
  EXPECT_EQ(json(std::vector<json>(all["episode_rewards"].begin() + 50,
                                   all["episode_rewards"].end())),
            m["episode_rewards"]);
  // Or a page at a time.
  json page = Body(client_->Get(
      "/api/v1/training/" + id + "?episode_offset=0&episode_limit=60",
      Auth(*user_)))["metrics"];
  ASSERT_EQ(page["episode_rewards"].size(), 60u);
  EXPECT_EQ(page["episode_rewards"][0], all["episode_rewards"][0]);
  EXPECT_EQ(page["series"]["next"], "?episode_offset=60&episode_limit=60");
  json last = Body(client_->Get(
      "/api/v1/training/" + id + "?episode_offset=120&episode_limit=60",
      Auth(*user_)))["metrics"];
  EXPECT_EQ(last["episode_rewards"].size(), 30u);
  EXPECT_TRUE(last["series"]["next"].is_null());
  ExpectError(
      client_->Get("/api/v1/training/" + id + "?episode_limit=0", Auth(*user_)),
      400, "VALIDATION_ERROR");
}

// A trained DQN must answer load with replicas: what it sees at predict
// (raw values, normalised with the statistics frozen at the end of
// training, in the layout it trained on) must be what it saw in training.
// One node and one service under a day of load between ~15 and ~45 req/s
// (one replica serves 10): each decision is a bandit (gamma 0) whose best
// count grows with the request rate.
TEST_F(GymApiTest, TrainedDqnAsksForMoreReplicasUnderLoad) {
  const std::string id =
      Create(json{{"name", "dqn-responds-to-load"},
                  {"model_type", "dqn"},
                  {"parameters",
                   {{"learning_rate", 0.001},
                    {"gamma", 0},
                    {"learning_starts", 200},
                    {"exploration_fraction", 0.5}}},
                  {"total_episodes", 800},
                  {"seed", 5},
                  {"group_id", "one-service-day"},
                  {"group",
                   {{"profile", "diurnal"},
                    {"users", 600},
                    {"request_interval_s", 20},
                    {"step_seconds", 3600},
                    {"seed", 5}}},
                  {"environment",
                   {{"nodes", 1}, {"services", 1}, {"max_replicas", 6}}}},
             *admin_);
  // 4,000 DQN steps: about 10 s on a quiet machine, minutes on a busy one.
  json task = json::object();
  for (int i = 0; i < 20 && task.value("status", "") != "completed" &&
                  task.value("status", "") != "failed";
       ++i) {
    task = WaitForStatus(id, "completed", *admin_);
  }
  ASSERT_EQ(task["status"], "completed") << task.dump();
  ASSERT_EQ(PostJson("/api/v1/models/" + id + "/deploy", json{{"replicas", 1}},
                     *admin_)
                ->status,
            200);
  // The layout: node0 cpu, memory, network; service0 replicas,
  // utilisation, request rate; mean latency. Three replicas running.
  auto replicas = [&](double rate, double latency_s) {
    const json named = {{"node0.cpu_used", 3 * 0.5 / 4},
                        {"node0.memory_used", 3 * 1.0 / 8},
                        {"node0.network_used", rate * 50 * 8 / 1000 / 1000},
                        {"service0.replicas", 3},
                        {"service0.utilisation", rate / 30},
                        {"service0.request_rate", rate},
                        {"mean_latency", latency_s}};
    auto predict = [&] {
      return PostJson("/api/v1/models/" + id + "/predict",
                      json{{"observation", named}}, *admin_);
    };
    httplib::Result r = predict();
    for (int i = 0; i < 500 && r && r->status == 503; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      r = predict();
    }
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return Body(r)["replicas"][0].get<int>();
  };
  // The day's trough (15 req/s: 3 replicas are best at the default
  // replica cost) and its peak with the queue overloaded (45 req/s on 3
  // replicas: rho 1.5, every request failed at 10 s; 6 are best).
  const int quiet = replicas(15.0, 0.116);
  const int overloaded = replicas(45.0, 10.0);
  EXPECT_GT(overloaded, quiet)
      << "quiet " << quiet << ", overloaded " << overloaded;
  EXPECT_GE(overloaded, 5);
}

TEST_F(GymApiTest, LoadGroupsAreListedThroughTheApi) {
  EnsureReconciliationGroup();  // saved by the admin
  json admin = Body(client_->Get("/api/v1/groups", Auth(*admin_)));
  std::map<std::string, json> by_id;
  for (const json& g : admin["groups"]) by_id[g["group_id"]] = g;
  for (const char* builtin : {"steady", "diurnal", "bursty"}) {
    ASSERT_TRUE(by_id.count(builtin)) << admin.dump();
    EXPECT_EQ(by_id[builtin]["built_in"], true);
  }
  EXPECT_EQ(by_id["steady"]["base_request_rate"], 60.0);
  EXPECT_EQ(by_id["diurnal"]["group"]["profile"], "diurnal");
  ASSERT_TRUE(by_id.count("reconciliation-group-1")) << admin.dump();
  EXPECT_EQ(by_id["reconciliation-group-1"]["built_in"], false);
  EXPECT_EQ(by_id["reconciliation-group-1"]["group"]["users"], 1600);
  // Groups are per user.
  json user = Body(client_->Get("/api/v1/groups", Auth(*user_)));
  for (const json& g : user["groups"]) {
    EXPECT_NE(g["group_id"], "reconciliation-group-1");
  }
  json page = Body(client_->Get("/api/v1/groups?per_page=2", Auth(*admin_)));
  EXPECT_EQ(page["groups"].size(), 2u);
  EXPECT_EQ(page["total"], admin["total"]);
}

TEST_F(GymApiTest, DocumentExampleReconcileWithCurlFormBody) {
  EnsureReconciliationGroup();
  const std::string id = TrainedTask();
  auto r = client_->Post("/api/v1/training/" + id + "/reconcile", Auth(*admin_),
                         "sample_size=100&group_id=reconciliation-group-1",
                         "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["sample_size"], 100);
  EXPECT_EQ(Body(r)["group_id"], "reconciliation-group-1");
}

// ---- behaviour ----

TEST_F(GymApiTest, ReconcileIsReproducibleForAFixedGroupSeed) {
  const std::string id = TrainedTask();
  auto run = [&] {
    json body = Body(client_->Post(
        "/api/v1/training/" + id + "/reconcile?sample_size=50&group_id=bursty",
        Auth(*admin_), "", "application/json"));
    return body["metrics"];
  };
  json a = run(), b = run();
  EXPECT_EQ(a, b);
}

TEST_F(GymApiTest, EachAlgorithmTrainsAShortTaskToCompletion) {
  const std::vector<std::pair<std::string, json>> algos = {
      {"q_learning", json::object()},
      {"dqn", {{"learning_starts", 20}, {"batch_size", 16}}},
      // 16-step rollouts: the last one runs past the 10th episode.
      {"ppo", {{"buffer_size", 16}, {"batch_size", 16}, {"epochs", 2}}},
      {"sac", {{"learning_starts", 20}, {"batch_size", 16}}},
      {"td3", {{"learning_starts", 20}, {"batch_size", 16}}}};
  for (const auto& [algo, params] : algos) {
    const std::string id = Create(json{{"name", "short-" + algo},
                                       {"model_type", algo},
                                       {"parameters", params},
                                       {"total_episodes", 10}},
                                  *user_);
    json task = WaitForStatus(id, "completed", *user_);
    ASSERT_EQ(task["status"], "completed") << algo << ": " << task.dump();
    EXPECT_EQ(task["progress"], 1.0);
    EXPECT_EQ(task["current_episode"], 10);
    EXPECT_EQ(task["metrics"]["episode_rewards"].size(), 10u) << algo;
    EXPECT_EQ(task["metrics"]["episode_steps"][0], 5) << algo;
    EXPECT_GT(task["metrics"]["episode_latencies"][0].get<double>(), 0.0);
    EXPECT_TRUE(task["metrics"]["losses"].is_object());
  }
  json models = Body(client_->Get("/api/v1/models?per_page=100", Auth(*user_)));
  std::set<std::string> types;
  for (const json& m : models["models"]) types.insert(m["type"]);
  EXPECT_EQ(types,
            (std::set<std::string>{"q_learning", "dqn", "ppo", "sac", "td3"}));
  EXPECT_EQ(models["page"], 1);
  EXPECT_EQ(models["per_page"], 100);
}

TEST_F(GymApiTest, ListShowsOnlyTheCallersTasksWithPaging) {
  json list =
      Body(client_->Get("/api/v1/training?per_page=2&page=1", Auth(*user_)));
  EXPECT_EQ(list["page"], 1);
  EXPECT_EQ(list["per_page"], 2);
  EXPECT_LE(list["tasks"].size(), 2u);
  const std::string admin_task = TrainedTask();
  json all = Body(client_->Get("/api/v1/training?per_page=100", Auth(*user_)));
  for (const json& t : all["tasks"]) EXPECT_NE(t["task_id"], admin_task);
  ExpectError(client_->Get("/api/v1/training/" + admin_task, Auth(*user_)), 404,
              "RESOURCE_NOT_FOUND");
}

TEST_F(GymApiTest, CancelStopsARunningTaskThenCancellingAgainIs409) {
  const std::string id =
      Create(json{{"name", "long"},
                  {"model_type", "ppo"},
                  {"parameters", {{"buffer_size", 16}, {"batch_size", 16}}},
                  {"total_episodes", 100000}},
             *user_);
  WaitForStatus(id, "running", *user_);
  auto r = client_->Post("/api/v1/training/" + id + "/cancel", Auth(*user_), "",
                         "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["status"], "cancelled") << r->body;
  EXPECT_TRUE(Body(r)["updated_at"].is_string());
  ExpectError(client_->Post("/api/v1/training/" + id + "/cancel", Auth(*user_),
                            "", "application/json"),
              409, "CONFLICT");
}

// ---- error codes ----

TEST_F(GymApiTest, MissingFieldsAre400) {
  ExpectError(PostJson("/api/v1/training", json{{"model_type", "dqn"}}, *user_),
              400, "VALIDATION_ERROR");
  ExpectError(PostJson("/api/v1/training",
                       json{{"name", "x"},
                            {"model_type", "a2c"},
                            {"parameters", json::object()},
                            {"total_episodes", 1}},
                       *user_),
              400, "VALIDATION_ERROR");
}

TEST_F(GymApiTest, UnknownParameterKeysAre422) {
  auto r = PostJson("/api/v1/training",
                    json{{"name", "x"},
                         {"model_type", "q_learning"},
                         {"parameters", {{"batch_size", 32}, {"epochs", 100}}},
                         {"total_episodes", 5}},
                    *user_);
  ExpectError(r, 422, "VALIDATION_ERROR");
  EXPECT_TRUE(Body(r)["error"]["details"].contains("parameters.batch_size"));
}

TEST_F(GymApiTest, BadEnvironmentSettingsAre422) {
  ExpectError(PostJson("/api/v1/training",
                       json{{"name", "x"},
                            {"model_type", "ppo"},
                            {"parameters", json::object()},
                            {"total_episodes", 5},
                            {"environment",
                             {{"replica_cpu", 8}, {"initial_replicas", 4}}}},
                       *user_),
              422, "VALIDATION_ERROR");
}

TEST_F(GymApiTest, NoTokenIs401) {
  ExpectError(client_->Get("/api/v1/training"), 401, "AUTHENTICATION_ERROR");
  ExpectError(client_->Get("/api/v1/models"), 401, "AUTHENTICATION_ERROR");
}

TEST_F(GymApiTest, SystemMetricsAreForAdminsOnly) {
  ExpectError(client_->Get("/api/v1/metrics", Auth(*user_)), 403,
              "PERMISSION_DENIED");
  auto r = client_->Get("/api/v1/metrics?interval=1m", Auth(*admin_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = Body(r);
  EXPECT_GE(body["system"]["cpu_usage"]["values"].size(), 1u);
  const double memory = body["system"]["memory_usage"]["values"][0];
  EXPECT_GT(memory, 0.0);
  EXPECT_LT(memory, 1.0);
  EXPECT_EQ(body["kubernetes"]["status"], "not_configured");
  EXPECT_TRUE(body["training"]["active_tasks"].is_number());
  EXPECT_TRUE(body["training"]["completed_tasks"].is_number());
}

TEST_F(GymApiTest, SystemMetricsAverageTheCompletedTasksTrainingTime) {
  TrainedTask();
  auto r = client_->Get("/api/v1/metrics", Auth(*admin_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json training = Body(r)["training"];
  EXPECT_GE(training["completed_tasks"].get<int>(), 1) << training.dump();
  ASSERT_TRUE(training["average_training_seconds"].is_number())
      << training.dump();
  EXPECT_GE(training["average_training_seconds"].get<double>(), 0.0);
  EXPECT_TRUE(training["average_training_time"].is_string());
}

TEST_F(GymApiTest, AMisspeltGroupNamesTheNearestGroup) {
  auto r = PostJson("/api/v1/training",
                    json{{"name", "x"},
                         {"model_type", "dqn"},
                         {"parameters", json::object()},
                         {"total_episodes", 1},
                         {"group_id", "diurnall"}},
                    *user_);
  ExpectError(r, 404, "RESOURCE_NOT_FOUND");
  EXPECT_NE(r->body.find("did you mean 'diurnal'?"), std::string::npos)
      << r->body;
}

TEST_F(GymApiTest, UnknownGroupIs404AndRedefiningAGroupIs409) {
  ExpectError(PostJson("/api/v1/training",
                       json{{"name", "x"},
                            {"model_type", "ppo"},
                            {"parameters", json::object()},
                            {"total_episodes", 1},
                            {"group_id", "nope"}},
                       *user_),
              404, "RESOURCE_NOT_FOUND");
  ExpectError(PostJson("/api/v1/training",
                       json{{"name", "x"},
                            {"model_type", "ppo"},
                            {"parameters", json::object()},
                            {"total_episodes", 1},
                            {"group_id", "diurnal"},
                            {"group", {{"profile", "constant"}}}},
                       *user_),
              409, "CONFLICT");
}

// A misspelt parameter must not silently reconcile on the task's own group
// or with deterministic actions.
TEST_F(GymApiTest, AMisspeltReconcileOrStatusParameterIsRejected) {
  const std::string id = TrainedTask();
  auto r = client_->Post(
      "/api/v1/training/" + id + "/reconcile?sample_size=10&grup_id=bursty",
      Auth(*admin_), "", "application/json");
  ExpectError(r, 400, "VALIDATION_ERROR");
  const std::string why = Body(r)["error"]["details"]["grup_id"][0];
  EXPECT_NE(why.find("did you mean \"group_id\"?"), std::string::npos) << why;
  ExpectError(
      client_->Get("/api/v1/training/" + id + "?episode=all", Auth(*admin_)),
      400, "VALIDATION_ERROR");
}

TEST_F(GymApiTest, ReconcileErrors) {
  const std::string id = TrainedTask();
  ExpectError(client_->Post("/api/v1/training/" + id + "/reconcile",
                            Auth(*admin_), "", "application/json"),
              400, "VALIDATION_ERROR");
  ExpectError(
      client_->Post("/api/v1/training/" + id + "/reconcile?sample_size=0",
                    Auth(*admin_), "", "application/json"),
      400, "VALIDATION_ERROR");
  ExpectError(client_->Post("/api/v1/training/" + id +
                                "/reconcile?sample_size=10&deterministic=maybe",
                            Auth(*admin_), "", "application/json"),
              400, "VALIDATION_ERROR");
  ExpectError(client_->Post("/api/v1/training/" + id +
                                "/reconcile?sample_size=10&group_id=unknown",
                            Auth(*admin_), "", "application/json"),
              404, "RESOURCE_NOT_FOUND");
  // A task that has not trained yet has no model.
  const std::string queued = Create(json{{"name", "later"},
                                         {"model_type", "dqn"},
                                         {"parameters", json::object()},
                                         {"total_episodes", 100000}},
                                    *admin_);
  ExpectError(
      client_->Post("/api/v1/training/" + queued + "/reconcile?sample_size=10",
                    Auth(*admin_), "", "application/json"),
      404, "RESOURCE_NOT_FOUND");
  client_->Post("/api/v1/training/" + queued + "/cancel", Auth(*admin_), "",
                "application/json");
}

TEST_F(GymApiTest, DeployValidatesResourceQuantities) {
  const std::string id = TrainedTask();
  auto r = PostJson("/api/v1/models/" + id + "/deploy",
                    json{{"replicas", 2},
                         {"resources", {{"cpu", "lots"}, {"memory", "1Gb"}}},
                         {"strategy", "blue-green"}},
                    *admin_);
  ExpectError(r, 400, "VALIDATION_ERROR");
  json details = Body(r)["error"]["details"];
  EXPECT_TRUE(details.contains("resources.cpu"));
  EXPECT_TRUE(details.contains("resources.memory"));
  EXPECT_TRUE(details.contains("strategy"));
}

}  // namespace
}  // namespace trainyard

namespace trainyard {
namespace {

// Deployments live in the server process; a restarted server brings back
// the models its store lists as deployed.
TEST(GymRestartTest, DeployedModelsServeAgainAfterARestart) {
  testing::TempDir tmp;
  Config config;
  config.home = tmp.Sub("home");
  config.port = 0;
  config.workers = 1;
  std::string token, id;
  auto post = [](httplib::Client& client, const std::string& token,
                 const std::string& path, const json& body) {
    return client.Post(path, {{"Authorization", "Bearer " + token}},
                       body.dump(), "application/json");
  };
  {
    auto app = app::ServerApp::Create(config);
    ASSERT_TRUE(app.ok());
    token = *(*app)->bootstrap_token();
    ASSERT_TRUE((*app)->Start().ok());
    httplib::Client client("127.0.0.1", (*app)->port());
    auto r = post(client, token, "/api/v1/training",
                  json{{"name", "r"},
                       {"model_type", "q_learning"},
                       {"parameters", json::object()},
                       {"total_episodes", 4}});
    ASSERT_EQ(r->status, 200) << r->body;
    id = json::parse(r->body)["task_id"];
    for (int i = 0; i < 1000; ++i) {
      auto t = client.Get("/api/v1/training/" + id,
                          {{"Authorization", "Bearer " + token}});
      if (json::parse(t->body)["status"] == "completed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(post(client, token, "/api/v1/models/" + id + "/deploy",
                   json{{"replicas", 2}})
                  ->status,
              200);
    for (int i = 0; i < 500; ++i) {
      auto m = client.Get("/api/v1/models?status=deployed",
                          {{"Authorization", "Bearer " + token}});
      if (json::parse(m->body)["total"] == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    (*app)->Stop();
  }
  auto app = app::ServerApp::Create(config);
  ASSERT_TRUE(app.ok());
  ASSERT_TRUE((*app)->Start().ok());
  httplib::Client client("127.0.0.1", (*app)->port());
  int status = 0;
  std::string body;
  for (int i = 0; i < 500 && status != 200; ++i) {
    auto p = post(client, token, "/api/v1/models/" + id + "/predict",
                  json{{"observation", std::vector<float>(25, 0.0f)}});
    ASSERT_TRUE(p);
    status = p->status;
    body = p->body;
    if (status != 200)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(json::parse(body)["replicas"].size(), 4u);
  (*app)->Stop();
}

}  // namespace
}  // namespace trainyard
