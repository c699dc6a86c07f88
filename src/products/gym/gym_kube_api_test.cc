// The Kubernetes deploy path on the real server: with TRAINYARD_KUBE_CONTEXT
// set, POST /models/{id}/deploy pipes the rendered Deployment and Service to
// `kubectl apply -f -` and GET /metrics reports kubectl's node and pod
// counts. kubectl is a fake shell script (TRAINYARD_KUBECTL) that records its
// command line and standard input, so the tests check what a cluster would
// have received.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/server_app.h"
#include "core/test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class GymKubeApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    dir_ = new std::string(tmp_->Sub("kubectl"));
    std::filesystem::create_directories(*dir_);
    const std::string script = *dir_ + "/kubectl";
    {
      std::ofstream out(script);
      out << "#!/bin/sh\n"
          << "d=" << *dir_ << "\n"
          << "echo \"$@\" >> \"$d/calls\"\n"
          << "case \"$*\" in\n"
          << "  *' apply -f -') cat > \"$d/stdin.yaml\"\n"
          << "    if [ -f \"$d/fail\" ]; then\n"
          << "      echo 'error: the server has asked for the client to "
             "provide credentials' >&2; exit 1; fi\n"
          << "    echo 'deployment.apps/x configured'; echo 'service/x "
             "configured' ;;\n"
          << "  *' get nodes '*) printf 'node/edge-a\\nnode/edge-b\\n' ;;\n"
          << "  *' get pods '*) printf 'pod/p-1\\npod/p-2\\npod/p-3\\n' ;;\n"
          << "esac\n";
    }
    std::filesystem::permissions(script,
                                 std::filesystem::perms::owner_all);
    setenv("TRAINYARD_KUBECTL", script.c_str(), 1);
    setenv("TRAINYARD_KUBE_CONTEXT", "edge-lab", 1);
    setenv("TRAINYARD_KUBE_NAMESPACE", "gym", 1);
    setenv("TRAINYARD_KUBE_IMAGE", "registry.local/trainyard:0.1", 1);
    unsetenv("KUBECONFIG");
    Config config;
    config.home = tmp_->Sub("home");
    config.port = 0;
    config.workers = 1;
    auto app = app::ServerApp::Create(config);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = app->release();
    admin_ = new std::string(*app_->bootstrap_token());
    ASSERT_TRUE(app_->Start().ok());
  }
  static void TearDownTestSuite() {
    app_->Stop();
    delete app_;
    delete admin_;
    delete dir_;
    delete tmp_;
  }
  void SetUp() override {
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    client_->set_read_timeout(60);
    std::filesystem::remove(*dir_ + "/fail");
    std::filesystem::remove(*dir_ + "/calls");
    std::filesystem::remove(*dir_ + "/stdin.yaml");
  }
  httplib::Headers Auth() const {
    return {{"Authorization", "Bearer " + *admin_}};
  }
  // A tiny PPO task, trained to completion; its model id.
  std::string TrainedModel() {
    auto r = client_->Post(
        "/api/v1/training", Auth(),
        json{{"name", "kube"},
             {"model_type", "ppo"},
             {"parameters", {{"buffer_size", 32}, {"batch_size", 32}}},
             {"total_episodes", 20}}
            .dump(),
        "application/json");
    EXPECT_TRUE(r && r->status == 200);
    const std::string id = json::parse(r->body)["task_id"];
    for (int i = 0; i < 3000; ++i) {
      json task = json::parse(client_->Get("/api/v1/training/" + id, Auth())->body);
      if (task["status"] == "completed" || task["status"] == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return id;
  }
  httplib::Result Deploy(const std::string& id) {
    return client_->Post("/api/v1/models/" + id + "/deploy", Auth(),
                         json{{"replicas", 3},
                              {"resources", {{"cpu", "500m"}, {"memory", "1Gi"}}},
                              {"strategy", "recreate"}}
                             .dump(),
                         "application/json");
  }

  static testing::TempDir* tmp_;
  static std::string* dir_;
  static app::ServerApp* app_;
  static std::string* admin_;
  std::unique_ptr<httplib::Client> client_;
};

testing::TempDir* GymKubeApiTest::tmp_ = nullptr;
std::string* GymKubeApiTest::dir_ = nullptr;
app::ServerApp* GymKubeApiTest::app_ = nullptr;
std::string* GymKubeApiTest::admin_ = nullptr;

TEST_F(GymKubeApiTest, DeployAppliesTheRenderedManifestsWithKubectl) {
  const std::string id = TrainedModel();
  auto r = Deploy(id);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["kubernetes"]["status"], "applied");
  EXPECT_EQ(body["kubernetes"]["namespace"], "gym");
  EXPECT_EQ(body["deployment"]["target"], "local+kubernetes");
  EXPECT_EQ(ReadAll(*dir_ + "/calls"), "--context edge-lab apply -f -\n");
  const std::string yaml = ReadAll(*dir_ + "/stdin.yaml");
  for (const std::string& line : std::vector<std::string>{
           "kind: Deployment", "kind: Service", "name: trainyard-gym-" + id,
        std::string("namespace: gym"), std::string("replicas: 3"),
        std::string("type: Recreate"), std::string("cpu: \"500m\""),
        std::string("memory: \"1Gi\""),
        std::string("image: registry.local/trainyard:0.1"),
        "value: \"model_storage/ppo/" + id + "/policy.tyrl\""}) {
    EXPECT_NE(yaml.find(line), std::string::npos) << line << "\n" << yaml;
  }
}

TEST_F(GymKubeApiTest, FailingApplyIs503WithKubectlsMessage) {
  const std::string id = TrainedModel();
  std::ofstream(*dir_ + "/fail") << "1";
  auto r = Deploy(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["error"]["code"], "SERVICE_UNAVAILABLE");
  const std::string message = body["error"]["message"];
  EXPECT_NE(message.find("kubectl apply failed (exit 1)"), std::string::npos)
      << message;
  EXPECT_NE(message.find("provide credentials"), std::string::npos);
  // Nothing was deployed locally either.
  auto p = client_->Post("/api/v1/models/" + id + "/predict", Auth(),
                         json{{"observation", std::vector<float>(25, 0.1f)}}
                             .dump(),
                         "application/json");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 404) << p->body;
}

TEST_F(GymKubeApiTest, SystemMetricsCountNodesAndPodsThroughKubectl) {
  auto r = client_->Get("/api/v1/metrics", Auth());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json k = json::parse(r->body)["kubernetes"];
  EXPECT_EQ(k["status"], "healthy");
  EXPECT_EQ(k["context"], "edge-lab");
  EXPECT_EQ(k["node_count"], 2);
  EXPECT_EQ(k["pod_count"], 3);
}

}  // namespace
}  // namespace trainyard
