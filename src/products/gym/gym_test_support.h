// Test fixture for the gym routes over HTTP: the real server on an ephemeral
// port with one job worker, its admin token, an HTTP client and the request
// helpers both gym API suites use. One server serves a whole suite.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "app/server_app.h"
#include "core/test_support.h"

namespace trainyard::gym {

class GymServerTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  // Starts the server under a fresh home directory with the given product
  // settings (Config::product_settings) and records the admin token. Call
  // from SetUpTestSuite.
  static void StartServer(
      const std::map<std::string, std::string>& settings = {}) {
    tmp_ = new testing::TempDir();
    Config config;
    config.home = tmp_->Sub("home");
    config.port = 0;
    config.workers = 1;
    config.product_settings = settings;
    // Requests answer synchronously here however loaded the machine; the
    // hand-off to a job past the bound has its own tests.
    config.sync_request_ms = 3'600'000;
    auto app = app::ServerApp::Create(config, {.check_responses = true});
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = app->release();
    admin_ = new std::string(*app_->bootstrap_token());
    ASSERT_TRUE(app_->Start().ok());
  }
  static void SetUpTestSuite() { StartServer(); }
  static void TearDownTestSuite() {
    if (app_) app_->Stop();
    delete app_;
    delete admin_;
    delete tmp_;
    app_ = nullptr;
    admin_ = nullptr;
    tmp_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    client_->set_read_timeout(60);
  }

  static httplib::Headers Auth(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  static json Body(const httplib::Result& r) { return json::parse(r->body); }

  httplib::Result PostJson(const std::string& path, const json& body,
                           const std::string& token) {
    return client_->Post(path, Auth(token), body.dump(), "application/json");
  }
  // Creates a training task (expecting 200) and returns its id.
  std::string Create(const json& body, const std::string& token) {
    auto r = PostJson("/api/v1/training", body, token);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return Body(r)["task_id"];
  }
  // Polls task `id` until it reaches `status` or fails (at most a minute);
  // returns the last task document read.
  json WaitForStatus(const std::string& id, const std::string& status,
                     const std::string& token) {
    json task;
    for (int i = 0; i < 3000; ++i) {
      task = Body(client_->Get("/api/v1/training/" + id, Auth(token)));
      if (task["status"] == status || task["status"] == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return task;
  }

  inline static testing::TempDir* tmp_ = nullptr;
  inline static app::ServerApp* app_ = nullptr;
  inline static std::string* admin_ = nullptr;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace trainyard::gym
