// The server's chain routes against a real EVM: ganache with Uniswap V3's
// own contracts (tests/chain/testnet.js, started on loopback and stopped by
// PID) behind the real server over HTTP. An admin configures RPC endpoints
// (the URLs' credentials never reach anyone else), a user imports a pool's
// history as a job and trains, evaluates and predicts on it and on the live
// pool; a second user sees and uses none of it. One chain and one server for
// the suite (ctest runs it as one test).
#include <gtest/gtest.h>
#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/auth.h"
#include "app/server_app.h"
#include "chain/history.h"
#include "chain_testnet.h"
#include "core/test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

struct World {
  testing::LocalTestnet net;
  testing::TempDir tmp;
  std::unique_ptr<app::ServerApp> app;
  std::unique_ptr<httplib::Client> client;
  std::string admin, alice, bob, alice_id;
  std::string pool0, pool1, token0;
  uint64_t block = 0;  // the chain's height once deployed

  httplib::Result Send(const std::string& method, const std::string& path,
                       const std::string& token,
                       const std::string& body = "") const {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = {{"Authorization", "Bearer " + token}};
    if (method != "GET") {
      req.body = body;
      req.headers.emplace("Content-Type", "application/json");
    }
    return client->send(req);
  }
};
World* w = nullptr;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(c));
  return s;
}

json Body(const httplib::Result& r) {
  return json::parse(r->body, nullptr, false);
}

// A tiny training body (2 episodes of 2 steps).
json TinyTrain(const std::string& algo, const std::string& name) {
  json b = {{"max_steps", 2}, {"n_episodes", 2}, {"model_name", name}};
  if (algo == "ppo") {
    b["buffer_size"] = 4;
    b["n_epochs"] = 2;
  }
  return b;
}

class IlpChainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    w = new World;
    ASSERT_TRUE(w->net.Start(TRAINYARD_CHAIN_TESTNET_DIR,
                             {"--seed", "11", "--swaps", "30"}))
        << w->net.error;
    // The server answers addresses in lower case (ethers gives them
    // checksummed): compare them as the server writes them.
    w->pool0 = Lower(w->net.info["pools"][0]["address"]);
    w->pool1 = Lower(w->net.info["pools"][1]["address"]);
    w->token0 = Lower(w->net.info["token0"]);
    w->block = w->net.info["block"];
    Config config;
    config.home = w->tmp.Sub("home");
    config.port = 0;
    config.workers = 2;
    // The tests poll imports and trainings: no hourly request limit.
    config.rate_limit_pro = 1000000;
    // A configured endpoint the API cannot replace ("cfg"); users name it.
    config.eth_rpc = "cfg=" + w->net.rpc;
    // Every success answer is checked against its route's declaration
    // (ilp/responses.cc): a mismatch is a 500 that fails the test.
    auto app = app::ServerApp::Create(config, {.check_responses = true});
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    w->app = std::move(*app);
    ASSERT_TRUE(w->app->Start().ok());
    w->client = std::make_unique<httplib::Client>("127.0.0.1", w->app->port());
    w->client->set_read_timeout(120, 0);
    w->admin = *w->app->bootstrap_token();
    auto* users = w->app->runtime().store->users();
    for (auto [name, token, id] :
         {std::tuple{"alice", &w->alice, &w->alice_id},
          std::tuple{"bob", &w->bob, static_cast<std::string*>(nullptr)}}) {
      auto user = api::CreateUser(users, *SystemClock::Default(), name,
                                  store::Tier::kPro, store::Role::kUser);
      ASSERT_TRUE(user.ok());
      if (id) *id = user->id;
      *token =
          api::IssueToken(users, *SystemClock::Default(), user->id, "t")->token;
    }
  }
  static void TearDownTestSuite() {
    if (w == nullptr) return;
    w->client.reset();
    if (w->app) w->app->Stop();
    w->net.Stop();
    delete w;
    w = nullptr;
  }
  void SetUp() override { ASSERT_NE(w, nullptr); }

  // The admin points "default" at the local chain, with credentials in the
  // URL that nobody else may see (ganache ignores basic auth).
  static void ConfigureDefault() {
    const std::string url = "http://trainer:s3cr3t-pw@" + w->net.rpc.substr(7) +
                            "/?apikey=KEY-0xfeed";
    auto r = w->Send("PUT", "/api/v1/chain/endpoints/default/", w->admin,
                     json{{"url", url}}.dump());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Starts an import as `token` and waits for it to leave "importing".
  static json ImportAndWait(const std::string& token, const json& body) {
    auto r = w->Send("POST", "/api/v1/chain/pool-history/", token, body.dump());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 202) << r->body;
    const std::string url = Body(r)["status_url"];
    json now;
    for (int i = 0; i < 1200; ++i) {
      now = Body(w->Send("GET", url, token));
      // Done once the data set left "importing" and its job has ended
      // (meta.json says "ready" just before the job is marked completed).
      const json job = now.value("job", json());
      const std::string job_status =
          job.is_object() ? job.value("status", "") : "";
      if (now.value("status", "") != "importing" && job_status != "queued" &&
          job_status != "running")
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return now;
  }

  static json TrainAndWait(const std::string& token, const std::string& algo,
                           const json& body) {
    auto r = w->Send("POST", "/api/v1/" + algo + "/train/", token, body.dump());
    EXPECT_EQ(r->status, 200) << r->body;
    const std::string job = Body(r)["job_id"];
    json now;
    for (int i = 0; i < 1200; ++i) {
      now = Body(w->Send(
          "GET", "/api/v1/" + algo + "/train-result/?job_id=" + job, token));
      if (now.value("status", "") != "running") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(now["status"], "done") << now.dump();
    return now;
  }
};

void ExpectError(const httplib::Result& r, int status, const std::string& code,
                 const std::string& field = "") {
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, status) << r->body;
  json b = Body(r);
  EXPECT_EQ(b["error"]["code"], code) << r->body;
  if (!field.empty()) {
    EXPECT_TRUE(b["error"]["details"].contains(field)) << r->body;
  }
}

