// The cross-tenant matrix: user B against user A's resources on the real
// server over HTTP. Every route of the router's own table that takes an id,
// a name or a path answers B 404 (403 where B may know the thing exists:
// admin-only routes and public-but-not-yours names), and A's view of their
// resources is the same before and after B tried to change them; routes
// whose query or body names a resource do the same; lists as B never show
// A's ids. One world (server, users, one of every resource, tiny trainings)
// per process; the route tests are registered at start-up from the route
// table itself, so a route added later is covered — or fails, asking for
// A's value of its parameter — without anyone remembering this file.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/auth.h"
#include "api/router.h"
#include "app/server_app.h"
#include "core/test_support.h"
#include "jobs/job_service.h"
#include "products/studio/studio_test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

// ------------------------------------------------------------------ world

// 300 weekdays of valid daily bars from 2021-01-04.
std::string DailyCsv() {
  std::string csv = "date,open,high,low,close,volume\n";
  int64_t day = 18631;  // 2021-01-04, a Monday (days since 1970-01-01)
  for (int n = 0; n < 300; ++day) {
    if ((day + 3) % 7 >= 5) continue;  // Saturday, Sunday
    const time_t t = static_cast<time_t>(day) * 86400;
    tm utc{};
    gmtime_r(&t, &utc);
    const double close = 100 + 5 * std::sin(n / 7.0) + n * 0.02;
    char row[128];
    std::snprintf(row, sizeof row, "%04d-%02d-%02d,%.4f,%.4f,%.4f,%.4f,%d\n",
                  utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, close,
                  close + 1, close - 1, close, 1000 + n);
    csv += row;
    ++n;
  }
  return csv;
}

// A gym observation of the default (steady, 4 services) environment.
json GymObservation() {
  std::vector<float> obs(25, 0.0f);
  obs[14] = 10.0f;
  return obs;
}

// The server, the users and one of every resource user A can own. Built once
// (WorldEnvironment); the tests only read it.
struct World {
  testing::TempDir tmp;
  std::unique_ptr<app::ServerApp> app;
  std::unique_ptr<httplib::Client> client;
  std::string admin, alice, bob;  // bearer tokens
  std::string alice_id, bob_id;
  std::string alice_token_id;  // what an admin revokes A's token by

  // A's resources.
  std::string studio_model;         // trained: metrics, plots, explanations
  std::string studio_draft;         // DRAFT: what PATCH and DELETE can touch
  std::string studio_queued_model;  // its training is queued
  std::string studio_run;           // the trained model's completed run
  std::string studio_queued_run;    // a run still queued (cancellable)
  std::string listing;              // A's listing, pending review
  std::string subscription;         // A's subscription to the admin's model
  std::string webhook;
  const std::string symbol = "ALICEDATA";  // market data A imported
  std::string gym_task;                    // trained and deployed (= model id)
  std::string gym_queued_task;             // queued (cancellable)
  const std::string gym_group = "alice-group-q7";
  std::string generic_job;  // queued; only /api/jobs shows it
  // The admin's job that keeps the one worker busy, so A's queued jobs stay
  // queued (and their state stable) while B tries to change them.
  std::string blocker_job;

  // ILP: A's PPO and DDPG models (tiny trainings), the PPO one evaluated.
  const std::string ilp_ppo = "alice_ppo_q7";
  const std::string ilp_ddpg = "alice_ddpg_q7";
  std::string ilp_ppo_job, ilp_ddpg_job;
  // A's market data imported from a chain (its import queued behind the
  // blocker: the admin's endpoint points where nothing listens).
  const std::string chain_data = "alice-chain-q7";

  // B's own trained gym task (reconciled with A's group name).
  std::string bob_gym_task;

