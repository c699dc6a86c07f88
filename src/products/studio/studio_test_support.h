// Test fixture for the AI Studio routes: the real server on an ephemeral
// port with one job worker, users of each tier, and an HTTP client.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "api/auth.h"
#include "app/server_app.h"
#include "core/ids.h"
#include "core/test_support.h"
#include "products/studio/marketplace_repository.h"
#include "store/tables/studio_tables.h"

namespace trainyard::studio {

using nlohmann::json;

// A model small enough to train in well under a second: one synthetic
// symbol, two years, 10 shallow trees, 2 walk-forward folds.
// 400 business days from 2020-01-01 of a smooth, always-valid price path,
// as an OHLCV CSV for market-data/ imports.
inline std::string ValidOhlcvCsv() {
  std::string csv = "Date,Open,High,Low,Close,Volume\n";
  int year = 2020, month = 1, day = 1, weekday = 2;  // 2020-01-01: Wednesday
  const int days_in[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int n = 0; n < 400;) {
    if (weekday < 5) {
      const double close = 100 + 10 * std::sin(n / 9.0) + n * 0.05;
      char row[128];
      std::snprintf(row, sizeof row, "%04d-%02d-%02d,%.4f,%.4f,%.4f,%.4f,%d\n",
                    year, month, day, close - 0.5, close + 1.0, close - 1.0,
                    close, 1000 + (n * 37) % 500);
      csv += row;
      ++n;
    }
    weekday = (weekday + 1) % 7;
    const int len = days_in[month - 1] - (month == 2 && year % 4 != 0 ? 1 : 0);
    if (++day > len) day = 1, ++month;
    if (month > 12) month = 1, ++year;
  }
  return csv;
}

inline json TinyModelBody(const std::string& name = "tiny") {
  return {{"name", name},
          {"description", "test model"},
          {"model_type", "CLASSIFICATION"},
          {"algorithm", "RANDOM_FOREST"},
          {"features",
           {"rsi_14", "macd_signal", "bollinger_position", "volume_ma_ratio"}},
          {"hyperparameters",
           {{"n_estimators", 10}, {"max_depth", 3}, {"random_state", 7}}},
          {"training_config",
           {{"symbols", {"NIFTY50"}},
            {"start_date", "2022-01-01"},
            {"end_date", "2023-12-31"},
            {"cross_validation_folds", 2}}}};
}

// A run long enough to cancel while it is running: gradient boosting with
// many deep rounds on five symbols over ten years.
inline json SlowModelBody() {
  json body = TinyModelBody("slow");
  body["algorithm"] = "GRADIENT_BOOSTING";
  body["hyperparameters"] = {{"n_estimators", 2000}, {"max_depth", 10}};
  body["training_config"]["symbols"] = {"NIFTY50", "BANKNIFTY", "RELIANCE",
                                        "TCS", "INFY"};
  body["training_config"]["start_date"] = "2012-01-01";
  body["training_config"]["end_date"] = "2021-12-31";
  body["training_config"]["cross_validation_folds"] = 5;
  return body;
}

class StudioServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto app =
        app::ServerApp::Create(ServerConfig(), {.check_responses = true});
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    admin_ = *app_->bootstrap_token();
    ASSERT_TRUE(app_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    client_->set_read_timeout(60, 0);
    alice_ = NewUser("alice", store::Tier::kPro, 100.0, &alice_id_);
    bob_ = NewUser("bob", store::Tier::kFree, 0.0, &bob_id_);
    carol_ = NewUser("carol", store::Tier::kElite, 10000.0, &carol_id_);
  }
  void TearDown() override {
    if (app_) app_->Stop();
  }

  // The server's configuration (data directory in tmp_, any port, one
  // worker); a test class may change it.
  virtual Config ServerConfig() {
    Config config;
    config.home = tmp_.Sub("home");
    config.port = 0;
    config.workers = 1;
    // Retries every 50-200 ms for up to 100 attempts: a receiver that comes
    // up during a test is reached quickly, and none gives up early.
    config.webhook_retry_base_ms = 50;
    config.webhook_max_delay_ms = 200;
    config.webhook_max_attempts = 100;
    // The tests' webhook receivers listen on loopback, which only an
    // administrator's allow-list opens to deliveries.
    config.webhook_allow_cidrs = "127.0.0.0/8,::1";
    // Every compute second is billed in these tests (no included hours), so
    // holds, charges and refunds are non-zero.
    for (const char* tier : {"FREE", "PRO", "ELITE"}) {
      config.product_settings[std::string("TRAINYARD_STUDIO_HOURS_") + tier] =
          "0";
    }
    return config;
  }