TEST_F(IlpChainTest, OnlyAdminsConfigureEndpointsAndOnlyAdminsSeeTheirUrls) {
  ExpectError(w->Send("PUT", "/api/v1/chain/endpoints/default/", w->alice,
                      json{{"url", w->net.rpc}}.dump()),
              403, "PERMISSION_DENIED");
  ConfigureDefault();
  // A user sees names only: no host, no credentials, no key.
  auto r = w->Send("GET", "/api/v1/chain/endpoints/", w->alice);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(r->body.find("KEY-0xfeed"), std::string::npos);
  EXPECT_EQ(r->body.find("127.0.0.1"), std::string::npos);
  json names = json::array();
  // The body outlives the loop (a range over a member of a temporary
  // would not).
  const json user_view = Body(r);
  for (const json& e : user_view["endpoints"]) names.push_back(e["name"]);
  EXPECT_EQ(names, json::array({"cfg", "default"}));
  // The admin sees where each points and where it was set.
  r = w->Send("GET", "/api/v1/chain/endpoints/", w->admin);
  json admin_view = Body(r)["endpoints"];
  EXPECT_EQ(admin_view[0]["source"], "config");
  EXPECT_EQ(admin_view[1]["source"], "api");
  EXPECT_NE(admin_view[1]["url"].get<std::string>().find("s3cr3t"),
            std::string::npos);
}