  httplib::Headers Auth(const std::string& token) const {
    return {{"Authorization", "Bearer " + token}};
  }
  httplib::Result Send(const std::string& method, const std::string& path,
                       const std::string& token,
                       const std::string& body = "") const {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = Auth(token);
    if (method != "GET" && method != "HEAD") {
      req.body = body;
      req.headers.emplace("Content-Type", "application/json");
    }
    return client->send(req);
  }
  static json Body(const httplib::Result& r) {
    if (!r || r->body.empty()) return json();
    return json::parse(r->body, nullptr, false);
  }
  // POSTs `body` as `token`, expecting `status`; returns the answer's JSON.
  json PostOk(const std::string& token, const std::string& path,
              const json& body, int status) const {
    auto r = Send("POST", path, token, body.dump());
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, status) << path << ": " << r->body;
    return Body(r);
  }
  // Polls GET `path` as `token` until `done` holds (at most ~2 minutes).
  json Poll(const std::string& token, const std::string& path,
            const std::function<bool(const json&)>& done) const {
    json body;
    for (int i = 0; i < 6000; ++i) {
      body = Body(Send("GET", path, token));
      if (done(body)) return body;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "gave up waiting on " << path << ": " << body.dump();
    return body;
  }

  std::string NewUser(const std::string& name, store::Tier tier, double credits,
                      std::string* id, std::string* token_id = nullptr) {
    auto* users = app->runtime().store->users();
    auto user = api::CreateUser(users, *SystemClock::Default(), name, tier,
                                store::Role::kUser, credits);
    EXPECT_TRUE(user.ok()) << user.status().ToString();
    *id = user->id;
    auto issued =
        api::IssueToken(users, *SystemClock::Default(), user->id, "t");
    if (token_id) *token_id = issued->info.id;
    return issued->token;
  }

  // A trained AI Studio model of `token`'s; sets *run to its training run.
  std::string TrainedStudioModel(const std::string& token,
                                 const std::string& name, std::string* run) {
    const std::string id = PostOk(token, "/api/ai-studio/models/",
                                  studio::TinyModelBody(name), 201)
                               .value("id", "");
    *run = PostOk(token, "/api/ai-studio/models/" + id + "/train/",
                  json::object(), 202)
               .value("job_id", "");
    json job = Poll(token, "/api/ai-studio/training-jobs/" + *run + "/",
                    [](const json& j) {
                      return j.value("status", "") == "COMPLETED" ||
                             j.value("status", "") == "FAILED";
                    });
    EXPECT_EQ(job.value("status", ""), "COMPLETED") << job.dump();
    return id;
  }

  // A tiny PPO gym task of `token`'s, trained to completion.
  std::string TrainedGymTask(const std::string& token, const std::string& name,
                             int episodes) {
    const std::string id =
        PostOk(token, "/api/v1/training",
               {{"name", name},
                {"model_type", "ppo"},
                {"parameters", {{"buffer_size", 32}, {"batch_size", 32}}},
                {"total_episodes", episodes},
                {"seed", 3}},
               200)
            .value("task_id", "");
    json task = Poll(token, "/api/v1/training/" + id, [](const json& t) {
      return t.value("status", "") == "completed" ||
             t.value("status", "") == "failed";
    });
    EXPECT_EQ(task.value("status", ""), "completed") << task.dump();
    return id;
  }

  // Creates the server (which registers every route); nothing runs yet.
  Status Create() {
    Config config;
    config.home = tmp.Sub("home");
    config.port = 0;
    config.workers = 1;
    config.enable_test_jobs = true;
    // A's webhook points at a loopback port nothing listens on (no event it
    // subscribes to fires): nothing leaves this machine.
    config.webhook_allow_cidrs = "127.0.0.0/8";
    // The matrix sends a few thousand requests as each user.
    config.rate_limit_free = config.rate_limit_pro = config.rate_limit_elite =
        1'000'000;
    TY_ASSIGN_OR_RETURN(
        app, app::ServerApp::Create(config, {.check_responses = true}));
    admin = *app->bootstrap_token();
    return Status::Ok();
  }

  // Starts the server and makes the users and A's resources.
  // A tiny ILP training of `token`'s model `name`; returns its job id.
  std::string TrainedIlpModel(const std::string& token, const std::string& algo,
                              const std::string& name) {
    json body = {{"max_steps", 2}, {"n_episodes", 2}, {"model_name", name}};
    if (algo == "ppo") {
      body["buffer_size"] = 4;
      body["n_epochs"] = 2;
    }
    const std::string job =
        PostOk(token, "/api/v1/" + algo + "/train/", body, 200)
            .value("job_id", "");
    json done = Poll(token, "/api/v1/" + algo + "/train-result/?job_id=" + job,
                     [](const json& r) {
                       return r.is_object() &&
                              r.value("status", "running") != "running";
                     });
    EXPECT_EQ(done.value("status", ""), "done") << done.dump();
    return job;
  }

  void Build() {
    ASSERT_TRUE(app->Start().ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", app->port());
    client->set_read_timeout(120, 0);
    // Same tier and role: nothing but ownership tells them apart.
    alice =
        NewUser("alice", store::Tier::kPro, 1000.0, &alice_id, &alice_token_id);
    bob = NewUser("bob", store::Tier::kPro, 1000.0, &bob_id);

    // ---- AI Studio
    PostOk(alice, "/api/ai-studio/market-data/" + symbol + "/",
           {{"csv", DailyCsv()}}, 201);
    studio_model =
        TrainedStudioModel(alice, "alice-trained-model-q7", &studio_run);
    studio_draft = PostOk(alice, "/api/ai-studio/models/",
                          studio::TinyModelBody("alice-draft-model-q7"), 201)
                       .value("id", "");
    listing =
        PostOk(alice, "/api/ai-studio/models/" + studio_model + "/publish/",
               {{"title", "Alice's listing q7"},
                {"description", "pending review"},
                {"category", "MOMENTUM"},
                {"asset_classes", {"INDEX"}},
                {"monthly_price", "10.00"}},
               201)
            .value("listing_id", "");
    // The admin sells a model; A subscribes to it.
    std::string admin_run;
    const std::string admin_model =
        TrainedStudioModel(admin, "admin-model", &admin_run);
    const std::string admin_listing =
        PostOk(admin, "/api/ai-studio/models/" + admin_model + "/publish/",
               {{"title", "Admin's listing"},
                {"description", "for sale"},
                {"category", "MOMENTUM"},
                {"asset_classes", {"INDEX"}},
                {"monthly_price", "10.00"}},
               201)
            .value("listing_id", "");
    PostOk(admin,
           "/api/ai-studio/admin/listings/" + admin_listing + "/approve/",
           json::object(), 200);
    subscription =
        PostOk(alice,
               "/api/ai-studio/marketplace/" + admin_listing + "/subscribe/",
               json::object(), 201)
            .value("subscription_id", "");
    webhook = PostOk(alice, "/api/ai-studio/webhooks/",
                     {{"url", "http://127.0.0.1:9/alice-q7"},
                      {"events", {"training_job.completed"}}},
                     201)
                  .value("id", "");

    // ---- gym: A's trained model, deployed here (no Kubernetes context).
    gym_task = TrainedGymTask(alice, "alice-gym-q7", 40);
    bob_gym_task = TrainedGymTask(bob, "bob-gym", 8);
    PostOk(alice, "/api/v1/models/" + gym_task + "/deploy", {{"replicas", 1}},
           200);
    Poll(alice, "/api/v1/models?status=deployed",
         [](const json& m) { return m.value("total", 0) == 1; });

    // ---- ILP
    ilp_ppo_job = TrainedIlpModel(alice, "ppo", ilp_ppo);
    ilp_ddpg_job = TrainedIlpModel(alice, "ddpg", ilp_ddpg);
    PostOk(alice, "/api/v1/ppo/evaluate/",
           {{"eval_steps", 2}, {"eval_episodes", 1}, {"model_name", ilp_ppo}},
           200);

    // ---- the one worker kept busy, then A's queued jobs.
    jobs::SubmitRequest blocker;
    blocker.type = "test.count";
    auto users = app->runtime().store->users()->ListUsers();
    ASSERT_TRUE(users.ok());
    for (const store::User& u : *users) {
      if (u.role == store::Role::kAdmin) blocker.owner_id = u.id;
    }
    blocker.params_json = json{{"units", 1'000'000}, {"sleep_ms", 20}}.dump();
    auto submitted = app->job_service().Submit(blocker);
    ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
    blocker_job = submitted->id;
    Poll(admin, "/api/jobs/" + blocker_job,
         [](const json& j) { return j.value("status", "") == "running"; });
    jobs::SubmitRequest queued;
    queued.type = "test.count";
    queued.owner_id = alice_id;
    queued.params_json = json{{"units", 1}}.dump();
    submitted = app->job_service().Submit(queued);
    ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
    generic_job = submitted->id;
    auto endpoint =
        Send("PUT", "/api/v1/chain/endpoints/default/", admin,
             json{{"url", "http://127.0.0.1:9/"}, {"check", false}}.dump());
    ASSERT_TRUE(endpoint && endpoint->status == 200);
    PostOk(alice, "/api/v1/chain/pool-history/",
           {{"name", chain_data},
            {"pool_address", "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36"},
            {"from_block", 1}},
           202);
    studio_queued_model =
        PostOk(alice, "/api/ai-studio/models/",
               studio::TinyModelBody("alice-queued-model-q7"), 201)
            .value("id", "");
    studio_queued_run =
        PostOk(alice,
               "/api/ai-studio/models/" + studio_queued_model + "/train/",
               json::object(), 202)
            .value("job_id", "");
    // The queued task also saves A's load group.
    gym_queued_task = PostOk(alice, "/api/v1/training",
                             {{"name", "alice-queued-gym-q7"},
                              {"model_type", "dqn"},
                              {"parameters", json::object()},
                              {"total_episodes", 1},
                              {"group_id", gym_group},
                              {"group",
                               {{"profile", "diurnal"},
                                {"users", 1600},
                                {"request_interval_s", 20},
                                {"step_seconds", 3600},
                                {"seed", 11}}}},
                             200)
                          .value("task_id", "");
  }
};

World* world = nullptr;

class WorldEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { world->Build(); }
  void TearDown() override {
    if (world->app) world->app->Stop();
  }
};

