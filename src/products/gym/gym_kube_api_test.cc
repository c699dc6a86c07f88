// The Kubernetes deploy path on the real server: with TRAINYARD_KUBE_CONTEXT
// set, POST /models/{id}/deploy pipes the rendered Deployment and Service to
// `kubectl apply -f -` and GET /metrics reports kubectl's node and pod
// counts. kubectl is a fake shell script (TRAINYARD_KUBECTL) that records its
// command line and standard input, so the tests check what a cluster would
// have received.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "products/gym/gym_test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class GymKubeApiTest : public gym::GymServerTest {
 protected:
  static void SetUpTestSuite() {
    kubectl_tmp_ = new testing::TempDir();
    dir_ = new std::string(kubectl_tmp_->Sub("kubectl"));
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
          << "  *' get --raw /readyz') if [ -f \"$d/unready\" ]; then\n"
          << "      echo 'Unable to connect to the server: dial tcp "
             "10.0.0.1:6443: i/o timeout' >&2; exit 1; fi\n"
          << "    echo ok ;;\n"
          << "  *' get nodes '*) printf 'node/edge-a\\nnode/edge-b\\n' ;;\n"
          << "  *' get pods '*) printf 'pod/p-1\\npod/p-2\\npod/p-3\\n' ;;\n"
          << "esac\n";
    }
    std::filesystem::permissions(script,
                                 std::filesystem::perms::owner_all);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete kubectl_tmp_;
  }
  // A server per test: the server keeps kubectl's answers for a while
  // (kube_state_ttl_ms), which would hide the calls a test looks for behind
  // an earlier test's.
  void SetUp() override {
    std::filesystem::remove(*dir_ + "/fail");
    std::filesystem::remove(*dir_ + "/unready");
    std::filesystem::remove(*dir_ + "/calls");
    std::filesystem::remove(*dir_ + "/stdin.yaml");
    StartServer({{"TRAINYARD_KUBECTL", *dir_ + "/kubectl"},
                 {"TRAINYARD_KUBE_CONTEXT", "edge-lab"},
                 {"TRAINYARD_KUBE_NAMESPACE", "gym"},
                 {"TRAINYARD_KUBE_IMAGE", "registry.local/trainyard:0.1"},
                 {"WANDB_API_KEY", "test-key"}});
    GymServerTest::SetUp();
  }
  void TearDown() override {
    client_.reset();
    GymServerTest::TearDownTestSuite();
  }
  // A tiny PPO task, trained to completion; its model id.
  std::string TrainedModel() {
    const std::string id =
        Create(json{{"name", "kube"},
                    {"model_type", "ppo"},
                    {"parameters", {{"buffer_size", 32}, {"batch_size", 32}}},
                    {"total_episodes", 20}},
               *admin_);
    WaitForStatus(id, "completed", *admin_);
    return id;
  }
  httplib::Result Deploy(const std::string& id) {
    return PostJson("/api/v1/models/" + id + "/deploy",
                    json{{"replicas", 3},
                         {"resources", {{"cpu", "500m"}, {"memory", "1Gi"}}},
                         {"strategy", "recreate"}},
                    *admin_);
  }

  // The fake kubectl's directory (the server's home is the base's).
  static testing::TempDir* kubectl_tmp_;
  static std::string* dir_;
};

testing::TempDir* GymKubeApiTest::kubectl_tmp_ = nullptr;
std::string* GymKubeApiTest::dir_ = nullptr;

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
  auto p = PostJson("/api/v1/models/" + id + "/predict",
                    json{{"observation", std::vector<float>(25, 0.1f)}},
                    *admin_);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 404) << p->body;
}

TEST_F(GymKubeApiTest, SystemMetricsCountNodesAndPodsThroughKubectl) {
  auto r = client_->Get("/api/v1/metrics", Auth(*admin_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json k = json::parse(r->body)["kubernetes"];
  EXPECT_EQ(k["status"], "healthy");
  EXPECT_EQ(k["context"], "edge-lab");
  EXPECT_EQ(k["node_count"], 2);
  EXPECT_EQ(k["pod_count"], 3);
}

TEST_F(GymKubeApiTest, HealthReportsWandbAsConfiguredWithAnApiKeySetting) {
  auto r = client_->Get("/api/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["components"]["wandb"], "configured");
}

TEST_F(GymKubeApiTest, HealthAsksKubectlForTheContextsReadiness) {
  auto r = client_->Get("/api/v1/health");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json body = json::parse(r->body);
  EXPECT_EQ(body["components"]["kubernetes"], "healthy");
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_FALSE(body["details"].contains("kubernetes")) << r->body;
  EXPECT_NE(
      ReadAll(*dir_ + "/calls").find("--context edge-lab get --raw /readyz\n"),
      std::string::npos);
}

// Its own server, so that no earlier health answer is cached.
class GymKubeUnreadyApiTest : public GymKubeApiTest {
 protected:
  void SetUp() override {
    GymKubeApiTest::SetUp();
    std::ofstream(*dir_ + "/unready") << "1";
  }
};

TEST_F(GymKubeUnreadyApiTest, HealthReportsAnUnreadyClusterWithKubectlsReason) {
  auto r = client_->Get("/api/v1/health");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;  // degraded, still serving
  json body = json::parse(r->body);
  EXPECT_EQ(body["components"]["kubernetes"], "unhealthy");
  EXPECT_EQ(body["status"], "degraded");
  const std::string why = body["details"]["kubernetes"];
  EXPECT_NE(why.find("get --raw /readyz failed (exit 1)"), std::string::npos)
      << why;
  EXPECT_NE(why.find("i/o timeout"), std::string::npos) << why;
}

}  // namespace
}  // namespace trainyard