TEST_F(IlpChainTest, EndpointsAreCheckedBeforeTheyAreStored) {
  // Not http(s): refused, whatever else it is.
  ExpectError(w->Send("PUT", "/api/v1/chain/endpoints/x/", w->admin,
                      json{{"url", "file:///etc/passwd"}}.dump()),
              400, "VALIDATION_ERROR", "url");
  ExpectError(w->Send("PUT", "/api/v1/chain/endpoints/bad%20name/", w->admin,
                      json{{"url", w->net.rpc}}.dump()),
              400, "VALIDATION_ERROR", "name");
  // Nothing answers there: not stored.
  const std::string down = "http://u:pw-down@127.0.0.1:" +
                           std::to_string(testing::FreeLoopbackPort()) +
                           "/KEYDOWN";
  auto r = w->Send("PUT", "/api/v1/chain/endpoints/down/", w->admin,
                   json{{"url", down}}.dump());
  ExpectError(r, 503, "SERVICE_UNAVAILABLE");
  EXPECT_EQ(r->body.find("pw-down"), std::string::npos);
  EXPECT_EQ(r->body.find("KEYDOWN"), std::string::npos);
  // The configured endpoint belongs to the server's configuration.
  ExpectError(w->Send("PUT", "/api/v1/chain/endpoints/cfg/", w->admin,
                      json{{"url", w->net.rpc}}.dump()),
              409, "CONFLICT");
  ExpectError(w->Send("DELETE", "/api/v1/chain/endpoints/cfg/", w->admin), 409,
              "CONFLICT");
  ExpectError(w->Send("DELETE", "/api/v1/chain/endpoints/nope/", w->admin), 404,
              "RESOURCE_NOT_FOUND");
}

