// The ILP surface (spec/ilp-api.md) against the real server over HTTP: every
// example request of the document, replayed verbatim (with a bearer token),
// the files it writes, and the errors for bad input, unknown models and
// paths that try to leave the data directory. Training runs are tiny.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "api/auth.h"
#include "api/openapi.h"
#include "api/response_schema.h"
#include "app/server_app.h"
#include "core/test_support.h"
#include "tracking/csv_logger.h"

namespace trainyard {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The document's example bodies, verbatim.
constexpr const char* kInitializeExample = R"({
    "base_path": "<path_to_your_cloned_repository>",
    "reset_env_var": true
})";
constexpr const char* kDdpgTrainExample = R"({
    "max_steps": 2,
    "n_episodes": 2,
    "model_name": "model_storage/ddpg/ddpg_fazool",
    "alpha": 0.001,
    "beta": 0.001,
    "tau": 0.8,
    "batch_size": 50,
    "training": true,
    "agent_budget_usd": 10000,
    "use_running_statistics": false
})";
constexpr const char* kDdpgEvaluateExample = R"({
    "eval_steps": 2,
    "eval_episodes": 2,
    "model_name": "model_storage/ddpg/ddpg_fazool",
    "percentage_range": 0.6,
    "agent_budget_usd": 10000,
    "use_running_statistics": false
})";
constexpr const char* kPpoTrainExample = R"({
    "max_steps": 2,
    "n_episodes": 2,
    "model_name": "model_storage/ppo/ppo2_fazool22",
    "buffer_size": 5,
    "n_epochs": 20,
    "gamma": 0.5,
    "alpha": 0.001,
    "gae_lambda": 0.75,
    "policy_clip": 0.6,
    "max_grad_norm": 0.6,
    "agent_budget_usd": 10000,
    "use_running_statistics": false,
    "action_transform": "linear"
})";
constexpr const char* kPpoEvaluateExample = R"({
    "eval_steps": 2,
    "eval_episodes": 2,
    "model_name": "model_storage/ppo/ppo2_fazool",
    "percentage_range": 0.5,
    "agent_budget_usd": 10000,
    "use_running_statistics": false,
    "action_transform": "linear"
})";
constexpr const char* kInferenceExample = R"({
    "pool_state": {
        "current_profit": 500,
        "price_out_of_range": false,
        "time_since_last_adjustment": 40000,
        "pool_volatility": 0.2
    },
    "user_preferences": {
        "risk_tolerance": {"profit_taking": 50, "stop_loss": -500},
        "investment_horizon": 7,
        "liquidity_preference": {"adjust_on_price_out_of_range": true},
        "risk_aversion_threshold": 0.1,
        "user_status": "new_user"
    },
    "pool_id": "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36",
    "ddpg_agent_path": "model_storage/ddpg/ddpg_1",
    "ppo_agent_path": "model_storage/ppo/lstm_actor_critic_batch_norm"
})";
constexpr const char* kPredictExample = R"({
    "pool_id": "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36",
    "ddpg_agent_path": "model_storage/ddpg/ddpg_1",
    "ppo_agent_path": "model_storage/ppo/lstm_actor_critic_batch_norm",
    "date_str": "2024-05-05"
})";
constexpr const char* kDownloadTrainExample =
    "/api/v1/file/download/?file_path=model_outdir_csv/ddpg/"
    "ppo_prod1&file_name=train_logs.csv";
constexpr const char* kDownloadEvalExample =
    "/api/v1/file/download/?file_path=model_outdir_csv/ppo/"
    "ppo_prod1&file_name=eval_logs.csv";

// A tiny training body for `algo` and model `name` (2 episodes of 2 steps).
std::string TinyTrain(const std::string& algo, const std::string& name,
                      const std::string& extra = "") {
  std::string body =
      R"({"max_steps": 2, "n_episodes": 2, "model_name": ")" + name + "\"";
  if (algo == "ppo") body += R"(, "buffer_size": 4, "n_epochs": 2)";
  return body + extra + "}";
}

class IlpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartApp();
    admin_ = *app_->bootstrap_token();
    auto* users = app_->runtime().store->users();
    auto user = api::CreateUser(users, *SystemClock::Default(), "lp",
                                store::Tier::kPro, store::Role::kUser);
    user_id_ = user->id;
    user_ =
        api::IssueToken(users, *SystemClock::Default(), user->id, "t")->token;
  }
  void TearDown() override { app_->Stop(); }
  // A fresh server process on the same data directory (tokens persist).
  void StartApp() {
    Config config;
    config.home = tmp_.Sub("home");
    config.port = 0;
    config.workers = 2;
    // Requests answer synchronously here however loaded the machine; the
    // hand-off to a job past the bound has its own tests.
    config.sync_request_ms = sync_request_ms_;
    auto app = app::ServerApp::Create(config, {.check_responses = true});
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    ASSERT_TRUE(app_->Start().ok());
    home_ = app_->runtime().data_dir->root();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    client_->set_read_timeout(120, 0);
  }
  void RestartApp() {
    client_.reset();
    app_->Stop();
    app_.reset();
    StartApp();
  }
  // Writes `content` at <data dir>/<rel>, creating directories.
  void WriteHomeFile(const std::string& rel, const std::string& content) {
    fs::create_directories(fs::path(Home(rel)).parent_path());
    std::ofstream(Home(rel), std::ios::binary) << content;
  }

  httplib::Headers Auth(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& token = "") {
    return client_->Post(path, Auth(token.empty() ? user_ : token), body,
                         "application/json");
  }
  httplib::Result Get(const std::string& path) {
    return client_->Get(path, Auth(user_));
  }
  static json Body(const httplib::Result& r) { return json::parse(r->body); }
  void ExpectError(const httplib::Result& r, int status,
                   const std::string& code, const std::string& field = "") {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    json b = Body(r);
    EXPECT_EQ(b["error"]["code"], code) << r->body;
    EXPECT_TRUE(b["timestamp"].is_string());
    if (!field.empty()) {
      EXPECT_TRUE(b["error"]["details"].contains(field)) << r->body;
    }
  }
  // Waits until the job leaves "running"; returns the last train-result.
  json WaitForTraining(const std::string& algo, const std::string& job_id) {
    json r;
    for (int i = 0; i < 1200; ++i) {
      r = Body(Get("/api/v1/" + algo + "/train-result/?job_id=" + job_id));
      if (r["status"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return r;
  }
  // Trains and waits; asserts the job finished.
  json TrainAndWait(const std::string& algo, const std::string& body) {
    auto r = Post("/api/v1/" + algo + "/train/", body);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    json done = WaitForTraining(algo, Body(r)["job_id"]);
    EXPECT_EQ(done["status"], "done") << done.dump();
    return done;
  }
  std::string Home(const std::string& rel) { return home_ + "/" + rel; }
  // Where version `version` of the test user's model lives on disk, from
  // the logical "model_storage/<algo>/<name>" (or model_outdir_csv/...).
  std::string Owned(const std::string& logical, int version = 1) {
    const size_t a = logical.find('/'), b = logical.find('/', a + 1);
    return logical.substr(0, b) + "/" + user_id_ + logical.substr(b) + "/v" +
           std::to_string(version);
  }
  tracking::CsvTable ReadCsv(const std::string& rel) {
    auto t = tracking::ReadCsv(Home(rel));
    EXPECT_TRUE(t.ok()) << rel;
    return t.ok() ? *t : tracking::CsvTable{};
  }

  // Polls GET /api/jobs/{id} as `token` until the job has ended.
  json WaitForJob(const std::string& id, const std::string& token) {
    json job;
    for (int i = 0; i < 2400; ++i) {
      auto r = client_->Get("/api/jobs/" + id, Auth(token));
      if (!r || r->status != 200) return json();
      job = Body(r);
      if (job["status"] != "queued" && job["status"] != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return job;
  }

  testing::TempDir tmp_;
  int64_t sync_request_ms_ = 3'600'000;
  std::unique_ptr<app::ServerApp> app_;
  std::unique_ptr<httplib::Client> client_;
  std::string admin_, user_, user_id_, home_;
};

// ------------------------------------------------------- 1. initialize-script

TEST_F(IlpApiTest, InitializeScriptExampleConfiguresTheBasePath) {
  auto r = Post("/api/v1/initialize-script/", kInitializeExample, admin_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["message"],
            "Base path and reset env var configured successfully");
  // The placeholder is a (strange but legal) directory inside the data dir.
  EXPECT_TRUE(fs::is_directory(Home("<path_to_your_cloned_repository>")));
  // Relative model paths now live under it.
  json t = TrainAndWait("ddpg", TinyTrain("ddpg", "based"));
  EXPECT_TRUE(
      fs::exists(Home("<path_to_your_cloned_repository>/" +
                      Owned("model_storage/ddpg/based") + "/policy.tyrl")));
  // Back to the data directory itself.
  r = Post("/api/v1/initialize-script/",
           json{{"base_path", home_}, {"reset_env_var", true}}.dump(), admin_);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(IlpApiTest, InitializeScriptRefusesPathsOutsideTheDataDirectory) {
  for (const char* bad : {"/etc", "../outside", "a/../../b"}) {
    ExpectError(
        Post("/api/v1/initialize-script/",
             json{{"base_path", bad}, {"reset_env_var", false}}.dump(), admin_),
        400, "VALIDATION_ERROR", "base_path");
  }
  ExpectError(
      Post("/api/v1/initialize-script/", R"({"base_path": "x"})", admin_), 400,
      "VALIDATION_ERROR", "reset_env_var");
}

TEST_F(IlpApiTest, TheBasePathSurvivesARestartUntilReset) {
  auto r =
      Post("/api/v1/initialize-script/",
           R"({"base_path": "projects/lp", "reset_env_var": false})", admin_);
  ASSERT_EQ(r->status, 200) << r->body;
  RestartApp();
  TrainAndWait("ddpg", TinyTrain("ddpg", "m"));
  EXPECT_TRUE(fs::exists(
      Home("projects/lp/" + Owned("model_storage/ddpg/m") + "/policy.tyrl")));
  // reset_env_var restores the default before applying base_path ".".
  r = Post("/api/v1/initialize-script/",
           R"({"base_path": ".", "reset_env_var": true})", admin_);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["base_path"], home_);
  RestartApp();
  TrainAndWait("ddpg", TinyTrain("ddpg", "m"));
  EXPECT_TRUE(
      fs::exists(Home(Owned("model_storage/ddpg/m", 2) + "/policy.tyrl")));
  // Version 1 stays where it was trained, and stays downloadable.
  r =
      Get("/api/v1/file/download/?file_path=model_outdir_csv/ddpg/m/v1"
          "&file_name=train_logs.csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

TEST_F(IlpApiTest, InitializeScriptIsForAdminsOnly) {
  ExpectError(Post("/api/v1/initialize-script/", kInitializeExample), 403,
              "PERMISSION_DENIED");
}

// ---------------------------------------------------------------- 2./3. DDPG

TEST_F(IlpApiTest, DdpgTrainExampleStartsAJobThatWritesModelAndLogs) {
  auto r = Post("/api/v1/ddpg/train/", kDdpgTrainExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["status"], "running");
  EXPECT_EQ(b["ddpg_actor_model_path"],
            "model_storage/ddpg/ddpg_fazool/v1/policy.tyrl");
  EXPECT_EQ(b["ddpg_critic_model_path"],
            "model_storage/ddpg/ddpg_fazool/v1/checkpoint.tyrl");
  EXPECT_EQ(b["max_steps"], 2);
  EXPECT_EQ(b["time_consumed"], 0);
  json done = WaitForTraining("ddpg", b["job_id"]);
  EXPECT_EQ(done["status"], "done") << done.dump();
  EXPECT_EQ(done["progress"], 1.0);
  EXPECT_TRUE(done["time_consumed"].is_number_integer());
  EXPECT_TRUE(fs::exists(
      Home(Owned("model_storage/ddpg/ddpg_fazool") + "/policy.tyrl")));
  EXPECT_TRUE(fs::exists(
      Home(Owned("model_storage/ddpg/ddpg_fazool") + "/checkpoint.tyrl")));
  EXPECT_TRUE(fs::exists(
      Home(Owned("model_storage/ddpg/ddpg_fazool") + "/ilp_model.json")));
  // One row per environment step: 2 episodes x 2 steps.
  tracking::CsvTable csv =
      ReadCsv(Owned("model_outdir_csv/ddpg/ddpg_fazool") + "/train_logs.csv");
  ASSERT_EQ(csv.rows.size(), 4u);
  for (const char* col :
       {"episode", "step", "action_0", "price_lower", "tick_upper",
        "reward_usd", "reward", "fee_income_usd", "impermanent_loss_usd",
        "gas_usd", "cumulative_reward_usd", "value_usd", "sqrt_price_x96",
        "price", "tick", "liquidity", "fee_growth_global0_x128"}) {
    EXPECT_NE(std::find(csv.columns.begin(), csv.columns.end(), col),
              csv.columns.end())
        << col;
  }
}

// A worker on another host (its own data directory) places the job in its
// own: nothing in the job names this server's.
TEST_F(IlpApiTest, TrainingJobParamsHoldNoPathOfTheServersDataDirectory) {
  auto r = Post("/api/v1/ddpg/train/", kDdpgTrainExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string id = Body(r)["job_id"];
  json job = WaitForJob(id, user_);
  EXPECT_EQ(job["status"], "completed") << job.dump();
  ASSERT_TRUE(job["params"].is_object()) << job.dump();
  EXPECT_EQ(job["params"].dump().find(home_), std::string::npos)
      << job["params"].dump();
  EXPECT_EQ(job["params"]["data_model_dir"],
            Owned("model_storage/ddpg/ddpg_fazool"));
}

TEST_F(IlpApiTest, DdpgEvaluateExampleComparesWithTheFixedRangeBaseline) {
  TrainAndWait("ddpg", kDdpgTrainExample);
  auto r = Post("/api/v1/ddpg/evaluate/", kDdpgEvaluateExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["message"], "Evaluation performed");
  EXPECT_TRUE(b["agent"]["mean_reward_usd"].is_number());
  EXPECT_TRUE(b["baselines"]["fixed"]["mean_gas_usd"].is_number());
  // The fixed baseline mints once per episode: $15 of gas at 30 gwei.
  EXPECT_NEAR(b["baselines"]["fixed"]["mean_gas_usd"].get<double>(), 15.0,
              1e-9);
  EXPECT_EQ(b["eval_logs_path"],
            "model_outdir_csv/ddpg/ddpg_fazool/v1/eval_logs.csv");
  tracking::CsvTable csv =
      ReadCsv(Owned("model_outdir_csv/ddpg/ddpg_fazool") + "/eval_logs.csv");
  EXPECT_EQ(csv.rows.size(), 4u);
  EXPECT_NE(
      std::find(csv.columns.begin(), csv.columns.end(), "fixed_reward_usd"),
      csv.columns.end());
  EXPECT_TRUE(fs::exists(
      Home(Owned("model_outdir_csv/ddpg/ddpg_fazool") + "/eval_plot.png")));
}

TEST_F(IlpApiTest, EvaluateRunsEveryRequestedBaselineOnTheSameSeeds) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "m"));
  auto r = Post("/api/v1/ddpg/evaluate/",
                R"({"eval_steps": 3, "eval_episodes": 1, "model_name": "m",
                    "baselines": ["hodl", "full_range", "fixed", "tau_reset"]})");
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r)["baselines"];
  EXPECT_EQ(b.size(), 4u);
  EXPECT_EQ(b["hodl"]["mean_reward_usd"], 0.0);  // never in the pool
}

TEST_F(IlpApiTest, EvaluateAskedToRespondAsyncIsAJobWhoseResultIsTheAnswer) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "m"));
  const std::string body =
      R"({"eval_steps": 20, "eval_episodes": 2, "model_name": "m",
          "baselines": ["hodl", "fixed"]})";
  auto now = Post("/api/v1/ddpg/evaluate/", body);
  ASSERT_EQ(now->status, 200) << now->body;
  httplib::Headers async = Auth(user_);
  async.emplace("Prefer", "respond-async");
  auto later =
      client_->Post("/api/v1/ddpg/evaluate/", async, body, "application/json");
  ASSERT_TRUE(later);
  ASSERT_EQ(later->status, 202) << later->body;
  const json accepted = Body(later);
  const std::string id = accepted["job_id"];
  EXPECT_EQ(accepted["status_url"], "/api/jobs/" + id);
  EXPECT_EQ(later->get_header_value("Location"), "/api/jobs/" + id);
  const json job = WaitForJob(id, user_);
  ASSERT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["type"], "ilp.evaluate");
  EXPECT_EQ(job["progress"], 1.0);
  EXPECT_EQ(job["result"], Body(now));  // the same seeds, the same answer
}