// ------------------------------------------------------------- the tables

// What the tests keep of a route (not its handler, which holds the
// products' state).
struct RouteInfo {
  std::string method, pattern;
  api::Access access = api::Access::kUser;
};

std::string RouteKey(const RouteInfo& r) { return r.method + " " + r.pattern; }

// A's value for each path parameter, by the path prefix of the routes that
// take it (one name means different things on different surfaces: a studio
// model_id is a UUID, a gym model_id a task id). The longest prefix wins.
struct ParamValue {
  std::string prefix, param, value;
};
std::vector<ParamValue> ParamValues(const World& w) {
  return {
      {"/api/jobs/", "job_id", w.generic_job},
      {"/api/models/", "model_id", w.studio_model},
      {"/api/admin/tokens/", "token_id", w.alice_token_id},
      {"/api/ai-studio/", "model_id", w.studio_model},
      {"/api/ai-studio/", "plot", "shap-summary.png"},
      {"/api/ai-studio/", "job_id", w.studio_run},
      {"/api/ai-studio/", "listing_id", w.listing},
      {"/api/ai-studio/", "subscription_id", w.subscription},
      {"/api/ai-studio/", "webhook_id", w.webhook},
      {"/api/ai-studio/", "symbol", w.symbol},
      {"/api/v1/training/", "task_id", w.gym_task},
      {"/api/v1/models/", "model_id", w.gym_task},
      {"/api/v1/ilp/models/", "algo", "ppo"},
      {"/api/v1/ilp/models/", "name", w.ilp_ppo},
      {"/api/v1/chain/endpoints/", "name", "default"},
      {"/api/v1/chain/pool-history/", "name", w.chain_data},
  };
}

// Routes that act on another of A's resources than the table's: the one
// whose state the route changes, so that "nothing changed" means something.
std::map<std::string, std::string> Overrides(const World& w,
                                             const std::string& key) {
  static const std::map<std::string, std::string> kWhich = {
      // Only DRAFT models can be edited, deleted or trained from scratch.
      {"PATCH /api/ai-studio/models/{model_id}", "studio_draft"},
      {"DELETE /api/ai-studio/models/{model_id}", "studio_draft"},
      {"POST /api/ai-studio/models/{model_id}/train", "studio_draft"},
      // Only unfinished jobs can be cancelled.
      {"POST /api/ai-studio/training-jobs/{job_id}/cancel",
       "studio_queued_run"},
      {"POST /api/v1/training/{task_id}/cancel", "gym_queued_task"},
  };
  auto it = kWhich.find(key);
  if (it == kWhich.end()) return {};
  if (it->second == "studio_draft") return {{"model_id", w.studio_draft}};
  if (it->second == "studio_queued_run")
    return {{"job_id", w.studio_queued_run}};
  return {{"task_id", w.gym_queued_task}};
}

