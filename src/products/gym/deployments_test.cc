#include "products/gym/deployments.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "core/test_support.h"
#include "env/edge_scaling/edge_scaling.h"
#include "env/edge_scaling/replica_budget.h"
#include "products/gym/process_usage.h"
#include "rl/trainer.h"

namespace trainyard::gym {
namespace {

std::string WaitWhileDeploying(DeploymentManager& m, const std::string& id) {
  std::string status = m.StatusOf(id);
  for (int i = 0; i < 500 && status == "deploying"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    status = m.StatusOf(id);
  }
  return status;
}

TEST(DeploymentManagerTest, UnknownModelIsNotFound) {
  DeploymentManager m(SystemClock::Default());
  EXPECT_EQ(m.StatusOf("x"), "");
  std::vector<float> obs(3);
  EXPECT_EQ(m.Predict("x", obs, true).status().code(), ErrorCode::kNotFound);
}

TEST(DeploymentManagerTest, AFailedLoadIsReportedAndServesNothing) {
  DeploymentManager m(SystemClock::Default());
  Status reported = Status::Ok();
  m.Deploy("m", "/nonexistent/policy.tyrl", {2, "rolling"},
           [&](const Status& s) { reported = s; });
  EXPECT_EQ(WaitWhileDeploying(m, "m"), "failed");
  EXPECT_FALSE(reported.ok());
  std::vector<float> obs(3);
  EXPECT_EQ(m.Predict("m", obs, true).status().code(), ErrorCode::kUnavailable);
}

TEST(DeploymentManagerTest, MetricsOfAModelWithoutTrafficAreEmptySeries) {
  DeploymentManager m(SystemClock::Default());
  nlohmann::json metrics = m.Metrics("m", Window{0, 1, 60000});
  EXPECT_TRUE(metrics["latency"]["values"].empty());
  EXPECT_TRUE(metrics["resource_usage"]["cpu"]["timestamps"].empty());
}

TEST(ThreadCpuNanosTest, CountsThisThreadsWork) {
  const int64_t before = ThreadCpuNanos();
  volatile double x = 0;
  for (int i = 0; i < 2000000; ++i) x = x + std::sqrt(static_cast<double>(i));
  EXPECT_GT(ThreadCpuNanos(), before);
}

// A tiny PPO policy of EdgeScaling-v0 (128 steps), written once per run.
std::string TinyPolicy() {
  static const std::string path = [] {
    static const testing::TempDir tmp;  // removed when the test exits
    const std::string dir = tmp.Sub("policy");
    env::edge::EdgeScalingConfig config;
    config.encoding = env::edge::ActionEncoding::kRelativeDiscrete;
    rl::TrainOptions t;
    auto ppo = rl::ParseAlgoConfig(
        rl::Algo::kPpo,
        {{"n_steps", "64"}, {"batch_size", "32"}, {"n_epochs", "1"}});
    if (!ppo.ok()) return std::string();
    t.config = *ppo;
    t.env_id = env::edge::kEnvId;
    t.total_steps = 128;
    t.out_dir = dir;
    t.tensorboard = false;
    auto trained =
        rl::Train(t, [config](int) -> Result<std::unique_ptr<env::Env>> {
          return env::edge::MakeTrainingEnv(config);
        });
    return trained.ok() ? trained->policy_path : std::string();
  }();
  return path;
}

TEST(DeploymentManagerTest, CpuIsTheForwardPassesAndMemoryTheLoadedReplicas) {
  const std::string policy = TinyPolicy();
  ASSERT_FALSE(policy.empty());
  ManualClock clock;
  DeploymentManager m(&clock);
  m.Deploy("m", policy, {2, "rolling"}, nullptr);
  ASSERT_EQ(WaitWhileDeploying(m, "m"), "deployed");
  std::vector<float> obs(25, 0.5f);
  for (int i = 0; i < 200; ++i) {
    if (i % 50 == 0) clock.AdvanceMillis(1500);  // a sample every 50 calls
    ASSERT_TRUE(m.Predict("m", obs, true).ok());
  }
  const int64_t now = clock.NowMillis();
  nlohmann::json metrics = m.Metrics("m", Window{now - 3600000, now + 1, 60000});
  const nlohmann::json& cpu = metrics["resource_usage"]["cpu"]["values"];
  const nlohmann::json& memory = metrics["resource_usage"]["memory"]["values"];
  ASSERT_GE(cpu.size(), 1u);
  ASSERT_GE(memory.size(), 1u);
  // Cores used by the forward passes: some, and at most the two replicas.
  EXPECT_GT(cpu[0].get<double>(), 0.0);
  EXPECT_LE(cpu[0].get<double>(), 2.0);
  // MiB of the two loaded replicas: a tiny MLP is far below 100 MiB (the
  // whole process would be more); 0 only where the heap is not glibc's
  // (sanitizers).
  EXPECT_GE(memory[0].get<double>(), 0.0);
  EXPECT_LT(memory[0].get<double>(), 100.0);
}

}  // namespace
}  // namespace trainyard::gym
