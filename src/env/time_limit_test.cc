#include "env/time_limit.h"

#include <gtest/gtest.h>

#include <memory>

#include "env/cartpole.h"
#include "env/pendulum.h"

namespace trainyard::env {
namespace {

TEST(TimeLimitTest, TruncatesOnTheStepThatReachesTheLimit) {
  TimeLimit env(std::make_unique<Pendulum>(), 3);
  float obs[3];
  const float action[] = {0.0f};
  env.Reset(1, obs);
  EXPECT_FALSE(env.Step(action, obs).truncated);
  EXPECT_FALSE(env.Step(action, obs).truncated);
  EXPECT_EQ(env.elapsed_steps(), 2);
  EXPECT_TRUE(env.Step(action, obs).truncated);
}

TEST(TimeLimitTest, ResetRestartsTheCount) {
  TimeLimit env(std::make_unique<Pendulum>(), 2);
  float obs[3];
  const float action[] = {0.0f};
  env.Reset(1, obs);
  env.Step(action, obs);
  env.Reset(std::nullopt, obs);
  EXPECT_EQ(env.elapsed_steps(), 0);
  EXPECT_FALSE(env.Step(action, obs).truncated);
  EXPECT_TRUE(env.Step(action, obs).truncated);
}

TEST(TimeLimitTest, ReportsTerminationAndTruncationOnTheSameStep) {
  auto cartpole = std::make_unique<CartPole>();
  CartPole* raw = cartpole.get();
  TimeLimit env(std::move(cartpole), 1);
  float obs[4];
  env.Reset(0, obs);
  raw->set_state({2.39, 1.0, 0.0, 0.0});  // x reaches 2.41 in one step
  const float action[] = {1.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_TRUE(r.terminated);
  EXPECT_TRUE(r.truncated);
}

TEST(TimeLimitTest, FindWrapperLocatesTheLayer) {
  TimeLimit env(std::make_unique<CartPole>(), 5);
  EXPECT_EQ(FindWrapper<TimeLimit>(env), &env);
  EXPECT_NE(FindWrapper<CartPole>(env), nullptr);
  EXPECT_EQ(FindWrapper<Pendulum>(env), nullptr);
}

}  // namespace
}  // namespace trainyard::env