// The body (or query) that would succeed for A, so only ownership can stop B.
std::string BodyFor(const std::string& key) {
  static const std::map<std::string, json> kBodies = {
      {"PATCH /api/ai-studio/models/{model_id}", {{"description", "by B"}}},
      {"POST /api/ai-studio/models/{model_id}/publish",
       {{"title", "B's listing"},
        {"description", "B sells A's model"},
        {"category", "MOMENTUM"},
        {"asset_classes", {"INDEX"}},
        {"monthly_price", "1.00"}}},
      {"POST /api/ai-studio/models/{model_id}/predict",
       {{"symbols", {"NIFTY50"}}}},
      {"POST /api/ai-studio/models/{model_id}/batch-predict",
       {{"symbols", {"NIFTY50"}},
        {"start_date", "2023-06-01"},
        {"end_date", "2023-06-10"}}},
      {"POST /api/ai-studio/admin/listings/{listing_id}/reject",
       {{"reason", "by B"}}},
      {"PATCH /api/ai-studio/subscriptions/{subscription_id}",
       {{"auto_renew", true}}},
      {"POST /api/ai-studio/market-data/{symbol}", {{"csv", DailyCsv()}}},
      {"POST /api/v1/models/{model_id}/deploy", {{"replicas", 2}}},
      {"POST /api/v1/models/{model_id}/predict",
       {{"observation", GymObservation()}}},
  };
  auto it = kBodies.find(key);
  if (it != kBodies.end()) return it->second.dump();
  return key.rfind("DELETE ", 0) == 0 ? "" : "{}";
}
std::string QueryFor(const std::string& key) {
  static const std::map<std::string, std::string> kQueries = {
      {"GET /api/ai-studio/models/{model_id}/explain",
       "?symbols=NIFTY50&start_date=2023-06-01&end_date=2023-06-05"},
      {"POST /api/v1/training/{task_id}/reconcile", "?sample_size=5"},
  };
  auto it = kQueries.find(key);
  return it == kQueries.end() ? "" : it->second;
}

// Routes where B's refusal is not 404 because the thing is public: B may
// know it exists, so "not found" would be false. Each says why. (Admin-only
// routes answer 403 and are found from the table: the dispatcher refuses a
// non-admin before the handler looks anything up.)
struct Exception {
  int status;
  const char* code;
  const char* why;
};
const std::map<std::string, Exception>& Exceptions() {
  static const std::map<std::string, Exception> kExceptions = {
      {"POST /api/ai-studio/market-data/{symbol}",
       {409, "CONFLICT",
        "market data are a shared catalogue: every user lists A's symbol and "
        "trains on it; replacing a symbol another user imported is the "
        "documented 409 (docs/ai-studio.md)"}},
  };
  return kExceptions;
}

// POST routes that change nothing A can see: checked like GETs (A, sending
// the same request, succeeds — which proves the matrix's ids and bodies are
// right) instead of by snapshots.
bool ReadOnly(const std::string& key) {
  static const std::set<std::string> kReadOnlyPosts = {
      "POST /api/ai-studio/models/{model_id}/predict",
      "POST /api/ai-studio/models/{model_id}/batch-predict",
      "POST /api/v1/models/{model_id}/predict",
      "POST /api/v1/training/{task_id}/reconcile",
  };
  return key.rfind("GET ", 0) == 0 || kReadOnlyPosts.count(key) > 0;
}

// `pattern` with A's values for its captures; false (after a failure that
// says what to add) if a capture has none.
bool Substitute(const World& w, const RouteInfo& route, std::string* path) {
  const std::string key = RouteKey(route);
  const std::map<std::string, std::string> overrides = Overrides(w, key);
  const std::vector<ParamValue> values = ParamValues(w);
  std::string out;
  size_t pos = 0;
  while (pos < route.pattern.size()) {
    const size_t open = route.pattern.find('{', pos);
    if (open == std::string::npos) {
      out += route.pattern.substr(pos);
      break;
    }
    const size_t close = route.pattern.find('}', open);
    out += route.pattern.substr(pos, open - pos);
    const std::string param = route.pattern.substr(open + 1, close - open - 1);
    std::string value;
    if (auto it = overrides.find(param); it != overrides.end()) {
      value = it->second;
    } else {
      size_t best = 0;
      for (const ParamValue& v : values) {
        if (v.param == param && route.pattern.rfind(v.prefix, 0) == 0 &&
            v.prefix.size() > best) {
          best = v.prefix.size();
          value = v.value;
        }
      }
    }
    if (value.empty()) {
      ADD_FAILURE() << key << " takes {" << param
                    << "}, for which the cross-tenant matrix has no resource "
                       "of user A: create one in World::Build and add it to "
                       "ParamValues() in tests/cross_tenant_test.cc";
      return false;
    }
    out += value;
    pos = close + 1;
  }
  *path = out;
  return true;
}

// -------------------------------------------------------------- snapshots

// Fields that change without anyone acting (the clock), dropped before
// comparing A's view.
const std::set<std::string>& VolatileKeys() {
  static const std::set<std::string> kKeys = {"uptime", "uptime_seconds"};
  return kKeys;
}
void DropVolatile(json* j) {
  if (j->is_object()) {
    for (const std::string& k : VolatileKeys()) j->erase(k);
    for (auto& [k, v] : j->items()) DropVolatile(&v);
  } else if (j->is_array()) {
    for (json& v : *j) DropVolatile(&v);
  }
}