  std::string NewUser(const std::string& name, store::Tier tier, double credits,
                      std::string* id) {
    auto* users = app_->runtime().store->users();
    auto user = api::CreateUser(users, *SystemClock::Default(), name, tier,
                                store::Role::kUser, credits);
    EXPECT_TRUE(user.ok());
    *id = user->id;
    return api::IssueToken(users, *SystemClock::Default(), user->id, "t")
        ->token;
  }
  double Credits(const std::string& user_id) {
    return app_->runtime().store->users()->GetUser(user_id)->credits;
  }

  httplib::Headers Auth(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  static std::string Api(const std::string& path) {
    return "/api/ai-studio/" + path;
  }
  httplib::Result Get(const std::string& token, const std::string& path) {
    return client_->Get(Api(path), Auth(token));
  }
  httplib::Result Post(const std::string& token, const std::string& path,
                       const json& body = json::object()) {
    return client_->Post(Api(path), Auth(token), body.dump(),
                         "application/json");
  }
  httplib::Result Patch(const std::string& token, const std::string& path,
                        const json& body) {
    return client_->Patch(Api(path), Auth(token), body.dump(),
                          "application/json");
  }
  httplib::Result Delete(const std::string& token, const std::string& path) {
    return client_->Delete(Api(path), Auth(token));
  }
  static json Body(const httplib::Result& r) {
    return r->body.empty() ? json() : json::parse(r->body);
  }
  // Asserts status and error code of a standard error answer.
  static void ExpectError(const httplib::Result& r, int status,
                          const std::string& code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    json body = json::parse(r->body);
    EXPECT_EQ(body["error"]["code"], code) << r->body;
    EXPECT_TRUE(body["timestamp"].is_string());
  }

  std::string CreateModel(const std::string& token, const json& body) {
    auto r = Post(token, "models/", body);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 201) << r->body;
    return Body(r)["id"];
  }
  // Polls GET training-jobs/{id}/ until the status is one of the terminal
  // ones (or `want`); returns the last answer.
  json WaitForJob(const std::string& token, const std::string& job_id,
                  const std::string& want = "") {
    json job;
    for (int i = 0; i < 3000; ++i) {
      job = Body(Get(token, "training-jobs/" + job_id + "/"));
      const std::string s = job.value("status", "");
      if (s == want || (want.empty() && (s == "COMPLETED" || s == "FAILED" ||
                                         s == "CANCELLED"))) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return job;
  }
  // Creates and trains a tiny model; returns its id.
  std::string TrainedModel(const std::string& token,
                           const json& body = TinyModelBody()) {
    const std::string id = CreateModel(token, body);
    auto r = Post(token, "models/" + id + "/train/");
    EXPECT_EQ(r->status, 202) << r->body;
    json job = WaitForJob(token, Body(r)["job_id"]);
    EXPECT_EQ(job["status"], "COMPLETED") << job.dump();
    return id;
  }

  // Publishes `owner`'s model at `price` and has the admin approve it;
  // returns the listing id.
  std::string ApprovedListing(const std::string& owner,
                              const std::string& model_id,
                              const std::string& price = "2999.00") {
    auto r = Post(owner, "models/" + model_id + "/publish/",
                  {{"title", "Listing of " + model_id},
                   {"description", "test listing"},
                   {"category", "MOMENTUM"},
                   {"asset_classes", {"INDEX"}},
                   {"monthly_price", price}});
    EXPECT_EQ(r->status, 201) << r->body;
    const std::string listing = Body(r)["listing_id"];
    r = Post(admin_, "admin/listings/" + listing + "/approve/");
    EXPECT_EQ(r->status, 200) << r->body;
    return listing;
  }
  // Stores a subscription of `subscriber` to `listing` that ended today
  // (end_date = today, exclusive), as if bought a month ago; returns its id.
  std::string AddExpiredSubscription(const std::string& listing,
                                     const std::string& model,
                                     const std::string& subscriber,
                                     const std::string& seller,
                                     bool auto_renew) {
    MarketplaceRepository& repo =
        *app_->runtime().store->studio()->marketplace();
    const int64_t today = SystemClock::Default()->NowMillis() / 86'400'000;
    Subscription s;
    s.id = NewUuidV4();
    s.listing_id = listing;
    s.model_id = model;
    s.subscriber_id = subscriber;
    s.seller_id = seller;
    s.subscription_type = "MONTHLY";
    s.auto_renew = auto_renew;
    s.start_day = today - 31;
    s.end_day = today;
    s.amount_cents = 299900;
    s.commission_cents = 29990;
    s.created_at = (today - 31) * 86'400'000;
    EXPECT_TRUE(repo.CreateSubscription(s).ok());
    return s.id;
  }

  testing::TempDir tmp_;
  std::unique_ptr<app::ServerApp> app_;
  std::unique_ptr<httplib::Client> client_;
  std::string admin_, alice_, bob_, carol_;
  std::string alice_id_, bob_id_, carol_id_;
};

}  // namespace trainyard::studio
