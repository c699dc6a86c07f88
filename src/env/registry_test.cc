#include <gtest/gtest.h>

#include "env/env.h"
#include "env/time_limit.h"

namespace trainyard::env {
namespace {

TEST(RegistryTest, BuiltinsHaveGymnasiumLimitsAndThresholds) {
  Registry registry = Registry::WithBuiltins();
  Result<Spec> cartpole = registry.Find("CartPole-v1");
  ASSERT_TRUE(cartpole.ok());
  EXPECT_EQ(cartpole->max_episode_steps, 500);
  EXPECT_EQ(cartpole->reward_threshold, 475.0);
  Result<Spec> pendulum = registry.Find("Pendulum-v1");
  ASSERT_TRUE(pendulum.ok());
  EXPECT_EQ(pendulum->max_episode_steps, 200);
  EXPECT_FALSE(pendulum->reward_threshold.has_value());
}

TEST(RegistryTest, MakeWrapsInTimeLimitThatTruncatesCartPoleAt500) {
  Registry registry = Registry::WithBuiltins();
  Result<std::unique_ptr<Env>> env = registry.Make("CartPole-v1");
  ASSERT_TRUE(env.ok());
  TimeLimit* limit = FindWrapper<TimeLimit>(**env);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->max_episode_steps(), 500);
  EXPECT_EQ((*env)->action_space().ToString(), "Discrete(2)");
}

TEST(RegistryTest, BuiltinsTruncateAtTheirEpisodeLimit) {
  // Actions that never reach a terminal state: no torque for Pendulum and
  // Acrobot (hanging at rest), no force for MountainCarContinuous.
  Registry registry = Registry::WithBuiltins();
  const std::pair<const char*, float> cases[] = {
      {"Pendulum-v1", 0.0f},
      {"MountainCarContinuous-v0", 0.0f},
      {"Acrobot-v1", 1.0f}};
  for (const auto& [id, action_value] : cases) {
    Result<std::unique_ptr<Env>> env = registry.Make(id);
    ASSERT_TRUE(env.ok());
    const int limit = registry.Find(id)->max_episode_steps;
    std::vector<float> obs((*env)->observation_space().flat_size());
    const float action[] = {action_value};
    (*env)->Reset(3, obs);
    for (int t = 1; t < limit; ++t) {
      StepResult r = (*env)->Step(action, obs);
      ASSERT_FALSE(r.truncated || r.terminated) << id << " step " << t;
    }
    StepResult last = (*env)->Step(action, obs);
    EXPECT_TRUE(last.truncated) << id;
    EXPECT_FALSE(last.terminated) << id;
  }
  EXPECT_EQ(registry.Find("MountainCarContinuous-v0")->max_episode_steps, 999);
  EXPECT_EQ(registry.Find("MountainCarContinuous-v0")->reward_threshold, 90.0);
  EXPECT_EQ(registry.Find("Acrobot-v1")->max_episode_steps, 500);
  EXPECT_EQ(registry.Find("Acrobot-v1")->reward_threshold, -100.0);
}

TEST(RegistryTest, UnknownIdIsNotFoundAndListsKnownIds) {
  Registry registry = Registry::WithBuiltins();
  Result<std::unique_ptr<Env>> env = registry.Make("CartPole-v0");
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(env.status().message().find("CartPole-v1"), std::string::npos);
}

TEST(RegistryTest, AFactoryOutlivesItsRegistryAndMakesWhatMakeMakes) {
  Result<EnvFactory> factory = Registry::WithBuiltins().Factory("CartPole-v1");
  ASSERT_TRUE(factory.ok()) << factory.status().ToString();
  Result<std::unique_ptr<Env>> env = (*factory)(0);
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_EQ((*env)->observation_space().flat_size(), 4);
  EXPECT_EQ(Registry::WithBuiltins().Factory("CartPole-v0").status().code(),
            ErrorCode::kNotFound);
}

TEST(RegistryTest, RegisteringATakenIdIsAConflict) {
  Registry registry = Registry::WithBuiltins();
  Spec spec;
  spec.id = "CartPole-v1";
  EXPECT_EQ(registry.Register(spec).code(), ErrorCode::kConflict);
  spec.id = "Mine-v0";
  EXPECT_TRUE(registry.Register(spec).ok());
  EXPECT_EQ(registry.Ids().size(), Registry::WithBuiltins().Ids().size() + 1);
}

}  // namespace
}  // namespace trainyard::env