TEST_F(IlpApiTest, AnotherUserCannotSeeAnEvaluationJob) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "m"));
  httplib::Headers async = Auth(user_);
  async.emplace("Prefer", "respond-async");
  auto r = client_->Post("/api/v1/ddpg/evaluate/", async,
                         R"({"eval_steps": 3, "eval_episodes": 1,
                             "model_name": "m"})",
                         "application/json");
  ASSERT_EQ(r->status, 202) << r->body;
  auto* users = app_->runtime().store->users();
  auto eve = api::CreateUser(users, *SystemClock::Default(), "eve",
                             store::Tier::kElite, store::Role::kUser);
  const std::string eve_token =
      api::IssueToken(users, *SystemClock::Default(), eve->id, "t")->token;
  auto seen = client_->Get("/api/jobs/" + Body(r)["job_id"].get<std::string>(),
                           Auth(eve_token));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->status, 404) << seen->body;
}

TEST_F(IlpApiTest, AnEvaluationPastTheServersBoundContinuesAsAJob) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "m"));
  sync_request_ms_ = 1;
  RestartApp();
  auto r =
      Post("/api/v1/ddpg/evaluate/",
           R"({"eval_steps": 4000, "eval_episodes": 2, "model_name": "m"})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  EXPECT_NE(Body(r)["message"].get<std::string>().find("continues as a job"),
            std::string::npos);
  const json job = WaitForJob(Body(r)["job_id"], user_);
  ASSERT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["total_units"], 8000);
  EXPECT_EQ(job["result"]["message"], "Evaluation performed");
  EXPECT_EQ(job["result"]["eval_steps"], 4000);
}

// ----------------------------------------------------------------- 4./5. PPO

TEST_F(IlpApiTest, PpoTrainExampleAnswersWithTheModelPaths) {
  auto r = Post("/api/v1/ppo/train/", kPpoTrainExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["ppo_actor_model_path"],
            "model_storage/ppo/ppo2_fazool22/v1/policy.tyrl");
  EXPECT_EQ(b["ppo_critic_model_path"],
            "model_storage/ppo/ppo2_fazool22/v1/checkpoint.tyrl");
  json done = WaitForTraining("ppo", b["job_id"]);
  EXPECT_EQ(done["status"], "done") << done.dump();
  EXPECT_TRUE(fs::exists(
      Home(Owned("model_storage/ppo/ppo2_fazool22") + "/policy.tyrl")));
  // train-result without a job id reports the caller's latest job.
  json latest = Body(Get("/api/v1/ppo/train-result/"));
  EXPECT_EQ(latest["job_id"], b["job_id"]);
  json by_name =
      Body(Get("/api/v1/ppo/train-result/?model_name=ppo2_fazool22"));
  EXPECT_EQ(by_name["job_id"], b["job_id"]);
}

TEST_F(IlpApiTest, PpoEvaluateExampleEvaluatesTheNamedModel) {
  // The example evaluates ppo2_fazool (the train example writes
  // ppo2_fazool22): train it with the train example's settings first.
  std::string body = kPpoTrainExample;
  body.replace(body.find("ppo2_fazool22"), 13, "ppo2_fazool");
  TrainAndWait("ppo", body);
  auto r = Post("/api/v1/ppo/evaluate/", kPpoEvaluateExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["message"], "Evaluation performed");
  EXPECT_EQ(
      ReadCsv(Owned("model_outdir_csv/ppo/ppo2_fazool") + "/eval_logs.csv")
          .rows.size(),
      4u);
}

// Each ILP route's success answer is declared (and, since this suite's
// server checks every answer against its declaration, declared right).
TEST_F(IlpApiTest, EveryIlpRouteDeclaresWhatItAnswersOnSuccess) {
  size_t routes = 0;
  for (const auto& route : app_->router().routes()) {
    if (api::SurfaceTag(app_->router(), route.pattern) != "ILP" ||
        route.pattern == "/api/v1/") {
      continue;
    }
    ++routes;
    EXPECT_FALSE(route.responses.empty())
        << route.method << " " << route.pattern
        << " declares no success answer (ilp/responses.cc)";
    for (const api::Responds& r : route.responses) {
      if (!r.content_type.empty()) continue;
      EXPECT_NE(api::ShapeToJsonSchema(r.shape), json(false))
          << route.method << " " << route.pattern << ": malformed shape";
    }
  }
  EXPECT_GE(routes, 10u);  // the ILP surface was found
}

// ------------------------------------------------- 6./7. inference, predict

class IlpInferenceTest : public IlpApiTest {
 protected:
  void SetUp() override {
    IlpApiTest::SetUp();
    TrainAndWait("ddpg", TinyTrain("ddpg", "model_storage/ddpg/ddpg_1"));
    TrainAndWait(
        "ppo",
        TinyTrain("ppo", "model_storage/ppo/lstm_actor_critic_batch_norm",
                  R"(, "policy": "lstm_actor_critic_batch_norm")"));
  }
  const std::string env_pool_ = "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36";
  static void ExpectRange(const json& a) {
    ASSERT_TRUE(a.is_object()) << a.dump();
    EXPECT_LT(a["tick_lower"].get<int>(), a["tick_upper"].get<int>());
    EXPECT_EQ(a["tick_lower"].get<int>() % 60, 0);  // the pool's spacing
    EXPECT_LT(a["price_lower"].get<double>(), a["price_upper"].get<double>());
  }
};

TEST_F(IlpInferenceTest, InferenceExampleAddsLiquidityForANewUser) {
  auto r = Post("/api/v1/inference/", kInferenceExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["strategy_action"], "add_liquidity");
  EXPECT_TRUE(b["strategy_reason"].is_string());
  ExpectRange(b["ddpg_action"]);
  ExpectRange(b["ppo_action"]);
  EXPECT_EQ(b["data_source"], "synthetic");
}