// What A (and the admin, for the review queue) sees of A's resources.
std::vector<std::pair<std::string, std::string>> SnapshotReads(const World& w) {
  std::vector<std::pair<std::string, std::string>> reads;
  auto as_a = [&](const std::string& path) {
    reads.emplace_back(w.alice, path);
  };
  as_a("/api/ai-studio/models/?page_size=100");
  for (const auto* id :
       {&w.studio_model, &w.studio_draft, &w.studio_queued_model}) {
    as_a("/api/ai-studio/models/" + *id + "/");
  }
  as_a("/api/ai-studio/training-jobs/?page_size=100");
  as_a("/api/ai-studio/training-jobs/" + w.studio_run + "/");
  as_a("/api/ai-studio/training-jobs/" + w.studio_queued_run + "/");
  as_a("/api/ai-studio/marketplace/" + w.listing + "/");
  as_a("/api/ai-studio/subscriptions/");
  as_a("/api/ai-studio/subscriptions/" + w.subscription + "/");
  as_a("/api/ai-studio/webhooks/");
  as_a("/api/ai-studio/webhooks/" + w.webhook + "/deliveries/");
  as_a("/api/ai-studio/market-data/");
  as_a("/api/ai-studio/compute/usage/");
  as_a("/api/jobs?page_size=100");
  for (const auto* id : {&w.generic_job, &w.studio_run, &w.studio_queued_run,
                         &w.gym_task, &w.gym_queued_task}) {
    as_a("/api/jobs/" + *id);
  }
  as_a("/api/v1/training?per_page=100");
  as_a("/api/v1/training/" + w.gym_task);
  as_a("/api/v1/training/" + w.gym_queued_task);
  as_a("/api/v1/models?per_page=100");
  as_a("/api/v1/ilp/models/");
  as_a("/api/v1/ilp/models/ppo/" + w.ilp_ppo + "/");
  as_a("/api/v1/ilp/models/ddpg/" + w.ilp_ddpg + "/");
  as_a("/api/v1/ppo/train-result/?model_name=" + w.ilp_ppo);
  as_a("/api/v1/chain/pool-history/");
  as_a("/api/v1/chain/pool-history/" + w.chain_data + "/");
  reads.emplace_back(w.admin, "/api/ai-studio/admin/listings/");
  return reads;
}

using Snapshot = std::map<std::string, std::string>;  // read -> answer

Snapshot TakeSnapshot(const World& w) {
  Snapshot s;
  for (const auto& [token, path] : SnapshotReads(w)) {
    auto r = w.Send("GET", path, token);
    std::string answer = "no answer";
    if (r) {
      json body = json::parse(r->body, nullptr, false);
      DropVolatile(&body);
      answer = std::to_string(r->status) + " " + body.dump(1);
    }
    s[(token == w.admin ? "admin " : "A ") + path] = answer;
  }
  return s;
}

void ExpectUnchanged(const Snapshot& before, const Snapshot& after,
                     const std::string& what) {
  for (const auto& [read, answer] : before) {
    auto it = after.find(read);
    EXPECT_EQ(answer, it == after.end() ? "" : it->second)
        << "after " << what << ", A's view changed: GET " << read;
  }
}

// Every id and name of A's that B must never see.
std::vector<std::string> PrivateStrings(const World& w) {
  return {w.alice_id,
          w.studio_model,
          w.studio_draft,
          w.studio_queued_model,
          w.studio_run,
          w.studio_queued_run,
          w.listing,
          w.subscription,
          w.webhook,
          w.gym_task,
          w.gym_queued_task,
          w.gym_group,
          w.generic_job,
          w.ilp_ppo,
          w.ilp_ddpg,
          w.ilp_ppo_job,
          w.ilp_ddpg_job,
          w.chain_data,
          "alice-trained-model-q7",
          "alice-draft-model-q7",
          "alice-queued-model-q7",
          "alice-gym-q7",
          "alice-queued-gym-q7",
          "127.0.0.1:9/alice-q7"};
}

// The error code of a standard error answer ("" for any other answer).
std::string ErrorCodeOf(const httplib::Result& r) {
  if (!r) return "";
  const json body = json::parse(r->body, nullptr, false);
  if (!body.is_object() || !body.contains("error") ||
      !body["error"].is_object()) {
    return "";
  }
  return body["error"].value("code", "");
}

// B's answer is the refusal `status` with its standard error code.
void ExpectRefused(const httplib::Result& r, int status,
                   const std::string& what, std::string code = "") {
  if (code.empty()) {
    code = status == 404 ? "RESOURCE_NOT_FOUND" : "PERMISSION_DENIED";
  }
  ASSERT_TRUE(r) << what << ": no answer";
  EXPECT_EQ(r->status, status)
      << what << " as user B on user A's resource: " << r->body.substr(0, 500);
  EXPECT_EQ(ErrorCodeOf(r), code) << what << ": " << r->body.substr(0, 500);
}

// ------------------------------------------------------------ route tests

// B calls one route of the table on A's resource.
class RouteAsOtherUser : public ::testing::Test {
 public:
  explicit RouteAsOtherUser(RouteInfo route) : route_(std::move(route)) {}

  void TestBody() override {
    const World& w = *world;
    const std::string key = RouteKey(route_);
    std::string path;
    if (!Substitute(w, route_, &path)) return;
    path += QueryFor(key);
    const std::string body = BodyFor(key);
    const bool admin_only = route_.access == api::Access::kAdmin;
    const bool read_only = ReadOnly(key);
    int status = admin_only ? 403 : 404;
    std::string code;
    if (auto it = Exceptions().find(key); it != Exceptions().end()) {
      status = it->second.status;
      code = it->second.code;
    }

    Snapshot before;
    if (!read_only) before = TakeSnapshot(w);
    ExpectRefused(w.Send(route_.method, path, w.bob, body), status, key, code);
    if (!read_only) {
      ExpectUnchanged(before, TakeSnapshot(w), "B's " + key);
      return;
    }
    // Control: the same request as the resource's owner (or an admin, for
    // admin routes) succeeds, so B's refusal is about B.
    auto own =
        w.Send(route_.method, path, admin_only ? w.admin : w.alice, body);
    ASSERT_TRUE(own);
    EXPECT_GE(own->status, 200) << key << " as its owner: " << own->body;
    EXPECT_LT(own->status, 300) << key << " as its owner: " << own->body;
  }

