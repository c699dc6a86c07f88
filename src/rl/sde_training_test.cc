// gSDE (use_sde) through Train / LoadPolicy: when the exploration noise is
// resampled during training, seeded determinism, exported policies, old
// policy files, parameter validation and a tiny learning run.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/test_support.h"
#include "rl/checkpoint_file.h"
#include "rl/policy.h"
#include "rl/trainer.h"

namespace trainyard::rl {
namespace {

namespace fs = std::filesystem;

// Always shows the same observation and records every action it receives,
// so a state-dependent noise shows up as runs of equal actions.
class ConstantEnv : public env::Env {
 public:
  explicit ConstantEnv(std::shared_ptr<std::vector<float>> actions)
      : actions_(std::move(actions)) {}
  const env::Space& observation_space() const override { return obs_space_; }
  const env::Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t>, std::span<float> obs, env::Info*) override {
    obs[0] = 0.5f;
    obs[1] = -0.25f;
  }
  env::StepResult Step(std::span<const float> action, std::span<float> obs,
                       env::Info*) override {
    actions_->push_back(action[0]);
    Reset(std::nullopt, obs, nullptr);
    return {};
  }

 private:
  std::shared_ptr<std::vector<float>> actions_;
  env::Space obs_space_ = env::Space::Box(-1.0f, 1.0f, 2);
  env::Space action_space_ = env::Space::Box(-100.0f, 100.0f, 1);
};

// One-step episodes: observe a target x ~ U(-1, 1), reward -(a - x)^2.
// Acting 0 earns E[-x^2] = -1/3 per episode; acting x earns 0.
class TargetEnv : public env::Env {
 public:
  const env::Space& observation_space() const override { return obs_space_; }
  const env::Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs, env::Info*) override {
    if (seed) rng_ = Rng(*seed);
    x_ = static_cast<float>(rng_.Uniform(-1, 1));
    obs[0] = x_;
  }
  env::StepResult Step(std::span<const float> action, std::span<float> obs,
                       env::Info*) override {
    env::StepResult r;
    r.reward = -(action[0] - x_) * (action[0] - x_);
    r.terminated = true;
    obs[0] = x_;
    return r;
  }

 private:
  env::Space obs_space_ = env::Space::Box(-1.0f, 1.0f, 1);
  env::Space action_space_ = env::Space::Box(-2.0f, 2.0f, 1);
  Rng rng_{0};
  float x_ = 0;
};

class SdeTrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env::Spec constant;
    constant.id = "Constant-v0";
    constant.make = [a = actions_] { return std::make_unique<ConstantEnv>(a); };
    ASSERT_TRUE(registry_.Register(constant).ok());
    env::Spec target;
    target.id = "Target-v0";
    target.make = [] { return std::make_unique<TargetEnv>(); };
    ASSERT_TRUE(registry_.Register(target).ok());
  }

  TrainOptions Options(const std::string& algo, const std::string& env,
                       int64_t steps, const std::string& dir, ParamMap params) {
    TrainOptions o;
    Result<AlgoConfig> config = ParseAlgoConfig(algo, params);
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    if (config.ok()) o.config = *config;
    o.env_id = env;
    o.total_steps = steps;
    o.seed = 7;
    o.out_dir = root_.Sub(dir);
    o.tensorboard = false;
    return o;
  }

  // The factory of `id` in registry_ (built-ins, Constant-v0, Target-v0).
  env::EnvFactory Factory(const std::string& id) {
    Result<env::EnvFactory> factory = registry_.Factory(id);
    EXPECT_TRUE(factory.ok()) << factory.status().ToString();
    return factory.ok() ? *factory : env::EnvFactory();
  }

  std::string TrainAndReadPolicy(const TrainOptions& o) {
    auto r = Train(o, Factory(o.env_id));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::ifstream in((fs::path(o.out_dir) / kPolicyFileName), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  testing::TempDir root_;
  std::shared_ptr<std::vector<float>> actions_ = std::make_shared<std::vector<float>>();
  env::Registry registry_ = env::Registry::WithBuiltins();
};

// True if actions[from, to) are all equal.
bool Constant(const std::vector<float>& a, size_t from, size_t to) {
  for (size_t i = from + 1; i < to; ++i) {
    if (a[i] != a[from]) return false;
  }
  return true;
}

TEST_F(SdeTrainingTest, PpoNoiseIsConstantBetweenResamplesEverySampleFreqSteps) {
  // One 12-step rollout, new exploration matrix at steps 0, 4 and 8.
  auto o = Options("ppo", "Constant-v0", 12, "ppo",
                   {{"use_sde", "true"}, {"sde_sample_freq", "4"}, {"buffer_size", "12"},
                    {"batch_size", "12"}, {"n_epochs", "1"}, {"hidden", "8"}});
  ASSERT_TRUE(Train(o, Factory(o.env_id)).ok());
  const auto& a = *actions_;
  ASSERT_EQ(a.size(), 12u);
  EXPECT_TRUE(Constant(a, 0, 4) && Constant(a, 4, 8) && Constant(a, 8, 12));
  EXPECT_NE(a[3], a[4]);
  EXPECT_NE(a[7], a[8]);
}

TEST_F(SdeTrainingTest, PpoWithoutSampleFreqKeepsOneMatrixPerRollout) {
  // Two 6-step rollouts: the matrix changes only when the second starts.
  auto o = Options("ppo", "Constant-v0", 12, "ppo",
                   {{"use_sde", "true"}, {"buffer_size", "6"}, {"batch_size", "6"},
                    {"n_epochs", "1"}, {"hidden", "8"}, {"learning_rate", "1e-9"}});
  ASSERT_TRUE(Train(o, Factory(o.env_id)).ok());
  const auto& a = *actions_;
  ASSERT_EQ(a.size(), 12u);
  EXPECT_TRUE(Constant(a, 0, 6) && Constant(a, 6, 12));
  EXPECT_NE(a[5], a[6]);
}

TEST_F(SdeTrainingTest, SacResamplesPerSampleFreqAndPerCollectionPhase) {
  // train_freq 6: collection phases [0, 6) and [6, 12), each resampling at
  // its start and every 3 steps.
  auto o = Options("sac", "Constant-v0", 12, "sac",
                   {{"use_sde", "true"}, {"sde_sample_freq", "3"}, {"train_freq", "6"},
                    {"learning_starts", "0"}, {"batch_size", "4"}, {"hidden", "8"}});
  ASSERT_TRUE(Train(o, Factory(o.env_id)).ok());
  const auto& a = *actions_;
  ASSERT_EQ(a.size(), 12u);
  for (size_t k = 0; k < 12; k += 3) EXPECT_TRUE(Constant(a, k, k + 3)) << k;
  for (size_t k = 3; k < 12; k += 3) EXPECT_NE(a[k - 1], a[k]) << k;
}

TEST_F(SdeTrainingTest, SacUsesUniformActionsBeforeLearningStartsUnlessAtWarmup) {
  auto warm = Options("sac", "Constant-v0", 4, "warm",
                      {{"use_sde", "true"}, {"use_sde_at_warmup", "true"},
                       {"learning_starts", "100"}, {"train_freq", "4"}, {"hidden", "8"}});
  ASSERT_TRUE(Train(warm, Factory(warm.env_id)).ok());
  EXPECT_TRUE(Constant(*actions_, 0, 4));  // one gSDE matrix, one observation
  actions_->clear();
  auto uniform = Options("sac", "Constant-v0", 4, "uniform",
                         {{"use_sde", "true"}, {"learning_starts", "100"}, {"train_freq", "4"},
                          {"hidden", "8"}});
  ASSERT_TRUE(Train(uniform, Factory(uniform.env_id)).ok());
  EXPECT_FALSE(Constant(*actions_, 0, 4));
}

TEST_F(SdeTrainingTest, SameSeedGivesIdenticalPolicies) {
  ParamMap ppo = {{"use_sde", "true"}, {"sde_sample_freq", "4"}, {"buffer_size", "128"},
                  {"batch_size", "32"}, {"n_epochs", "2"}, {"hidden", "16"}};
  auto a = TrainAndReadPolicy(Options("ppo", "Pendulum-v1", 256, "ppo_a", ppo));
  auto b = TrainAndReadPolicy(Options("ppo", "Pendulum-v1", 256, "ppo_b", ppo));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  ParamMap sac = {{"use_sde", "true"}, {"hidden", "16"}, {"learning_starts", "50"},
                  {"batch_size", "16"}, {"train_freq", "8"}, {"gradient_steps", "8"}};
  auto c = TrainAndReadPolicy(Options("sac", "Pendulum-v1", 160, "sac_a", sac));
  auto d = TrainAndReadPolicy(Options("sac", "Pendulum-v1", 160, "sac_b", sac));
  EXPECT_FALSE(c.empty());
  EXPECT_EQ(c, d);
}

TEST_F(SdeTrainingTest, ExportedPoliciesKeepTheirNoiseWithinAnEpisode) {
  for (const std::string algo : {"ppo", "sac"}) {
    ParamMap p = {{"use_sde", "true"}, {"hidden", "16"}, {"log_std_init", "-1"}};
    if (algo == "ppo") p.insert({{"buffer_size", "64"}, {"batch_size", "32"}});
    if (algo == "sac") p.insert({{"learning_starts", "32"}, {"batch_size", "16"}});
    auto o = Options(algo, "Pendulum-v1", 64, algo, p);
    ASSERT_TRUE(Train(o, Factory(o.env_id)).ok()) << algo;
    auto policy = LoadPolicy(o.out_dir, 1);
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    float obs[3] = {0.6f, 0.8f, -1.0f}, mean[1], first[1], again[1], next[1];
    ASSERT_TRUE((*policy)->Act(obs, true, mean).ok());
    ASSERT_TRUE((*policy)->Act(obs, false, first).ok());
    ASSERT_TRUE((*policy)->Act(obs, false, again).ok());
    (*policy)->ResetState();
    ASSERT_TRUE((*policy)->Act(obs, false, next).ok());
    EXPECT_EQ(first[0], again[0]) << algo << ": same state, same matrix";
    EXPECT_NE(first[0], next[0]) << algo << ": a new episode draws a new matrix";
    EXPECT_NE(first[0], mean[0]) << algo;
    for (float a : {mean[0], first[0], next[0]}) {
      EXPECT_GE(a, -2.0f) << algo;
      EXPECT_LE(a, 2.0f) << algo;
    }
  }
}

TEST_F(SdeTrainingTest, PolicyFilesWithoutUseSdeStillLoad) {
  // A PPO policy as written before gSDE existed: no "use_sde" in its spec.
  auto o = Options("ppo", "Pendulum-v1", 64, "old", {{"buffer_size", "64"}, {"batch_size", "32"}});
  ASSERT_TRUE(Train(o, Factory(o.env_id)).ok());
  const std::string path = (fs::path(o.out_dir) / kPolicyFileName).string();
  auto file = ReadCheckpointFile(path);
  ASSERT_TRUE(file.ok());
  auto meta = nlohmann::json::parse(file->meta_json);
  ASSERT_TRUE(meta["net"]["spec"].contains("use_sde"));
  meta["net"]["spec"].erase("use_sde");
  ASSERT_TRUE(WriteCheckpointFile(path, {meta.dump(), file->payload}).ok());
  auto policy = LoadPolicy(path, 1);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  float obs[3] = {1.0f, 0.0f, 0.0f}, action[1];
  EXPECT_TRUE((*policy)->Act(obs, false, action).ok());
}

TEST_F(SdeTrainingTest, InvalidSdeParametersNameTheirFields) {
  // Refused by the parser or, for the environment's spaces, by Train.
  auto field_of = [&](const std::string& algo, const std::string& env,
                      ParamMap p) {
    Status s = ParseAlgoConfig(algo, p).status();
    if (s.ok())
      s = Train(Options(algo, env, 10, "bad", p), Factory(env)).status();
    EXPECT_EQ(s.code(), ErrorCode::kValidation);
    return s.details().empty() ? std::string() : s.details()[0].field;
  };
  EXPECT_EQ(field_of("ppo", "CartPole-v1", {{"use_sde", "true"}}), "use_sde");
  EXPECT_EQ(field_of("ppo", "Pendulum-v1", {{"sde_sample_freq", "4"}}), "sde_sample_freq");
  EXPECT_EQ(field_of("ppo", "Pendulum-v1", {{"use_sde", "true"}, {"sde_sample_freq", "0"}}),
            "sde_sample_freq");
  EXPECT_EQ(field_of("sac", "Pendulum-v1", {{"log_std_init", "-2"}}), "log_std_init");
  EXPECT_EQ(field_of("td3", "Pendulum-v1", {{"use_sde", "true"}}), "use_sde");
}

TEST_F(SdeTrainingTest, PpoWithSdeLearnsToHitATarget) {
  auto o = Options("ppo", "Target-v0", 4096, "learn",
                   {{"use_sde", "true"}, {"buffer_size", "256"}, {"batch_size", "64"},
                    {"learning_rate", "0.003"}, {"hidden", "16"}, {"log_std_init", "-1"}});
  ASSERT_TRUE(Train(o, Factory(o.env_id)).ok());
  auto policy = LoadPolicy(o.out_dir, 1);
  ASSERT_TRUE(policy.ok());
  auto eval = Evaluate(**policy, registry_, 200, true, 123);
  ASSERT_TRUE(eval.ok());
  // Acting 0 (or at random in [-2, 2]) earns -1/3 (-5/3) on average.
  EXPECT_GT(eval->mean, -0.05);
}

}  // namespace
}  // namespace trainyard::rl