TEST_F(IlpInferenceTest, PredictActionExampleReturnsBothAgentsRanges) {
  auto r = Post("/api/v1/predict-action/", kPredictExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json b = Body(r);
  ExpectRange(b["ddpg_action"]);
  ExpectRange(b["ppo_action"]);
  // The agents act around the pool price of the (synthetic) state.
  const double price = b["price"];
  EXPECT_LE(b["ppo_action"]["price_lower"].get<double>(), price);
  EXPECT_GE(b["ppo_action"]["price_upper"].get<double>(), price);
  // Same date, same state, same (deterministic) answer.
  EXPECT_EQ(Body(Post("/api/v1/predict-action/", kPredictExample)), b);
}

TEST_F(IlpInferenceTest, BadInferenceInputNamesTheNestedField) {
  json body = json::parse(kInferenceExample);
  body["pool_state"].erase("pool_volatility");
  body["user_preferences"]["risk_tolerance"]["stop_loss"] = "low";
  auto r = Post("/api/v1/inference/", body.dump());
  ExpectError(r, 400, "VALIDATION_ERROR", "pool_state.pool_volatility");
  EXPECT_TRUE(Body(r)["error"]["details"].contains(
      "user_preferences.risk_tolerance.stop_loss"));
  ExpectError(Post("/api/v1/predict-action/",
                   R"({"pool_id": "0xdead", "date_str": "2024-13-01"})"),
              400, "VALIDATION_ERROR", "pool_id");
}

TEST_F(IlpInferenceTest, PredictionUsesImportedPoolDataWhenPresent) {
  // Prices around 3000 (the preset starts at 2000) up to 2024-05-05.
  std::string csv = "timestamp,price\n";
  for (int i = 0; i < 60; ++i)
    csv += std::to_string(1714780800 + i * 3600) + "," +
           std::to_string(3000 + i) + "\n";
  ExpectError(Post("/api/v1/pool-data/import/",
                   json{{"pool_id", env_pool_}, {"csv", csv}}.dump()),
              403, "PERMISSION_DENIED");
  auto r = Post("/api/v1/pool-data/import/",
                json{{"pool_id", env_pool_}, {"csv", csv}}.dump(), admin_);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["rows"], 60);
  json b = Body(Post("/api/v1/predict-action/", kPredictExample));
  EXPECT_EQ(b["data_source"], "imported");
  // The last price at or before 2024-05-05 23:59 is row 47 (3047); the
  // arbitrageur keeps the pool within the 0.3% fee band plus 0.05%.
  EXPECT_NEAR(b["price"].get<double>(), 3047.0, 3047.0 * 0.0036);
  EXPECT_EQ(b["data_timestamp"], 1714780800 + 47 * 3600);
  ExpectError(
      Post("/api/v1/pool-data/import/",
           json{{"pool_id", env_pool_}, {"csv", "1,5\n1,6\n"}}.dump(), admin_),
      400, "VALIDATION_ERROR", "csv");
}

TEST_F(IlpApiTest, PredictWithMissingModelsIsNotFound) {
  ExpectError(Post("/api/v1/predict-action/", kPredictExample), 404,
              "RESOURCE_NOT_FOUND");
}

// -------------------------------------------------------------- 8. download

TEST_F(IlpApiTest, DownloadExamplesStreamTheLogsAsAttachments) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "ppo_prod1"));
  TrainAndWait("ppo", TinyTrain("ppo", "ppo_prod1"));
  ASSERT_EQ(
      Post(
          "/api/v1/ppo/evaluate/",
          R"({"eval_steps": 2, "eval_episodes": 1, "model_name": "ppo_prod1"})")
          ->status,
      200);
  auto r = Get(kDownloadTrainExample);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"train_logs.csv\"");
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv");
  std::ifstream f(
      Home(Owned("model_outdir_csv/ddpg/ppo_prod1") + "/train_logs.csv"));
  std::stringstream content;
  content << f.rdbuf();
  EXPECT_EQ(r->body, content.str());
  r = Get(kDownloadEvalExample);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body.rfind("episode,step,agent_", 0), 0u);
}

TEST_F(IlpApiTest, ALargeFileDownloadsIntactInChunks) {
  // 5 MiB + 7 bytes of varied content: many 64 KiB chunks and a short tail.
  std::string content(5 * 1024 * 1024 + 7, '\0');
  uint32_t x = 12345;
  for (char& c : content) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  TrainAndWait("ddpg", TinyTrain("ddpg", "big"));
  WriteHomeFile(Owned("model_outdir_csv/ddpg/big") + "/blob.bin", content);
  auto r =
      Get("/api/v1/file/download/?file_path=model_outdir_csv/ddpg/big"
          "&file_name=blob.bin");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(r->get_header_value("Content-Length"),
            std::to_string(content.size()));
  EXPECT_EQ(r->body.size(), content.size());
  EXPECT_TRUE(r->body == content);
}

TEST_F(IlpApiTest, DownloadOfAMissingFileIs400) {
  ExpectError(Get(kDownloadTrainExample), 400, "VALIDATION_ERROR", "file_name");
  ExpectError(Get("/api/v1/file/download/?file_path=model_outdir_csv"), 400,
              "VALIDATION_ERROR", "file_name");
}

TEST_F(IlpApiTest, DownloadRefusesPathsLeavingTheDataDirectory) {
  ExpectError(
      Get("/api/v1/file/download/?file_path=../../../etc&file_name=passwd"),
      400, "VALIDATION_ERROR", "file_path");
  ExpectError(Get("/api/v1/file/download/?file_path=/etc&file_name=passwd"),
              400, "VALIDATION_ERROR", "file_path");
  ExpectError(
      Get("/api/v1/file/download/?file_path=.&file_name=../../etc/passwd"), 400,
      "VALIDATION_ERROR", "file_name");
}

// ------------------------------------------------------------ bad requests

TEST_F(IlpApiTest, BadTrainingParametersAreValidationErrors) {
  ExpectError(Post("/api/v1/ppo/train/",
                   TinyTrain("ppo", "m", R"(, "action_transform": "cubic")")),
              400, "VALIDATION_ERROR", "action_transform");
  ExpectError(
      Post("/api/v1/ddpg/train/", R"({"max_steps": -5, "model_name": "m"})"),
      400, "VALIDATION_ERROR", "max_steps");
  ExpectError(Post("/api/v1/ddpg/train/", R"({"max_steps": 5})"), 400,
              "VALIDATION_ERROR", "model_name");
  ExpectError(
      Post("/api/v1/ddpg/train/", TinyTrain("ddpg", "m", R"(, "colour": 1)")),
      400, "VALIDATION_ERROR", "colour");
  ExpectError(Post("/api/v1/ddpg/train/", TinyTrain("ddpg", "../../escape")),
              400, "VALIDATION_ERROR", "model_name");
  ExpectError(
      Post("/api/v1/ppo/train/", TinyTrain("ppo", "m", R"(, "gamma": 1.5)")),
      400, "VALIDATION_ERROR", "gamma");
  ExpectError(Post("/api/v1/ppo/train/", "{not json"), 400, "VALIDATION_ERROR");
  ExpectError(
      Post("/api/v1/ddpg/train/", TinyTrain("ddpg", "m", R"(, "hidden": [0])")),
      400, "VALIDATION_ERROR", "hidden");
  ExpectError(
      Post("/api/v1/ppo/train/", TinyTrain("ppo", "m", R"(, "hidden": [])")),
      400, "VALIDATION_ERROR", "hidden");
  ExpectError(Post("/api/v1/ddpg/train/",
                   TinyTrain("ddpg", "m", R"(, "hidden": [8, 8, 8, 8, 8])")),
              400, "VALIDATION_ERROR", "hidden");
}