 private:
  RouteInfo route_;
};

// B reads one list (a GET route without parameters).
class ListAsOtherUser : public ::testing::Test {
 public:
  explicit ListAsOtherUser(std::string pattern)
      : pattern_(std::move(pattern)) {}

  void TestBody() override {
    const World& w = *world;
    auto r = w.Send("GET", pattern_, w.bob);
    ASSERT_TRUE(r);
    EXPECT_LT(r->status, 500) << r->body;
    for (const std::string& s : PrivateStrings(w)) {
      EXPECT_EQ(r->body.find(s), std::string::npos)
          << "GET " << pattern_ << " as user B shows user A's '" << s
          << "': " << r->body;
    }
  }

 private:
  std::string pattern_;
};

// A test name from a route: letters, digits and '_' only (gtest filters
// treat '-', ':', '*' and '?' specially).
std::string TestName(const std::string& method, const std::string& pattern) {
  std::string name = method + "_";
  for (char c : pattern) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

// ---------------------------------------------- named in query and body

class CrossTenant : public ::testing::Test {
 protected:
  const World& w = *world;
};

TEST_F(CrossTenant, OwnersListsShowTheMatrixIds) {
  // The probes of the list tests are real: A sees them where B must not.
  const std::string all =
      w.Send("GET", "/api/ai-studio/models/?page_size=100", w.alice)->body +
      w.Send("GET", "/api/ai-studio/training-jobs/?page_size=100", w.alice)
          ->body +
      w.Send("GET", "/api/ai-studio/subscriptions/", w.alice)->body +
      w.Send("GET", "/api/ai-studio/webhooks/", w.alice)->body +
      w.Send("GET", "/api/jobs?page_size=100", w.alice)->body +
      w.Send("GET", "/api/v1/training?per_page=100", w.alice)->body +
      w.Send("GET", "/api/v1/ilp/models/", w.alice)->body;
  for (const std::string* id :
       {&w.studio_model, &w.studio_draft, &w.studio_queued_model, &w.studio_run,
        &w.studio_queued_run, &w.subscription, &w.webhook, &w.generic_job,
        &w.gym_task, &w.gym_queued_task, &w.ilp_ppo, &w.ilp_ddpg,
        &w.ilp_ppo_job, &w.ilp_ddpg_job}) {
    EXPECT_NE(all.find(*id), std::string::npos) << *id;
  }
}

// ---------------------------------------------- the registry of every product

// A's entry for `handle` in the registry listing (null if absent).
json RegistryEntry(const World& w, const std::string& query,
                   const std::string& handle) {
  json page = World::Body(w.Send("GET", "/api/models" + query, w.alice));
  for (const json& m : page.value("results", json::array())) {
    if (m.value("handle", "") == handle) return m;
  }
  return nullptr;
}

TEST_F(CrossTenant, RegistryListsTheOwnersModelsOfEveryProduct) {
  const std::string query = "?page_size=100";
  EXPECT_EQ(RegistryEntry(w, query, w.studio_model).value("kind", ""),
            "studio");
  EXPECT_EQ(RegistryEntry(w, query, w.studio_draft).value("name", ""),
            "alice-draft-model-q7");
  EXPECT_EQ(RegistryEntry(w, query, w.gym_task).value("kind", ""), "gym.ppo");
  EXPECT_EQ(RegistryEntry(w, query, w.ilp_ppo).value("kind", ""), "ilp.ppo");
  EXPECT_EQ(RegistryEntry(w, query, w.ilp_ddpg).value("product", ""), "ilp");
}

TEST_F(CrossTenant, RegistryFiltersByProduct) {
  json page = World::Body(
      w.Send("GET", "/api/models?product=gym&page_size=100", w.alice));
  ASSERT_TRUE(page.contains("results")) << page.dump();
  EXPECT_EQ(page["count"], 1) << page.dump();
  EXPECT_EQ(page["results"][0]["id"], w.gym_task);
  auto bad = w.Send("GET", "/api/models?product=tensorflow", w.alice);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400) << bad->body;
}

TEST_F(CrossTenant, RegistryShowsAStudioTrainingAsAVersionWithItsArtifact) {
  json model =
      World::Body(w.Send("GET", "/api/models/" + w.studio_model, w.alice));
  ASSERT_EQ(model.value("versions", json::array()).size(), 1u) << model.dump();
  const json& v = model["versions"][0];
  EXPECT_EQ(v["version"], 1);
  EXPECT_EQ(v["artifact_path"],
            "model_storage/studio/" + w.studio_model + "/v1.json");
  EXPECT_EQ(v["job_id"], w.studio_run);
  EXPECT_TRUE(v["metrics"].contains("accuracy")) << v.dump();
  EXPECT_EQ(model["latest_version"], 1);
  // The product's own answer is where the registry says.
  auto own = w.Send("GET", model.value("url", ""), w.alice);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << model.dump();
}