TEST_F(IlpChainTest, AFailingEndpointFailsTheImportWithoutItsUrl) {
  const std::string down = "http://u:pw-down@127.0.0.1:" +
                           std::to_string(testing::FreeLoopbackPort()) +
                           "/KEYDOWN";
  auto r = w->Send("PUT", "/api/v1/chain/endpoints/down/", w->admin,
                   json{{"url", down}, {"check", false}}.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  json done = ImportAndWait(w->alice, {{"name", "from-down"},
                                       {"pool_address", w->pool0},
                                       {"from_block", 0},
                                       {"chain", "down"}});
  EXPECT_EQ(done["status"], "failed") << done.dump();
  const std::string error = done["job"]["error"];
  EXPECT_NE(error.find("chain endpoint 'down'"), std::string::npos) << error;
  EXPECT_EQ(done.dump().find("pw-down"), std::string::npos);
  EXPECT_EQ(done.dump().find("KEYDOWN"), std::string::npos);
  ASSERT_EQ(
      w->Send("DELETE", "/api/v1/chain/endpoints/down/", w->admin)->status,
      200);
}

TEST_F(IlpChainTest, AnImportHoldsThePoolsWholeHistoryWithItsProgress) {
  ConfigureDefault();
  json done = ImportAndWait(w->alice, {{"name", "pool0"},
                                       {"pool_address", w->pool0},
                                       {"from_block", 0},
                                       {"to_block", w->block},
                                       {"page_blocks", 16}});
  ASSERT_EQ(done["status"], "ready") << done.dump();
  // The same history as the chain library reads.
  auto eth = chain::EthClient::Connect(w->net.rpc);
  ASSERT_TRUE(eth.ok());
  auto h = chain::ReadPoolHistory(**eth, *chain::Address::Parse(w->pool0), 0,
                                  w->block);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  int64_t swaps = 0;
  for (const chain::PoolEvent& e : h->events)
    swaps += e.kind == chain::PoolEventKind::kSwap;
  EXPECT_EQ(done["events"], h->events.size());
  EXPECT_EQ(done["swaps"], swaps);
  EXPECT_GE(done["price_rows"].get<int64_t>(), 2);
  EXPECT_EQ(done["pool"], w->pool0);
  EXPECT_EQ(done["chain_id"], 1337);
  EXPECT_EQ(done["to_block"], w->block);
  // Progress in blocks, finished.
  EXPECT_EQ(done["job"]["status"], "completed");
  EXPECT_EQ(done["job"]["current_units"], done["job"]["total_units"]);
  EXPECT_EQ(done["job"]["total_units"], w->block + 1);
  EXPECT_EQ(done["job"]["metrics"]["events"], h->events.size());
  // Listed among the caller's data sets.
  json list = Body(w->Send("GET", "/api/v1/chain/pool-history/", w->alice));
  bool listed = false;
  for (const json& m : list["results"]) listed |= m["name"] == "pool0";
  EXPECT_TRUE(listed) << list.dump();
}

TEST_F(IlpChainTest, BadImportRequestsAreClearErrors) {
  ConfigureDefault();
  auto post = [](const json& body) {
    return w->Send("POST", "/api/v1/chain/pool-history/", w->alice,
                   body.dump());
  };
  ExpectError(
      post({{"name", "x"}, {"pool_address", "0x12"}, {"from_block", 0}}), 400,
      "VALIDATION_ERROR", "pool_address");
  ExpectError(
      post({{"name", "../x"}, {"pool_address", w->pool0}, {"from_block", 0}}),
      400, "VALIDATION_ERROR", "name");
  ExpectError(post({{"name", "x"},
                    {"pool_address", w->pool0},
                    {"from_block", 10},
                    {"to_block", 5}}),
              400, "VALIDATION_ERROR", "to_block");
  ExpectError(post({{"name", "x"},
                    {"pool_address", w->pool0},
                    {"from_block", 0},
                    {"chain", "nowhere"}}),
              404, "RESOURCE_NOT_FOUND", "chain");
  // Not a pool: the job fails, naming the address.
  json done = ImportAndWait(
      w->alice,
      {{"name", "not-a-pool"}, {"pool_address", w->token0}, {"from_block", 0}});
  EXPECT_EQ(done["status"], "failed") << done.dump();
}

TEST_F(IlpChainTest, TrainingEvaluationAndLivePredictionUseTheChain) {
  ConfigureDefault();
  json data = ImportAndWait(
      w->alice,
      {{"name", "train-data"}, {"pool_address", w->pool1}, {"from_block", 0}});
  ASSERT_EQ(data["status"], "ready") << data.dump();
  json ppo = TinyTrain("ppo", "chain_ppo");
  ppo["market_data"] = "train-data";
  TrainAndWait(w->alice, "ppo", ppo);
  TrainAndWait(w->alice, "ddpg", TinyTrain("ddpg", "chain_ddpg"));

  auto r = w->Send("POST", "/api/v1/ppo/evaluate/", w->alice,
                   json{{"model_name", "chain_ppo"},
                        {"eval_steps", 3},
                        {"eval_episodes", 1},
                        {"market_data", "train-data"}}
                       .dump());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["market_data"], "train-data");

  // The live pool: its slot0 price and the pool's own spacing.
  const json agents = {{"ppo_agent_path", "model_storage/ppo/chain_ppo"},
                       {"ddpg_agent_path", "model_storage/ddpg/chain_ddpg"}};
  json body = agents;
  body["pool_address"] = w->pool1;
  r = w->Send("POST", "/api/v1/predict-action/", w->alice, body.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  json p = Body(r);
  EXPECT_EQ(p["data_source"], "chain");
  EXPECT_EQ(p["chain"]["endpoint"], "default");
  EXPECT_EQ(p["chain"]["pool_address"], w->pool1);
  EXPECT_GE(p["chain"]["block"].get<uint64_t>(), w->block);
  const int spacing = p["chain"]["tick_spacing"];
  EXPECT_EQ(spacing, w->net.info["pools"][1]["tick_spacing"].get<int>());
  auto eth = chain::EthClient::Connect(w->net.rpc);
  auto slot0 = (*eth)->Call(
      {*chain::Address::Parse(w->pool1), chain::AbiEncoder("slot0()").Finish()},
      std::nullopt);
  ASSERT_TRUE(slot0.ok());
  EXPECT_EQ(p["chain"]["tick"], *chain::AbiDecoder(*slot0).Int32(1, 24));
  // The environment's pool follows the live prices (within a fee band).
  EXPECT_NEAR(p["price"].get<double>() / p["chain"]["price"].get<double>(), 1.0,
              0.01);
  for (const char* side : {"ppo_action", "ddpg_action"}) {
    const json& range = p[side]["chain_range"];
    EXPECT_EQ(range["tick_lower"].get<int>() % spacing, 0) << p.dump();
    EXPECT_EQ(range["tick_upper"].get<int>() % spacing, 0) << p.dump();
    EXPECT_LT(range["tick_lower"].get<int>(), range["tick_upper"].get<int>());
  }
  // Inference too, at a given block and through the configured endpoint.
  body = agents;
  body["pool_address"] = w->pool1;
  body["chain"] = "cfg";
  body["block"] = w->block;
  body["pool_state"] = {{"current_profit", 1},
                        {"price_out_of_range", false},
                        {"time_since_last_adjustment", 10},
                        {"pool_volatility", 0.1}};
  body["user_preferences"] = {
      {"risk_tolerance", {{"profit_taking", 5}, {"stop_loss", -5}}},
      {"investment_horizon", 7},
      {"risk_aversion_threshold", 0.1}};
  r = w->Send("POST", "/api/v1/inference/", w->alice, body.dump());
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Body(r)["chain"]["block"], w->block);
  EXPECT_EQ(Body(r)["data_source"], "chain");

  // Not a pool, or an unknown endpoint: clear errors.
  body = agents;
  body["pool_address"] = w->token0;
  ExpectError(w->Send("POST", "/api/v1/predict-action/", w->alice, body.dump()),
              400, "VALIDATION_ERROR");
  body["pool_address"] = w->pool1;
  body["chain"] = "nowhere";
  ExpectError(w->Send("POST", "/api/v1/predict-action/", w->alice, body.dump()),
              404, "RESOURCE_NOT_FOUND", "chain");
  body = agents;
  body["chain"] = "default";  // without pool_address
  ExpectError(w->Send("POST", "/api/v1/predict-action/", w->alice, body.dump()),
              400, "VALIDATION_ERROR", "chain");
}