TEST_F(IlpApiTest, HiddenLayerSizesAreRecordedAndTheModelEvaluates) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "small", R"(, "hidden": [16, 8])"));
  std::ifstream info(
      Home(Owned("model_storage/ddpg/small") + "/ilp_model.json"));
  EXPECT_EQ(json::parse(info)["params"]["hidden"], json::array({16, 8}));
  auto r =
      Post("/api/v1/ddpg/evaluate/",
           R"({"model_name": "small", "eval_steps": 2, "eval_episodes": 1})");
  ASSERT_EQ(r->status, 200) << r->body;
}

TEST_F(IlpApiTest, WelcomeExampleNeedsNoToken) {
  auto r = client_->Get("/api/v1/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body),
            "Intelligent Liquidity Provisioning Framework");
}

TEST_F(IlpApiTest, BadEvaluationParametersAreValidationErrors) {
  const std::string name = R"("model_name": "model_storage/ppo/ppo2_fazool")";
  ExpectError(Post("/api/v1/ppo/evaluate/",
                   "{" + name + R"(, "action_transform": "cubic"})"),
              400, "VALIDATION_ERROR", "action_transform");
  ExpectError(
      Post("/api/v1/ppo/evaluate/", "{" + name + R"(, "eval_steps": -2})"), 400,
      "VALIDATION_ERROR", "eval_steps");
  ExpectError(Post("/api/v1/ddpg/evaluate/",
                   R"({"eval_steps": 2, "eval_episodes": 2})"),
              400, "VALIDATION_ERROR", "model_name");
  ExpectError(Post("/api/v1/ppo/evaluate/",
                   "{" + name + R"(, "percentage_range": 1.5})"),
              400, "VALIDATION_ERROR", "percentage_range");
  ExpectError(Post("/api/v1/ppo/evaluate/",
                   "{" + name + R"(, "baselines": ["hodl", "moon"]})"),
              400, "VALIDATION_ERROR", "baselines");
  ExpectError(Post("/api/v1/ppo/train/",
                   TinyTrain("ppo", "m", R"(, "blocks_per_step": 0)")),
              400, "VALIDATION_ERROR", "blocks_per_step");
  ExpectError(Post("/api/v1/ddpg/train/",
                   TinyTrain("ddpg", "m", R"(, "log_std_init": -1)")),
              400, "VALIDATION_ERROR", "log_std_init");  // PPO only
}

TEST_F(IlpApiTest, RecentreModelsTrainEvaluateAndPredictWithTheirDecision) {
  TrainAndWait("ppo", TinyTrain("ppo", "lstm_actor_critic_batch_norm",
                                R"(, "action_transform": "recentre",
                                   "log_std_init": -1, "blocks_per_step": 3)"));
  TrainAndWait("ddpg", TinyTrain("ddpg", "ddpg_1",
                                 R"(, "action_transform": "recentre")"));
  auto r = Post("/api/v1/ppo/evaluate/",
                R"({"eval_steps": 3, "eval_episodes": 1,
                    "model_name": "lstm_actor_critic_batch_norm",
                    "baselines": ["hodl", "tau_reset"]})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["action_transform"], "recentre");
  EXPECT_EQ(Body(r)["baselines"]["hodl"]["mean_reward_usd"], 0.0);
  // The model records its market setting; evaluation rebuilds it from there.
  std::ifstream info(
      Home(Owned("model_storage/ppo/lstm_actor_critic_batch_norm") +
           "/ilp_model.json"));
  EXPECT_EQ(json::parse(info)["blocks_per_step"], 3);
  r = Post("/api/v1/predict-action/", R"({"date_str": "2024-05-05"})");
  ASSERT_EQ(r->status, 200) << r->body;
  for (const char* side : {"ddpg_action", "ppo_action"}) {
    const json a = Body(r)[side];
    const double a1 = a["raw_action"][1];
    const std::string want = !(a1 >= 1.0 / 3) ? "keep"
                             : a1 < 2.0 / 3   ? "move"
                                              : "exit";
    EXPECT_EQ(a["decision"], want) << side;
    EXPECT_LT(a["price_lower"].get<double>(), Body(r)["price"].get<double>());
    EXPECT_GT(a["price_upper"].get<double>(), Body(r)["price"].get<double>());
  }
}

TEST_F(IlpApiTest, TrainingNeedsAToken) {
  auto r = client_->Post("/api/v1/ddpg/train/", kDdpgTrainExample,
                         "application/json");
  ExpectError(r, 401, "AUTHENTICATION_ERROR");
}

