#include "env/pendulum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace trainyard::env {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(PendulumTest, SpacesMatchGymnasium) {
  Pendulum env;
  EXPECT_EQ(env.action_space().ToString(), "Box(-2.0, 2.0, (1,), float32)");
  EXPECT_EQ(env.observation_space().ToString(),
            "Box([-1.0 -1.0 -8.0], [1.0 1.0 8.0], (3,), float32)");
}

TEST(PendulumTest, StepMatchesHandWorkedUpdate) {
  // theta = pi/2, theta_dot = 1, u = 1, g = 10, m = l = 1, dt = 0.05:
  //   cost = (pi/2)^2 + 0.1 * 1^2 + 0.001 * 1^2 = 2.4674011 + 0.101
  //        = 2.5684011
  //   new theta_dot = 1 + (3 * 10 / 2 * sin(pi/2) + 3 * 1) * 0.05 = 1.9
  //   new theta     = pi/2 + 1.9 * 0.05 = 1.6657963
  //   obs = [cos(1.6657963), sin(1.6657963), 1.9] = [-0.0948572,
  //   0.9954909, 1.9]
  Pendulum env;
  env.set_state({kPi / 2, 1.0});
  float obs[3];
  const float action[] = {1.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_NEAR(r.reward, -2.5684011002723395, 1e-12);
  EXPECT_NEAR(env.state()[1], 1.9, 1e-12);
  EXPECT_NEAR(env.state()[0], kPi / 2 + 0.095, 1e-12);
  EXPECT_FLOAT_EQ(obs[0], -0.0948571686f);
  EXPECT_FLOAT_EQ(obs[1], 0.9954908928f);
  EXPECT_FLOAT_EQ(obs[2], 1.9f);
  EXPECT_FALSE(r.terminated);
  EXPECT_FALSE(r.truncated);
}

TEST(PendulumTest, TorqueIsClippedToTwo) {
  // u = 5 -> 2: cost = 0.001 * 4 = 0.004; theta_dot = 3 * 2 * 0.05 = 0.3;
  // theta = 0.3 * 0.05 = 0.015.
  Pendulum env;
  env.set_state({0.0, 0.0});
  float obs[3];
  const float action[] = {5.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_NEAR(r.reward, -0.004, 1e-15);
  EXPECT_NEAR(env.state()[1], 0.3, 1e-15);
  EXPECT_NEAR(env.state()[0], 0.015, 1e-15);
}

TEST(PendulumTest, AngularSpeedIsClippedToEight) {
  // theta_dot = 7.9 + (15 * 1 + 3 * 2) * 0.05 = 8.95 -> 8;
  // theta = pi/2 + 8 * 0.05 = pi/2 + 0.4.
  // cost = (pi/2)^2 + 0.1 * 7.9^2 + 0.001 * 4 = 2.4674011 + 6.241 + 0.004.
  Pendulum env;
  env.set_state({kPi / 2, 7.9});
  float obs[3];
  const float action[] = {2.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_EQ(env.state()[1], 8.0);
  EXPECT_NEAR(env.state()[0], kPi / 2 + 0.4, 1e-12);
  EXPECT_NEAR(r.reward, -(kPi * kPi / 4 + 6.241 + 0.004), 1e-12);
}

TEST(PendulumTest, CostUsesTheAngleNormalisedIntoMinusPiPi) {
  // 3pi/2 normalises to -pi/2, so the angle cost is (pi/2)^2 = 2.4674011.
  EXPECT_NEAR(Pendulum::AngleNormalize(3 * kPi / 2), -kPi / 2, 1e-12);
  EXPECT_NEAR(Pendulum::AngleNormalize(-3 * kPi / 2), kPi / 2, 1e-12);
  EXPECT_NEAR(Pendulum::AngleNormalize(0.5), 0.5, 1e-15);
  Pendulum env;
  env.set_state({3 * kPi / 2, 0.0});
  float obs[3];
  const float action[] = {0.0f};
  EXPECT_NEAR(env.Step(action, obs).reward, -kPi * kPi / 4, 1e-12);
}

TEST(PendulumTest, ResetDrawsAngleInPlusMinusPiAndSpeedInPlusMinusOne) {
  Pendulum env;
  float obs[3];
  for (uint64_t seed = 0; seed < 200; ++seed) {
    env.Reset(seed, obs);
    ASSERT_LE(std::abs(env.state()[0]), kPi);
    ASSERT_LE(std::abs(env.state()[1]), 1.0);
    EXPECT_FLOAT_EQ(obs[0], static_cast<float>(std::cos(env.state()[0])));
    EXPECT_FLOAT_EQ(obs[1], static_cast<float>(std::sin(env.state()[0])));
    EXPECT_EQ(obs[2], static_cast<float>(env.state()[1]));
  }
}

std::vector<float> Rollout(uint64_t seed) {
  Pendulum env;
  std::vector<float> trajectory;
  float obs[3];
  env.Reset(seed, obs);
  for (int t = 0; t < 200; ++t) {
    const float action[] = {-2.0f * obs[1] - 0.5f * obs[2]};
    StepResult r = env.Step(action, obs);
    trajectory.insert(trajectory.end(), obs, obs + 3);
    trajectory.push_back(static_cast<float>(r.reward));
  }
  return trajectory;
}

TEST(PendulumTest, SameSeedGivesSameTrajectory) {
  EXPECT_EQ(Rollout(5), Rollout(5));
  EXPECT_NE(Rollout(5), Rollout(6));
}

}  // namespace
}  // namespace trainyard::env
