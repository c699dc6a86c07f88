#include "env/vector_env.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "env/cartpole.h"
#include "env/episode_statistics.h"
#include "env/normalize.h"
#include "env/scripted_env_for_test.h"
#include "env/time_limit.h"

namespace trainyard::env {
namespace {

using testing::ScriptedEnv;

// Copy i terminates after i + 2 steps; rewards 1, 2, 3, ...
VectorEnv MakeScripted(int n) {
  Result<VectorEnv> venv = VectorEnv::Create(n, [](int i) {
    return Result<std::unique_ptr<Env>>(std::make_unique<ScriptedEnv>(
        i + 2, std::vector<double>{1.0, 2.0, 3.0, 4.0}));
  });
  EXPECT_TRUE(venv.ok());
  return std::move(venv).value();
}

TEST(VectorEnvTest, ResetSeedsCopyIWithSeedPlusI) {
  VectorEnv venv = MakeScripted(3);
  venv.Reset(10);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(venv.observations()[i * 3 + 2], 10.0f + i);  // recorded seed
    EXPECT_EQ(venv.observations()[i * 3 + 1], 0.0f);       // t = 0
  }
}

TEST(VectorEnvTest, SameStepAutoresetReturnsNewFirstObsAndKeepsFinalObs) {
  VectorEnv venv = MakeScripted(2);  // episode lengths 2 and 3
  venv.Reset(0);
  std::vector<float> actions(2 * 2, 0.0f);
  venv.Step(actions);
  EXPECT_FALSE(venv.done(0));
  EXPECT_FALSE(venv.done(1));
  venv.Step(actions);  // copy 0 terminates at t = 2
  ASSERT_TRUE(venv.terminated()[0]);
  EXPECT_FALSE(venv.truncated()[0]);
  EXPECT_FALSE(venv.done(1));
  // Final observation of episode 1 of copy 0: [1, t=2, seed 0].
  EXPECT_EQ(venv.final_observations()[0], 1.0f);
  EXPECT_EQ(venv.final_observations()[1], 2.0f);
  // Current observation: first of episode 2, unseeded reset.
  EXPECT_EQ(venv.observations()[0], 2.0f);
  EXPECT_EQ(venv.observations()[1], 0.0f);
  EXPECT_EQ(venv.observations()[2], -1.0f);
  // The reward is the last reward of the finished episode (step 2 -> 2).
  EXPECT_EQ(venv.rewards()[0], 2.0);
  EXPECT_EQ(venv.episode_return(0), 1.0 + 2.0);
  EXPECT_EQ(venv.episode_length(0), 2);
  // Copy 1 continues: [1, t=2].
  EXPECT_EQ(venv.observations()[3], 1.0f);
  EXPECT_EQ(venv.observations()[4], 2.0f);
  venv.Step(actions);  // copy 1 terminates at t = 3; copy 0 at t = 1
  EXPECT_FALSE(venv.done(0));
  ASSERT_TRUE(venv.done(1));
  EXPECT_EQ(venv.episode_return(1), 1.0 + 2.0 + 3.0);
  EXPECT_EQ(venv.episode_length(1), 3);
  EXPECT_EQ(venv.observations()[1], 1.0f);
}

TEST(VectorEnvTest, TruncationProvidesFinalObservationForBootstrapping) {
  Result<VectorEnv> venv = VectorEnv::Create(1, [](int) {
    return Result<std::unique_ptr<Env>>(
        std::make_unique<TimeLimit>(std::make_unique<ScriptedEnv>(0), 3));
  });
  ASSERT_TRUE(venv.ok());
  venv->Reset(5);
  std::vector<float> actions(2, 0.0f);
  venv->Step(actions);
  venv->Step(actions);
  venv->Step(actions);
  EXPECT_TRUE(venv->truncated()[0]);
  EXPECT_FALSE(venv->terminated()[0]);
  EXPECT_EQ(venv->final_observations()[1], 3.0f);
  EXPECT_EQ(venv->observations()[1], 0.0f);
}

TEST(VectorEnvTest, EpisodeReturnComesFromEpisodeStatisticsUnderNormalisation) {
  // Reward normalisation changes the rewards the vector env sees; the
  // EpisodeStatistics layer below it still reports the raw return 1 + 2.
  Result<VectorEnv> venv = VectorEnv::Create(1, [](int) {
    std::unique_ptr<Env> env =
        std::make_unique<ScriptedEnv>(2, std::vector<double>{1.0, 2.0});
    env = std::make_unique<EpisodeStatistics>(std::move(env));
    env = std::make_unique<NormalizeReward>(std::move(env));
    return Result<std::unique_ptr<Env>>(std::move(env));
  });
  ASSERT_TRUE(venv.ok());
  venv->Reset(0);
  std::vector<float> actions(2, 0.0f);
  venv->Step(actions);
  venv->Step(actions);
  ASSERT_TRUE(venv->done(0));
  EXPECT_EQ(venv->episode_return(0), 3.0);
  EXPECT_NE(venv->rewards()[0], 2.0);  // normalised
}

TEST(VectorEnvTest, CopiesMatchIndependentSingleEnvironments) {
  Registry registry = Registry::WithBuiltins();
  Result<VectorEnv> venv = VectorEnv::Make(registry, "CartPole-v1", 3);
  ASSERT_TRUE(venv.ok());
  EXPECT_EQ(venv->observation_size(), 4);
  EXPECT_EQ(venv->action_size(), 1);
  std::vector<CartPole> singles(3);
  std::vector<std::vector<float>> single_obs(3, std::vector<float>(4));
  venv->Reset(100);
  for (int i = 0; i < 3; ++i) singles[i].Reset(100 + i, single_obs[i]);
  std::vector<float> actions(3);
  for (int t = 0; t < 600; ++t) {
    // Biased pushes end episodes within tens of steps (never the limit).
    for (int i = 0; i < 3; ++i) actions[i] = (t + i) % 7 < 5 ? 1.0f : 0.0f;
    venv->Step(actions);
    for (int i = 0; i < 3; ++i) {
      const float action[] = {actions[i]};
      StepResult r = singles[i].Step(action, single_obs[i]);
      ASSERT_EQ(venv->terminated()[i], r.terminated ? 1 : 0);
      ASSERT_EQ(venv->truncated()[i], 0);
      const std::span<const float> row =
          r.terminated ? venv->final_observations() : venv->observations();
      for (int k = 0; k < 4; ++k) ASSERT_EQ(row[i * 4 + k], single_obs[i][k]);
      if (r.terminated) singles[i].Reset(std::nullopt, single_obs[i]);
    }
  }
}

TEST(VectorEnvTest, RejectsNonPositiveCountAndMismatchedSpaces) {
  EXPECT_EQ(VectorEnv::Create(0,
                              [](int) {
                                return Result<std::unique_ptr<Env>>(
                                    std::make_unique<ScriptedEnv>(1));
                              })
                .status()
                .code(),
            ErrorCode::kValidation);
  Result<VectorEnv> mixed = VectorEnv::Create(2, [](int i) {
    return Result<std::unique_ptr<Env>>(std::make_unique<ScriptedEnv>(
        1, std::vector<double>{1.0}, Space::Box(-1.0f, 1.0f, i + 1)));
  });
  EXPECT_EQ(mixed.status().code(), ErrorCode::kValidation);
  Registry registry = Registry::WithBuiltins();
  EXPECT_EQ(VectorEnv::Make(registry, "Nope-v0", 2).status().code(),
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace trainyard::env