TEST_F(IlpApiTest, EvaluatingAnUnknownModelIs404) {
  ExpectError(Post("/api/v1/ddpg/evaluate/", kDdpgEvaluateExample), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(Get("/api/v1/ddpg/train-result/?model_name=nothing"), 404,
              "RESOURCE_NOT_FOUND");
}

TEST_F(IlpApiTest, EvaluatingAModelOfAnotherAlgorithmOrACorruptFileIs400) {
  TrainAndWait("ppo", TinyTrain("ppo", "p"));
  TrainAndWait("ddpg", TinyTrain("ddpg", "wrong"));
  TrainAndWait("ddpg", TinyTrain("ddpg", "broken"));
  // A PPO policy file placed where a DDPG model is expected.
  fs::copy_file(Home(Owned("model_storage/ppo/p") + "/policy.tyrl"),
                Home(Owned("model_storage/ddpg/wrong") + "/policy.tyrl"),
                fs::copy_options::overwrite_existing);
  ExpectError(
      Post("/api/v1/ddpg/evaluate/",
           R"({"model_name": "wrong", "eval_steps": 1, "eval_episodes": 1})"),
      400, "VALIDATION_ERROR", "model_name");
  // A damaged file.
  std::ofstream(Home(Owned("model_storage/ddpg/broken") + "/policy.tyrl"))
      << "TYRLCKPT garbage";
  ExpectError(
      Post("/api/v1/ddpg/evaluate/",
           R"({"model_name": "broken", "eval_steps": 1, "eval_episodes": 1})"),
      400, "VALIDATION_ERROR", "model_name");
  // A PPO path sent to the DDPG endpoint.
  ExpectError(Post("/api/v1/ddpg/evaluate/",
                   R"({"model_name": "model_storage/ppo/p"})"),
              400, "VALIDATION_ERROR", "model_name");
  ExpectError(
      Post("/api/v1/ppo/evaluate/", R"({"model_name": "p", "eval_steps": 0})"),
      400, "VALIDATION_ERROR", "eval_steps");
}

TEST_F(IlpApiTest, CancellingARunningTrainingJobEndsItCancelled) {
  auto r = Post(
      "/api/v1/ppo/train/",
      R"({"max_steps": 1000, "n_episodes": 1000, "model_name": "long", "buffer_size": 64})");
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string id = Body(r)["job_id"];
  // A second job for the same model is refused while the first is active.
  ExpectError(Post("/api/v1/ppo/train/", TinyTrain("ppo", "long")), 409,
              "CONFLICT");
  // Wait until it has reported progress, i.e. it is really training.
  json job;
  for (int i = 0; i < 1200; ++i) {
    job = Body(Get("/api/jobs/" + id));
    if (job["current_units"].get<int64_t>() > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GT(job["current_units"].get<int64_t>(), 0) << job.dump();
  auto c = client_->Post("/api/jobs/" + id + "/cancel", Auth(user_), "",
                         "application/json");
  ASSERT_EQ(c->status, 200) << c->body;
  json done = WaitForTraining("ppo", id);
  EXPECT_EQ(done["status"], "cancelled") << done.dump();
  EXPECT_LT(done["progress"].get<double>(), 1.0);
  // It stopped after writing a checkpoint.
  EXPECT_TRUE(
      fs::exists(Home(Owned("model_storage/ppo/long") + "/checkpoint.tyrl")));
}

TEST_F(IlpInferenceTest, PredictionsFollowARetrainedModel) {
  json before = Body(Post("/api/v1/predict-action/", kPredictExample));
  // Same name, another seed: other initial weights, new file.
  TrainAndWait("ddpg", TinyTrain("ddpg", "model_storage/ddpg/ddpg_1",
                                 R"(, "seed": 12345)"));
  json after = Body(Post("/api/v1/predict-action/", kPredictExample));
  EXPECT_NE(before["ddpg_action"]["raw_action"],
            after["ddpg_action"]["raw_action"]);
  EXPECT_EQ(before["ppo_action"], after["ppo_action"]);  // unchanged model
}

// ------------------------------------------------- owners and versions

class IlpOwnershipTest : public IlpApiTest {
 protected:
  void SetUp() override {
    IlpApiTest::SetUp();
    auto* users = app_->runtime().store->users();
    auto other = api::CreateUser(users, *SystemClock::Default(), "other",
                                 store::Tier::kPro, store::Role::kUser);
    other_ =
        api::IssueToken(users, *SystemClock::Default(), other->id, "t")->token;
  }
  httplib::Result GetAs(const std::string& token, const std::string& path) {
    return client_->Get(path, Auth(token));
  }
  std::string other_;
};

TEST_F(IlpOwnershipTest, TwoUsersEachKeepTheirOwnModelOfTheSameName) {
  TrainAndWait("ppo", TinyTrain("ppo", "ppo_prod1", R"(, "seed": 1)"));
  auto r = Post("/api/v1/ppo/train/",
                TinyTrain("ppo", "ppo_prod1", R"(, "seed": 2)"), other_);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["model_version"], 1);  // the other user's first version
  const std::string job = Body(r)["job_id"];
  for (int i = 0; i < 1200; ++i) {
    json st = Body(GetAs(other_, "/api/v1/ppo/train-result/?job_id=" + job));
    if (st["status"] != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Each one's model records the seed they trained with.
  std::ifstream mine(
      Home(Owned("model_storage/ppo/ppo_prod1") + "/ilp_model.json"));
  EXPECT_EQ(json::parse(mine)["seed"], 1);
  json theirs = Body(GetAs(other_, "/api/v1/ilp/models/ppo/ppo_prod1/"));
  ASSERT_EQ(theirs["versions"].size(), 1u) << theirs.dump();
  EXPECT_EQ(theirs["versions"][0]["job_id"], job);
  json own = Body(Get("/api/v1/ilp/models/ppo/ppo_prod1/"));
  EXPECT_NE(own["versions"][0]["job_id"], job);
}

TEST_F(IlpOwnershipTest, RetrainingKeepsTheEarlierVersion) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "calm", R"(, "seed": 1)"));
  json second =
      TrainAndWait("ddpg", TinyTrain("ddpg", "calm", R"(, "seed": 2)"));
  EXPECT_EQ(second["model_version"], 2);
  EXPECT_EQ(second["model_path"], "model_storage/ddpg/calm/v2");
  EXPECT_TRUE(
      fs::exists(Home(Owned("model_storage/ddpg/calm", 1) + "/policy.tyrl")));
  // The current version is the newest; an older one can still be named.
  const std::string eval =
      R"({"eval_steps": 2, "eval_episodes": 1, "model_name": "calm")";
  auto r = Post("/api/v1/ddpg/evaluate/", eval + "}");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["model_version"], 2);
  r = Post("/api/v1/ddpg/evaluate/", eval + R"(, "model_version": 1})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["model_version"], 1);
  EXPECT_EQ(Body(r)["eval_logs_path"],
            "model_outdir_csv/ddpg/calm/v1/eval_logs.csv");
  r = Post("/api/v1/ddpg/evaluate/",
           R"({"eval_steps": 2, "eval_episodes": 1,
               "model_name": "model_storage/ddpg/calm/v3"})");
  ExpectError(r, 404, "RESOURCE_NOT_FOUND");
  // train-result names the version asked for.
  json v1 =
      Body(Get("/api/v1/ddpg/train-result/?model_name=calm&model_version=1"));
  EXPECT_EQ(v1["model_version"], 1);
  EXPECT_EQ(v1["status"], "done");
}

TEST_F(IlpOwnershipTest, TheModelListShowsVersionsAndEvaluations) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "a"));
  TrainAndWait("ppo", TinyTrain("ppo", "b"));
  ASSERT_EQ(Post("/api/v1/ppo/evaluate/",
                 R"({"eval_steps": 2, "eval_episodes": 1, "model_name": "b"})")
                ->status,
            200);
  json list = Body(Get("/api/v1/ilp/models/"));
  EXPECT_EQ(list["count"], 2);
  ASSERT_EQ(list["results"].size(), 2u);
  const json& b = list["results"][0];  // newest first
  EXPECT_EQ(b["model_name"], "model_storage/ppo/b");
  EXPECT_EQ(b["latest_version"], 1);
  EXPECT_EQ(b["versions"][0]["status"], "done");
  EXPECT_TRUE(
      b["versions"][0]["evaluation"]["agent"]["mean_reward_usd"].is_number());
  EXPECT_TRUE(list["results"][1]["versions"][0]["evaluation"].is_null());
  // Nobody else sees them; only admins may list everyone's.
  EXPECT_EQ(Body(GetAs(other_, "/api/v1/ilp/models/"))["count"], 0);
  ExpectError(GetAs(other_, "/api/v1/ilp/models/?scope=all"), 403,
              "PERMISSION_DENIED");
  json all = Body(GetAs(admin_, "/api/v1/ilp/models/?scope=all"));
  EXPECT_EQ(all["count"], 2);
  EXPECT_EQ(all["results"][0]["owner_id"], user_id_);
}

TEST_F(IlpOwnershipTest, AnotherUsersModelIsInvisible) {
  TrainAndWait("ppo", TinyTrain("ppo", "secret"));
  ExpectError(GetAs(other_, "/api/v1/ilp/models/ppo/secret/"), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(GetAs(other_, "/api/v1/ppo/train-result/?model_name=secret"), 404,
              "RESOURCE_NOT_FOUND");
  ExpectError(Post("/api/v1/ppo/evaluate/",
                   R"({"eval_steps": 2, "eval_episodes": 1,
                       "model_name": "secret"})",
                   other_),
              404, "RESOURCE_NOT_FOUND");
  ExpectError(Post("/api/v1/predict-action/",
                   R"({"ppo_agent_path": "model_storage/ppo/secret/v1",
                       "ddpg_agent_path": "model_storage/ddpg/secret"})",
                   other_),
              404, "RESOURCE_NOT_FOUND");
}

