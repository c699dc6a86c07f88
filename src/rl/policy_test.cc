// LoadPolicy's plain C++ forward for MLP policies: it is chosen for plain
// MLP networks only, and its actions are libtorch's (deterministic: the same
// class, or the same value within float rounding) for every algorithm.
#include "rl/policy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/test_support.h"
#include "rl/trainer.h"

namespace trainyard::rl {
namespace {

class PolicyForwardTest : public ::testing::Test {
 protected:
  // A short seeded run of `algo` on `env`; returns its run directory.
  std::string TrainBriefly(const std::string& algo, const std::string& env,
                           const ParamMap& params, const std::string& dir) {
    TrainOptions o;
    Result<AlgoConfig> config = ParseAlgoConfig(algo, params);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    if (config.ok()) o.config = *config;
    o.env_id = env;
    o.total_steps = 256;
    o.seed = 3;
    o.out_dir = tmp_.Sub("runs/" + dir);
    o.tensorboard = false;
    Result<env::EnvFactory> factory = registry_.Factory(env);
    EXPECT_TRUE(factory.ok()) << factory.status().ToString();
    if (!factory.ok()) return o.out_dir;
    auto r = Train(o, *factory);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return o.out_dir;
  }

  // Loads the run's policy twice (plain forward and libtorch) and compares
  // their deterministic actions on random observations.
  void ExpectPlainMatchesTorch(const std::string& run_dir) {
    auto plain = LoadPolicy(run_dir, 1);
    auto torch_policy = LoadPolicy(run_dir, 1, PolicyBackend::kTorch);
    ASSERT_TRUE(plain.ok()) << plain.status().message();
    ASSERT_TRUE(torch_policy.ok()) << torch_policy.status().message();
    EXPECT_TRUE((*plain)->plain_forward());
    EXPECT_FALSE((*torch_policy)->plain_forward());
    const bool discrete =
        (*plain)->action_space().kind() == env::Space::Kind::kDiscrete;
    Rng rng(11);
    std::vector<float> obs((*plain)->observation_space().flat_size());
    std::vector<float> a((*plain)->action_space().flat_size());
    std::vector<float> b(a.size());
    for (int i = 0; i < 500; ++i) {
      for (float& x : obs) x = static_cast<float>(rng.Uniform(-4.0, 4.0));
      ASSERT_TRUE((*plain)->Act(obs, true, a).ok());
      ASSERT_TRUE((*torch_policy)->Act(obs, true, b).ok());
      for (size_t j = 0; j < a.size(); ++j) {
        if (discrete) {
          ASSERT_EQ(a[j], b[j]) << "observation " << i;
        } else {
          ASSERT_NEAR(a[j], b[j], 1e-5) << "observation " << i;
        }
      }
    }
  }

  testing::TempDir tmp_;
  env::Registry registry_ = env::Registry::WithBuiltins();
};

const ParamMap kSmallPpo = {{"n_envs", "2"},
                            {"n_steps", "32"},
                            {"batch_size", "32"},
                            {"n_epochs", "2"}};
const ParamMap kSmallOffPolicy = {{"learning_starts", "64"},
                                  {"batch_size", "32"}};

TEST_F(PolicyForwardTest, DqnPlainForwardPicksTorchsArgmaxQ) {
  ExpectPlainMatchesTorch(
      TrainBriefly("dqn", "CartPole-v1", kSmallOffPolicy, "dqn"));
}

TEST_F(PolicyForwardTest,
       PpoDiscretePlainForwardPicksTorchsArgmaxWithRunningStatistics) {
  ParamMap p = kSmallPpo;
  p["use_running_statistics"] = "true";
  ExpectPlainMatchesTorch(
      TrainBriefly("ppo", "CartPole-v1", p, "ppo_discrete"));
}

TEST_F(PolicyForwardTest,
       PpoReluWithOddLayerSizesPlainForwardPicksTorchsArgmax) {
  ParamMap p = kSmallPpo;
  p["activation"] = "relu";
  p["hidden"] = "37,20,5";  // widths off the 16-float vector tiles
  ExpectPlainMatchesTorch(TrainBriefly("ppo", "CartPole-v1", p, "ppo_relu"));
}

TEST_F(PolicyForwardTest, PpoGaussianPlainForwardGivesTorchsClampedMean) {
  ExpectPlainMatchesTorch(
      TrainBriefly("ppo", "Pendulum-v1", kSmallPpo, "ppo_box"));
}

TEST_F(PolicyForwardTest, SacPlainForwardGivesTorchsSquashedMean) {
  ExpectPlainMatchesTorch(
      TrainBriefly("sac", "Pendulum-v1", kSmallOffPolicy, "sac"));
}

TEST_F(PolicyForwardTest, Td3PlainForwardGivesTorchsTanhAction) {
  ParamMap p = kSmallOffPolicy;
  p["hidden"] = "33,17";
  ExpectPlainMatchesTorch(TrainBriefly("td3", "Pendulum-v1", p, "td3"));
}

TEST_F(PolicyForwardTest, DdpgPlainForwardGivesTorchsTanhAction) {
  ExpectPlainMatchesTorch(
      TrainBriefly("ddpg", "Pendulum-v1", kSmallOffPolicy, "ddpg"));
}

TEST_F(PolicyForwardTest, PlainForwardSamplesLikeTorchForTheSameSeed) {
  const std::string dir =
      TrainBriefly("ppo", "Pendulum-v1", kSmallPpo, "ppo_sample");
  auto plain = LoadPolicy(dir, 5);
  auto torch_policy = LoadPolicy(dir, 5, PolicyBackend::kTorch);
  ASSERT_TRUE(plain.ok() && torch_policy.ok());
  std::vector<float> obs = {0.5f, -0.2f, 1.0f}, a(1), b(1);
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE((*plain)->Act(obs, false, a).ok());
    ASSERT_TRUE((*torch_policy)->Act(obs, false, b).ok());
    ASSERT_NEAR(a[0], b[0], 1e-5) << "sample " << i;
  }
}

TEST_F(PolicyForwardTest, RecurrentPolicyFallsBackToTorch) {
  ParamMap p = kSmallPpo;
  p["policy"] = "lstm_actor_critic_batch_norm";
  auto policy = LoadPolicy(TrainBriefly("ppo", "CartPole-v1", p, "lstm"));
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  EXPECT_FALSE((*policy)->plain_forward());
}

TEST_F(PolicyForwardTest, GsdePolicyFallsBackToTorch) {
  ParamMap p = kSmallPpo;
  p["use_sde"] = "true";
  auto policy = LoadPolicy(TrainBriefly("ppo", "Pendulum-v1", p, "gsde"));
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  EXPECT_FALSE((*policy)->plain_forward());
}

}  // namespace
}  // namespace trainyard::rl