TEST_F(CrossTenant, RegistryShowsADeployedGymModelWithItsWeights) {
  json model = World::Body(w.Send("GET", "/api/models/" + w.gym_task, w.alice));
  EXPECT_EQ(model.value("status", ""), "deployed") << model.dump();
  EXPECT_EQ(model.value("name", ""), "alice-gym-q7");
  ASSERT_EQ(model.value("versions", json::array()).size(), 1u);
  EXPECT_EQ(model["versions"][0]["job_id"], w.gym_task);
  EXPECT_FALSE(model["versions"][0]["artifact_path"].is_null());
  auto own = w.Send("GET", model.value("url", ""), w.alice);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << model.dump();
}

TEST_F(CrossTenant, RegistryShowsAnIlpModelAtItsProductRoute) {
  const json entry = RegistryEntry(w, "?product=ilp", w.ilp_ppo);
  ASSERT_TRUE(entry.is_object());
  EXPECT_EQ(entry.value("url", ""),
            "/api/v1/ilp/models/ppo/" + w.ilp_ppo + "/");
  json model = World::Body(
      w.Send("GET", "/api/models/" + entry.value("id", ""), w.alice));
  EXPECT_EQ(model.value("versions", json::array()).size(), 1u) << model.dump();
  auto own = w.Send("GET", entry.value("url", ""), w.alice);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
}

TEST_F(CrossTenant, StudioTrainingJobsFilteredByAsModelShowNothing) {
  auto r = w.Send(
      "GET", "/api/ai-studio/training-jobs/?model_id=" + w.studio_model, w.bob);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(World::Body(r)["count"], 0) << r->body;
}

TEST_F(CrossTenant, JobsFilteredByTypeShowNoneOfAs) {
  for (const char* type : {"studio.train", "gym.train", "test.count"}) {
    auto r = w.Send("GET", std::string("/api/jobs?type=") + type, w.bob);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    for (const std::string& s : PrivateStrings(w)) {
      EXPECT_EQ(r->body.find(s), std::string::npos) << type << ": " << s;
    }
  }
}

TEST_F(CrossTenant, GymTrainingWithAsGroupIdIsNotFound) {
  const Snapshot before = TakeSnapshot(w);
  ExpectRefused(w.Send("POST", "/api/v1/training", w.bob,
                       json{{"name", "uses A's group"},
                            {"model_type", "dqn"},
                            {"parameters", json::object()},
                            {"total_episodes", 1},
                            {"group_id", w.gym_group}}
                           .dump()),
                404, "POST /api/v1/training with A's group_id");
  ExpectUnchanged(before, TakeSnapshot(w), "B's training with A's group");
}

TEST_F(CrossTenant, GymReconcileOfOwnTaskWithAsGroupIdIsNotFound) {
  ExpectRefused(w.Send("POST",
                       "/api/v1/training/" + w.bob_gym_task +
                           "/reconcile?sample_size=5&group_id=" + w.gym_group,
                       w.bob),
                404, "reconcile with A's group_id");
  // Control: B's own task reconciles (with its own group).
  auto own = w.Send(
      "POST", "/api/v1/training/" + w.bob_gym_task + "/reconcile?sample_size=5",
      w.bob);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body;
}

// ---- ILP: models named in queries and bodies

TEST_F(CrossTenant, IlpTrainResultOfAsModelNameIsNotFound) {
  for (const std::string& query :
       {"ppo/train-result/?model_name=" + w.ilp_ppo,
        "ppo/train-result/?model_name=model_storage/ppo/" + w.ilp_ppo,
        "ppo/train-result/?model_name=" + w.ilp_ppo + "&model_version=1",
        "ddpg/train-result/?model_name=" + w.ilp_ddpg,
        "ppo/train-result/?job_id=" + w.ilp_ppo_job,
        "ddpg/train-result/?job_id=" + w.ilp_ddpg_job}) {
    ExpectRefused(w.Send("GET", "/api/v1/" + query, w.bob), 404, query);
  }
}

TEST_F(CrossTenant, IlpTrainResultWithoutANameShowsNoneOfAs) {
  for (const char* algo : {"ppo", "ddpg"}) {
    auto r =
        w.Send("GET", std::string("/api/v1/") + algo + "/train-result/", w.bob);
    ASSERT_TRUE(r);
    for (const std::string& s : PrivateStrings(w)) {
      EXPECT_EQ(r->body.find(s), std::string::npos) << algo << ": " << r->body;
    }
  }
}

TEST_F(CrossTenant, IlpEvaluateOfAsModelIsNotFoundAndKeepsAsEvaluation) {
  const Snapshot before = TakeSnapshot(w);
  for (const json& body :
       {json{
            {"eval_steps", 2}, {"eval_episodes", 1}, {"model_name", w.ilp_ppo}},
        json{{"eval_steps", 2},
             {"eval_episodes", 1},
             {"model_name", "model_storage/ppo/" + w.ilp_ppo},
             {"model_version", 1}}}) {
    ExpectRefused(w.Send("POST", "/api/v1/ppo/evaluate/", w.bob, body.dump()),
                  404, "evaluate " + body.dump());
  }
  ExpectRefused(w.Send("POST", "/api/v1/ddpg/evaluate/", w.bob,
                       json{{"eval_steps", 2},
                            {"eval_episodes", 1},
                            {"model_name", w.ilp_ddpg}}
                           .dump()),
                404, "ddpg evaluate");
  ExpectUnchanged(before, TakeSnapshot(w), "B's evaluations of A's models");
}