TEST_F(IlpOwnershipTest, DownloadsServeOnlyTheCallersOwnArtifacts) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "ppo_prod1"));
  const std::string mine =
      "/api/v1/file/download/?file_path=model_outdir_csv/ddpg/ppo_prod1"
      "&file_name=train_logs.csv";
  ASSERT_EQ(Get(mine)->status, 200);
  // The other user's own namespace has no such model: as if missing.
  ExpectError(GetAs(other_, mine), 400, "VALIDATION_ERROR", "file_name");
  // Nor can they reach the files by their place on disk.
  const std::string physical = "/api/v1/file/download/?file_path=" +
                               Owned("model_outdir_csv/ddpg/ppo_prod1") +
                               "&file_name=train_logs.csv";
  ExpectError(GetAs(other_, physical), 400, "VALIDATION_ERROR", "file_name");
  // An admin may.
  EXPECT_EQ(GetAs(admin_, physical)->status, 200);
}

TEST_F(IlpOwnershipTest, TheDatabaseAndUnregisteredFilesAreNeverServed) {
  WriteHomeFile("datasets/notes.csv", "a,b\n");
  for (const std::string& q :
       {std::string("file_path=.&file_name=trainyard.db"),
        std::string("file_path=.&file_name=trainyard.db-wal"),
        std::string("file_path=./&file_name=trainyard.db-shm"),
        std::string("file_path=model_storage/..&file_name=trainyard.db"),
        std::string("file_path=datasets&file_name=notes.csv")}) {
    for (const std::string& token : {user_, admin_}) {
      auto r = GetAs(token, "/api/v1/file/download/?" + q);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 400) << q << " " << r->body.substr(0, 40);
      EXPECT_EQ(r->body.find("SQLite format"), std::string::npos);
    }
  }
}

// ------------------------------------------ issue 22: the first hour (ILP)

TEST_F(IlpApiTest, TrainingDefaultsToTheRecentreActionTransform) {
  json done = TrainAndWait("ppo", TinyTrain("ppo", "plain"));
  EXPECT_EQ(done["action_transform"], "recentre");
  std::ifstream info(
      Home(Owned("model_storage/ppo/plain") + "/ilp_model.json"));
  EXPECT_EQ(json::parse(info)["action_transform"], "recentre");
}

TEST_F(IlpApiTest, AMisspeltPoolNameIsRejectedWithTheNearestPool) {
  auto r = Post("/api/v1/ppo/train/",
                TinyTrain("ppo", "typo", R"(, "pools": ["WETH/USDC-calmm"])"));
  ExpectError(r, 400, "VALIDATION_ERROR");
  const std::string why = Body(r)["error"]["details"]["pools"][0];
  EXPECT_NE(why.find("did you mean \"WETH/USDC-calm\"?"), std::string::npos)
      << why;
  EXPECT_NE(why.find("known: WETH/USDC, "), std::string::npos) << why;
}

TEST_F(IlpApiTest, AShortTrainingSaysItIsTooShortToLearn) {
  auto r = Post("/api/v1/ppo/train/", TinyTrain("ppo", "brief"));
  ASSERT_EQ(r->status, 200) << r->body;
  const json warnings = Body(r)["warnings"];
  ASSERT_EQ(warnings.size(), 1u) << warnings.dump();
  EXPECT_NE(warnings[0].get<std::string>().find("too short to learn"),
            std::string::npos);
  json done = WaitForTraining("ppo", Body(r)["job_id"]);
  EXPECT_EQ(done["warnings"][0], warnings[0]);
}

TEST_F(IlpApiTest, ABoundMapTransformIsWarnedAboutGas) {
  auto r =
      Post("/api/v1/ppo/train/",
           TinyTrain("ppo", "bounds", R"(, "action_transform": "linear")"));
  ASSERT_EQ(r->status, 200) << r->body;
  bool warned = false;
  const json body = Body(r);  // not a temporary: the loop keeps references
  for (const json& w : body["warnings"])
    warned |= w.get<std::string>().find("paying burn, collect and mint gas") !=
              std::string::npos;
  EXPECT_TRUE(warned) << r->body;
}

TEST_F(IlpApiTest, TrainResultReportsEpisodesEndedEarlyAndWhy) {
  // A $100 budget re-placed by a bound-map policy pays $15-30 of gas a
  // step: the value falls below $50 within a few steps.
  json done = TrainAndWait(
      "ppo", R"({"max_steps": 20, "n_episodes": 2, "model_name": "poor",
                 "buffer_size": 40, "n_epochs": 1, "agent_budget_usd": 100,
                 "action_transform": "linear"})");
  ASSERT_TRUE(done["episodes_ended_early"].is_number_integer()) << done.dump();
  EXPECT_GE(done["episodes_ended_early"].get<int64_t>(), 1);
  EXPECT_GT(done["episodes"].get<int64_t>(), 2);  // more than n_episodes
  EXPECT_EQ(done["result"]["episodes_ended_early"],
            done["episodes_ended_early"]);
  const std::string reason = done["early_end_reason"];
  EXPECT_NE(reason.find("below 50% of agent_budget_usd (50 USD)"),
            std::string::npos)
      << reason;
}

TEST_F(IlpApiTest, TrainResultOfAFullLengthRunHasNoEarlyEndedEpisodes) {
  json done = TrainAndWait("ppo", TinyTrain("ppo", "calm"));
  EXPECT_EQ(done["episodes_ended_early"], 0);
  EXPECT_EQ(done["episodes"], 2);
}

TEST_F(IlpApiTest, IlpModelJsonStoresTypedParameters) {
  TrainAndWait("ppo", kPpoTrainExample);
  std::ifstream in(
      Home(Owned("model_storage/ppo/ppo2_fazool22") + "/ilp_model.json"));
  const json params = json::parse(in)["params"];
  EXPECT_EQ(params["alpha"], 0.001);
  EXPECT_TRUE(params["alpha"].is_number_float());
  EXPECT_EQ(params["n_epochs"], 20);
  EXPECT_EQ(params["use_running_statistics"], false);
  // train-result reads the typed description back.
  EXPECT_EQ(
      Body(Get("/api/v1/ppo/train-result/?model_name=ppo2_fazool22"))["status"],
      "done");
}

TEST_F(IlpApiTest, EvaluateSaysWhetherTheAgentBeatsTheBaselines) {
  TrainAndWait("ppo", TinyTrain("ppo", "m"));
  auto r = Post("/api/v1/ppo/evaluate/",
                R"({"eval_steps": 5, "eval_episodes": 1, "model_name": "m",
                    "baselines": ["hodl", "fixed"]})");
  ASSERT_EQ(r->status, 200) << r->body;
  const json b = Body(r);
  const double agent = b["agent"]["mean_reward_usd"];
  const double best =
      std::max(b["baselines"]["hodl"]["mean_reward_usd"].get<double>(),
               b["baselines"]["fixed"]["mean_reward_usd"].get<double>());
  EXPECT_EQ(b["beats_baselines"], agent > best + 0.005);
  const std::string verdict = b["verdict"];
  EXPECT_NE(verdict.find(agent > best + 0.005    ? "beats every baseline"
                         : agent >= best - 0.005 ? "ties the best baseline"
                                                 : "does not beat"),
            std::string::npos)
      << verdict;
  EXPECT_TRUE(b["warnings"].is_array());
}

TEST_F(IlpApiTest, HodlHoldsTokensSoItsFinalValueFollowsThePrice) {
  TrainAndWait("ppo", TinyTrain("ppo", "m"));
  auto r = Post("/api/v1/ppo/evaluate/",
                R"({"eval_steps": 50, "eval_episodes": 2, "model_name": "m",
                    "baselines": ["hodl", "fixed"]})");
  ASSERT_EQ(r->status, 200) << r->body;
  const json hodl = Body(r)["baselines"]["hodl"];
  EXPECT_EQ(hodl["mean_reward_usd"], 0.0);
  EXPECT_EQ(hodl["mean_gas_usd"], 0.0);
  EXPECT_NE(hodl["mean_final_value_usd"].get<double>(), 10000.0);
  EXPECT_NE(
      Body(r)["baseline_holdings"]["hodl"].get<std::string>().find("tokens"),
      std::string::npos);
}

