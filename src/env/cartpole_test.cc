#include "env/cartpole.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace trainyard::env {
namespace {

constexpr float kLeft[] = {0.0f};
constexpr float kRight[] = {1.0f};

TEST(CartPoleTest, SpacesMatchGymnasium) {
  CartPole env;
  EXPECT_EQ(env.action_space().ToString(), "Discrete(2)");
  EXPECT_EQ(env.observation_space().flat_size(), 4);
  // x bound 2 * 2.4; theta bound 2 * 12 * 2 * pi / 360 = 0.41887902.
  EXPECT_FLOAT_EQ(env.observation_space().high()[0], 4.8f);
  EXPECT_FLOAT_EQ(env.observation_space().high()[2], 0.41887902f);
}

TEST(CartPoleTest, PushRightFromRestMatchesHandWorkedEulerStep) {
  // State 0, force +10, cos = 1, sin = 0:
  //   temp     = (10 + 0.05 * 0 * 0) / 1.1              = 100/11
  //   thetaacc = (9.8 * 0 - 1 * 100/11)
  //              / (0.5 * (4/3 - 0.1 * 1 / 1.1))
  //            = -(100/11) / (0.5 * 41/33) = -600/41      = -14.6341463
  //   xacc     = 100/11 - 0.05 * (-600/41) * 1 / 1.1     = 4400/451 = 9.7560976
  //   Euler with tau = 0.02: x = 0, x_dot = 0.02 * 4400/451 = 0.19512195,
  //   theta = 0, theta_dot = 0.02 * -600/41 = -0.29268293.
  CartPole env;
  env.set_state({0.0, 0.0, 0.0, 0.0});
  float obs[4];
  StepResult r = env.Step(kRight, obs);
  EXPECT_DOUBLE_EQ(env.state()[0], 0.0);
  EXPECT_NEAR(env.state()[1], 0.02 * 4400.0 / 451.0, 1e-15);
  EXPECT_DOUBLE_EQ(env.state()[2], 0.0);
  EXPECT_NEAR(env.state()[3], 0.02 * -600.0 / 41.0, 1e-15);
  EXPECT_FLOAT_EQ(obs[1], 0.19512195f);
  EXPECT_FLOAT_EQ(obs[3], -0.29268293f);
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_FALSE(r.terminated);
  EXPECT_FALSE(r.truncated);
}

TEST(CartPoleTest, PushLeftFromTiltedStateMatchesHandWorkedEulerStep) {
  // State (0.1, -0.2, 0.05, 0.3), force -10:
  //   cos(0.05) = 0.99875026, sin(0.05) = 0.04997917
  //   temp     = (-10 + 0.05 * 0.09 * 0.04997917) / 1.1  = -9.09070463
  //   thetaacc = (9.8 * 0.04997917 - 0.99875026 * -9.09070463)
  //              / (0.5 * (4/3 - 0.1 * 0.99750178 / 1.1)) = 15.40116568
  //   xacc     = -9.09070463 - 0.05 * 15.40116568 * 0.99875026 / 1.1
  //            = -9.78988273
  //   x = 0.1 + 0.02 * -0.2 = 0.096; x_dot = -0.2 + 0.02 * -9.78988273
  //   = -0.39579765; theta = 0.05 + 0.02 * 0.3 = 0.056;
  //   theta_dot = 0.3 + 0.02 * 15.40116568 = 0.60802331.
  CartPole env;
  env.set_state({0.1, -0.2, 0.05, 0.3});
  float obs[4];
  env.Step(kLeft, obs);
  EXPECT_NEAR(env.state()[0], 0.096, 1e-12);
  EXPECT_NEAR(env.state()[1], -0.39579765, 1e-8);
  EXPECT_NEAR(env.state()[2], 0.056, 1e-12);
  EXPECT_NEAR(env.state()[3], 0.60802331, 1e-8);
}

TEST(CartPoleTest, TerminatesWhenCartLeavesTrackAndStillRewardsThatStep) {
  // x = 2.39 + 0.02 * 1.0 = 2.41 > 2.4.
  CartPole env;
  env.set_state({2.39, 1.0, 0.0, 0.0});
  float obs[4];
  StepResult r = env.Step(kRight, obs);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reward, 1.0);
  // Gymnasium gives 0 reward for steps taken after termination.
  r = env.Step(kRight, obs);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reward, 0.0);
}

TEST(CartPoleTest, TerminatesWhenPoleExceedsTwelveDegrees) {
  // theta = 0.2 + 0.02 * 0.5 = 0.21 > 12 deg = 0.20943951 rad.
  CartPole env;
  env.set_state({0.0, 0.0, 0.2, 0.5});
  float obs[4];
  EXPECT_TRUE(env.Step(kLeft, obs).terminated);
  // theta = 0.2 + 0.02 * 0.4 = 0.208 < 0.20943951.
  env.set_state({0.0, 0.0, 0.2, 0.4});
  EXPECT_FALSE(env.Step(kLeft, obs).terminated);
}

TEST(CartPoleTest, ResetDrawsStateFromPlusMinusFiveHundredths) {
  CartPole env;
  float obs[4];
  double max_abs = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    env.Reset(seed, obs);
    for (int i = 0; i < 4; ++i) {
      ASSERT_LT(std::abs(obs[i]), 0.05f);
      EXPECT_EQ(obs[i], static_cast<float>(env.state()[i]));
      max_abs = std::max(max_abs, std::abs(env.state()[i]));
    }
  }
  EXPECT_GT(max_abs, 0.045);  // the whole range is used
}

std::vector<float> Rollout(CartPole& env, uint64_t seed) {
  std::vector<float> trajectory;
  float obs[4];
  env.Reset(seed, obs);
  for (int t = 0; t < 300; ++t) {
    // A fixed, state-dependent policy.
    const float action[] = {obs[2] + 0.5f * obs[3] > 0 ? 1.0f : 0.0f};
    StepResult r = env.Step(action, obs);
    trajectory.insert(trajectory.end(), obs, obs + 4);
    if (r.terminated) env.Reset(std::nullopt, obs);
  }
  return trajectory;
}

TEST(CartPoleTest, SameSeedGivesSameTrajectory) {
  CartPole a, b;
  EXPECT_EQ(Rollout(a, 42), Rollout(b, 42));
  EXPECT_NE(Rollout(a, 42), Rollout(b, 43));
}

}  // namespace
}  // namespace trainyard::env