TEST_F(CrossTenant, IlpTrainingOnAsChainMarketDataIsNotFound) {
  const Snapshot before = TakeSnapshot(w);
  for (const char* algo : {"ppo", "ddpg"}) {
    ExpectRefused(
        w.Send("POST", std::string("/api/v1/") + algo + "/train/", w.bob,
               json{{"max_steps", 2},
                    {"n_episodes", 1},
                    {"model_name", "bob_on_alices_data"},
                    {"market_data", w.chain_data}}
                   .dump()),
        404, std::string(algo) + " train on A's market data");
  }
  ExpectUnchanged(before, TakeSnapshot(w), "B's training on A's market data");
}

TEST_F(CrossTenant, IlpPredictionsWithAsAgentPathsAreNotFound) {
  const json agents = {{"ppo_agent_path", "model_storage/ppo/" + w.ilp_ppo},
                       {"ddpg_agent_path", "model_storage/ddpg/" + w.ilp_ddpg}};
  json inference = agents;
  inference["pool_state"] = {{"current_profit", 500},
                             {"price_out_of_range", false},
                             {"time_since_last_adjustment", 40000},
                             {"pool_volatility", 0.2}};
  inference["user_preferences"] = {
      {"risk_tolerance", {{"profit_taking", 50}, {"stop_loss", -500}}},
      {"investment_horizon", 7},
      {"liquidity_preference", {{"adjust_on_price_out_of_range", true}}},
      {"risk_aversion_threshold", 0.1},
      {"user_status", "new_user"}};
  for (const auto& [path, body] :
       {std::pair{std::string("/api/v1/predict-action/"), agents},
        std::pair{std::string("/api/v1/inference/"), inference}}) {
    ExpectRefused(w.Send("POST", path, w.bob, body.dump()), 404, path);
    // Control: A's own agents answer A.
    auto own = w.Send("POST", path, w.alice, body.dump());
    ASSERT_TRUE(own);
    EXPECT_EQ(own->status, 200) << path << ": " << own->body;
  }
}

// file/download answers a file the caller may not read exactly as one that
// does not exist (400 VALIDATION_ERROR naming file_name, as spec/ilp-api.md
// documents for a missing file), so paths cannot be probed; what matters is
// that B's answer for each of A's files is that one, and never the file.
TEST_F(CrossTenant, FileDownloadOfAsFilesAnswersAsForAMissingFile) {
  auto download = [&](const std::string& token, const std::string& dir,
                      const std::string& name) {
    return w.Send(
        "GET", "/api/v1/file/download/?file_path=" + dir + "&file_name=" + name,
        token);
  };
  auto missing = download(w.bob, "model_outdir_csv/ppo/no_such_model_q7",
                          "train_logs.csv");
  ASSERT_TRUE(missing);
  ASSERT_GE(missing->status, 400);
  ASSERT_LT(missing->status, 500);
  const std::string logs = "model_outdir_csv/ppo/" + w.ilp_ppo;
  const std::string owned =
      "model_outdir_csv/ppo/" + w.alice_id + "/" + w.ilp_ppo + "/v1";
  const std::vector<std::pair<std::string, std::string>> files = {
      {logs, "train_logs.csv"},
      {logs, "eval_logs.csv"},
      {logs + "/v1", "train_logs.csv"},
      {owned, "train_logs.csv"},
      {"model_storage/ppo/" + w.ilp_ppo, "ilp_model.json"},
      {"model_storage/ppo/" + w.alice_id + "/" + w.ilp_ppo + "/v1",
       "ilp_model.json"},
      {"model_storage/studio/" + w.studio_model, "v1.json"},
      {"plots/studio/" + w.studio_model, "shap-summary.png"},
      {"model_storage/ppo/" + w.gym_task, "policy.tyrl"},
      {"datasets", w.symbol + ".csv"},
      {"jobs/" + w.studio_run, "checkpoint.json"},
      {".", "trainyard.db"},
  };
  for (const auto& [dir, name] : files) {
    auto r = download(w.bob, dir, name);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, missing->status) << dir << "/" << name;
    EXPECT_EQ(ErrorCodeOf(r), ErrorCodeOf(missing))
        << dir << "/" << name << ": " << r->body.substr(0, 200);
  }
  // Control: A downloads A's own logs by the path A was given.
  auto own = download(w.alice, logs, "train_logs.csv");
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200) << own->body.substr(0, 200);
}

}  // namespace
}  // namespace trainyard

int main(int argc, char** argv) {
  using namespace trainyard;
  ::testing::InitGoogleTest(&argc, argv);
  // The route table is fixed once the server is created; the tests are
  // registered from it before any runs. The environment builds the world,
  // so listing the tests trains nothing.
  world = new World();
  if (Status st = world->Create(); !st.ok()) {
    std::fprintf(stderr, "cannot create the server: %s\n",
                 st.ToString().c_str());
    return 1;
  }
  std::set<std::string> lists;
  for (const api::Route& r : world->app->router().routes()) {
    const RouteInfo route{r.method, r.pattern, r.access};
    if (route.pattern.find('{') != std::string::npos) {
      ::testing::RegisterTest("CrossTenantRoute",
                              TestName(route.method, route.pattern).c_str(),
                              nullptr, RouteKey(route).c_str(), __FILE__,
                              __LINE__, [route]() -> RouteAsOtherUser* {
                                return new RouteAsOtherUser(route);
                              });
    } else if (route.method == "GET" && lists.insert(route.pattern).second) {
      ::testing::RegisterTest("CrossTenantList",
                              TestName("GET", route.pattern).c_str(), nullptr,
                              route.pattern.c_str(), __FILE__, __LINE__,
                              [pattern = route.pattern]() -> ListAsOtherUser* {
                                return new ListAsOtherUser(pattern);
                              });
    }
  }
  ::testing::AddGlobalTestEnvironment(new WorldEnvironment());
  const int failed = RUN_ALL_TESTS();
  delete world;
  return failed;
}