TEST_F(IlpInferenceTest, PredictWithOnlyAPpoModelAsksOnlyPpo) {
  TrainAndWait("ppo", TinyTrain("ppo", "solo"));
  auto r = Post("/api/v1/predict-action/", R"({"ppo_agent_path": "solo"})");
  ASSERT_EQ(r->status, 200) << r->body;
  ExpectRange(Body(r)["ppo_action"]);
  EXPECT_TRUE(Body(r)["ddpg_action"].is_null());
}

TEST_F(IlpApiTest, PredictWithANullDdpgPathAndNoDdpgModelWorks) {
  // The caller has no DDPG model at all: nobody asked for one.
  TrainAndWait("ppo", TinyTrain("ppo", "solo"));
  auto r = Post("/api/v1/predict-action/",
                R"({"ppo_agent_path": "solo", "ddpg_agent_path": null})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Body(r)["ddpg_action"].is_null());
  EXPECT_TRUE(Body(r)["ppo_action"].is_object());
}

TEST_F(IlpApiTest, PredictWithOnlyADdpgModelAsksOnlyDdpg) {
  TrainAndWait("ddpg", TinyTrain("ddpg", "solo"));
  auto r = Post("/api/v1/predict-action/", R"({"ddpg_agent_path": "solo"})");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(Body(r)["ddpg_action"].is_object());
  EXPECT_TRUE(Body(r)["ppo_action"].is_null());
}

TEST_F(IlpApiTest, PredictWithBothAgentPathsNullIsAValidationError) {
  ExpectError(Post("/api/v1/predict-action/",
                   R"({"ppo_agent_path": null, "ddpg_agent_path": null})"),
              400, "VALIDATION_ERROR", "ppo_agent_path");
}

TEST_F(IlpInferenceTest, ADateAfterTheLastImportedPriceIsFlaggedStale) {
  std::string csv = "timestamp,price\n";  // hourly up to 2024-05-05 23:00
  for (int i = 0; i < 48; ++i)
    csv += std::to_string(1714780800 + i * 3600) + "," +
           std::to_string(3000 + i) + "\n";
  ASSERT_EQ(Post("/api/v1/pool-data/import/",
                 json{{"pool_id", env_pool_}, {"csv", csv}}.dump(), admin_)
                ->status,
            200);
  json body = json::parse(kPredictExample);
  body["date_str"] = "2024-05-20";
  const json b = Body(Post("/api/v1/predict-action/", body.dump()));
  EXPECT_EQ(b["data_source"], "imported");
  EXPECT_EQ(b["data_stale"], true);
  EXPECT_EQ(b["data_date"], "2024-05-05");
  const std::string note = b["note"];
  EXPECT_NE(note.find("no imported price on 2024-05-20"), std::string::npos);
  EXPECT_NE(note.find("15 days earlier"), std::string::npos) << note;
  // On the last imported day itself the data is current.
  const json fresh = Body(Post("/api/v1/predict-action/", kPredictExample));
  EXPECT_EQ(fresh["data_stale"], false);
  EXPECT_TRUE(fresh["note"].is_null());
}

json InferenceWith(double profit, bool out_of_range, double seconds) {
  json body = json::parse(kInferenceExample);
  body["pool_state"]["current_profit"] = profit;
  body["pool_state"]["price_out_of_range"] = out_of_range;
  body["pool_state"]["time_since_last_adjustment"] = seconds;
  body["pool_state"]["pool_volatility"] = 0.05;  // below the 0.1 threshold
  body["user_preferences"]["user_status"] = "existing_user";
  return body;
}

TEST_F(IlpInferenceTest, InferenceShowsTheCallersPositionToTheAgents) {
  const json calm =
      Body(Post("/api/v1/inference/", InferenceWith(0, false, 0).dump()));
  const json hurt =
      Body(Post("/api/v1/inference/", InferenceWith(-900, true, 36000).dump()));
  const json saw = hurt["explanation"]["agents_saw"];
  EXPECT_NEAR(saw["value_over_budget_minus_1"].get<double>(), -0.09, 1e-6);
  EXPECT_EQ(saw["in_range"], 0.0);
  EXPECT_EQ(saw["has_position"], 1.0);
  // 36000 s = 10 one-hour steps.
  EXPECT_NEAR(saw["steps_since_adjustment_over_100"].get<double>(), 0.1, 1e-6);
  EXPECT_EQ(calm["explanation"]["agents_saw"]["in_range"], 1.0);
  // DDPG's deterministic action is a smooth function of what it sees.
  EXPECT_NE(calm["ddpg_action"]["raw_action"],
            hurt["ddpg_action"]["raw_action"]);
}

TEST_F(IlpInferenceTest, InferenceTakesTheHeldRange) {
  json body = InferenceWith(0, false, 0);
  const json plain = Body(Post("/api/v1/inference/", body.dump()));
  const double price = plain["price"];
  body["pool_state"]["price_lower"] = price * 0.9;
  body["pool_state"]["price_upper"] = price * 1.2;
  const json b = Body(Post("/api/v1/inference/", body.dump()));
  const json saw = b["explanation"]["agents_saw"];
  EXPECT_NEAR(saw["log_price_lower_over_price"].get<double>(), std::log(0.9),
              1e-5);
  EXPECT_NEAR(saw["log_price_upper_over_price"].get<double>(), std::log(1.2),
              1e-5);
  body["pool_state"].erase("price_upper");
  ExpectError(Post("/api/v1/inference/", body.dump()), 400, "VALIDATION_ERROR",
              "pool_state.price_upper");
}

TEST_F(IlpInferenceTest, InferenceExplainsWhichAgentSaidWhatAndWhy) {
  const json b =
      Body(Post("/api/v1/inference/", InferenceWith(0, false, 0).dump()));
  ASSERT_EQ(b["strategy_action"], "maintain_position") << b.dump();
  const json e = b["explanation"];
  EXPECT_NE(e["overall"].get<std::string>().find("maintain_position"),
            std::string::npos);
  EXPECT_NE(e["agents"]["ddpg"].get<std::string>().find("DDPG"),
            std::string::npos);
  EXPECT_NE(e["agents"]["ppo"].get<std::string>().find("PPO"),
            std::string::npos);
  // Every agent that would act otherwise than the rules is named.
  int against = 0;
  for (const char* side : {"ddpg_action", "ppo_action"}) {
    const std::string d = b[side]["decision"];
    against += d == "exit" || d == "move";
  }
  EXPECT_EQ(e["disagreements"].size(), static_cast<size_t>(against));
  EXPECT_TRUE(b["recommended_range"].is_null());  // nothing to place
}

TEST_F(IlpInferenceTest, InferenceThatPlacesLiquidityNamesTheRangeToUse) {
  const json b = Body(Post("/api/v1/inference/", kInferenceExample));
  ASSERT_EQ(b["strategy_action"], "add_liquidity");
  EXPECT_EQ(b["recommended_range"]["from"], "ppo");
  EXPECT_EQ(b["recommended_range"]["tick_lower"],
            b["ppo_action"]["tick_lower"]);
}

}  // namespace
}  // namespace trainyard