TEST_F(IlpChainTest, AnotherUserNeitherSeesNorUsesTheData) {
  ConfigureDefault();
  json data = ImportAndWait(
      w->alice,
      {{"name", "alices"}, {"pool_address", w->pool0}, {"from_block", 0}});
  ASSERT_EQ(data["status"], "ready") << data.dump();
  const json before =
      Body(w->Send("GET", "/api/v1/chain/pool-history/alices/", w->alice));
  ExpectError(w->Send("GET", "/api/v1/chain/pool-history/alices/", w->bob), 404,
              "RESOURCE_NOT_FOUND");
  json list = Body(w->Send("GET", "/api/v1/chain/pool-history/", w->bob));
  EXPECT_EQ(list["count"], 0) << list.dump();
  json train = TinyTrain("ppo", "bobs");
  train["market_data"] = "alices";
  ExpectError(w->Send("POST", "/api/v1/ppo/train/", w->bob, train.dump()), 404,
              "RESOURCE_NOT_FOUND", "market_data");
  // Bob's import of the same name is his own data set; Alice's is unchanged.
  json bobs = ImportAndWait(
      w->bob,
      {{"name", "alices"}, {"pool_address", w->pool1}, {"from_block", 0}});
  EXPECT_EQ(bobs["status"], "ready") << bobs.dump();
  EXPECT_EQ(bobs["pool"], w->pool1);
  const json after =
      Body(w->Send("GET", "/api/v1/chain/pool-history/alices/", w->alice));
  EXPECT_EQ(after, before);
  // Nor can Bob download Alice's files.
  const std::string dir = "datasets/chain/" + w->alice_id + "/alices";
  ExpectError(w->Send("GET",
                      "/api/v1/file/download/?file_path=" + dir +
                          "&file_name=events.csv",
                      w->bob),
              400, "VALIDATION_ERROR", "file_name");
  auto mine = w->Send(
      "GET",
      "/api/v1/file/download/?file_path=" + dir + "&file_name=events.csv",
      w->alice);
  EXPECT_EQ(mine->status, 200) << mine->body;
}

}  // namespace
}  // namespace trainyard
