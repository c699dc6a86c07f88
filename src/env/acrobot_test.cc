#include "env/acrobot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace trainyard::env {
namespace {

constexpr double kPi = std::numbers::pi;

TEST(AcrobotTest, SpacesMatchGymnasium) {
  Acrobot env;
  EXPECT_EQ(env.action_space().ToString(), "Discrete(3)");
  EXPECT_EQ(env.observation_space().flat_size(), 6);
  EXPECT_FLOAT_EQ(env.observation_space().high()[4], 4 * kPi);
  EXPECT_FLOAT_EQ(env.observation_space().high()[5], 9 * kPi);
}

TEST(AcrobotTest, DerivativesAtRestWithUnitTorqueMatchHandWorkedValues) {
  // All angles and speeds 0, torque +1 (book dynamics):
  //   d1 = 1 * 0.25 + 1 * (1 + 0.25 + 2 * 0.5 * cos 0) + 1 + 1 = 4.5
  //   d2 = 1 * (0.25 + 0.5 * cos 0) + 1 = 1.75
  //   phi2 = 0.5 * 9.8 * cos(-pi/2) = 0, phi1 = 1.5 * 9.8 * cos(-pi/2) = 0
  //   ddtheta2 = (1 + 0 - 0 - 0) / (0.25 + 1 - 1.75^2 / 4.5) = 1 / (41/72)
  //            = 72/41 = 1.7560976
  //   ddtheta1 = -(1.75 * 72/41 + 0) / 4.5 = -28/41 = -0.6829268
  const Acrobot::State d = Acrobot::Derivatives({0, 0, 0, 0}, 1.0);
  EXPECT_EQ(d[0], 0.0);
  EXPECT_EQ(d[1], 0.0);
  EXPECT_NEAR(d[2], -28.0 / 41.0, 1e-12);
  EXPECT_NEAR(d[3], 72.0 / 41.0, 1e-12);
}

TEST(AcrobotTest, DerivativesWithBentElbowMatchHandWorkedValues) {
  // theta1 = pi/2, theta2 = pi/2, dtheta1 = 1, dtheta2 = 0, no torque;
  // cos(theta2) = 0, sin(theta2) = 1:
  //   d1 = 0.25 + (1 + 0.25 + 0) + 2 = 3.5;  d2 = 0.25 + 0 + 1 = 1.25
  //   phi2 = 0.5 * 9.8 * cos(pi/2) = 0
  //   phi1 = -0 - 0 + (0.5 + 1) * 9.8 * cos(0) + 0 = 14.7
  //   ddtheta2 = (0 + 1.25/3.5 * 14.7 - 0.5 * 1^2 * 1 - 0)
  //              / (0.25 + 1 - 1.25^2/3.5) = 4.75 / 0.8035714 = 5.9111111
  //   ddtheta1 = -(1.25 * 5.9111111 + 14.7) / 3.5 = -6.3111111
  const Acrobot::State d =
      Acrobot::Derivatives({kPi / 2, kPi / 2, 1.0, 0.0}, 0.0);
  EXPECT_NEAR(d[0], 1.0, 1e-15);
  EXPECT_NEAR(d[1], 0.0, 1e-15);
  EXPECT_NEAR(d[2], -6.3111111111, 1e-9);
  EXPECT_NEAR(d[3], 5.9111111111, 1e-9);
}

TEST(AcrobotTest, Rk4StepMatchesIndependentTranscription) {
  // Reference: a separate Python transcription of Gymnasium's _dsdt and rk4
  // (k1..k4 with dt = 0.2, y + dt/6 (k1 + 2 k2 + 2 k3 + k4)), run once:
  //   from 0 with torque +1 -> [-0.0132629672, 0.0342872293,
  //                              -0.1286618528, 0.3345010900]
  const Acrobot::State s = Acrobot::Rk4({0, 0, 0, 0}, 1.0);
  EXPECT_NEAR(s[0], -0.013262967177227795, 1e-12);
  EXPECT_NEAR(s[1], 0.03428722934738544, 1e-12);
  EXPECT_NEAR(s[2], -0.12866185280996106, 1e-12);
  EXPECT_NEAR(s[3], 0.33450108998660194, 1e-12);
}

TEST(AcrobotTest, StepIntegratesWithRk4AndRewardsMinusOne) {
  // Same transcription from (0.05, -0.03, 0.02, 0.01), action 0 (torque -1):
  //   -> [0.0604877247, -0.0545399851, 0.0818557040, -0.2492731998]
  Acrobot env;
  env.set_state({0.05, -0.03, 0.02, 0.01});
  float obs[6];
  const float action[] = {0.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_NEAR(env.state()[0], 0.06048772467820533, 1e-12);
  EXPECT_NEAR(env.state()[1], -0.05453998509397796, 1e-12);
  EXPECT_NEAR(env.state()[2], 0.08185570403465979, 1e-12);
  EXPECT_NEAR(env.state()[3], -0.24927319984543655, 1e-12);
  EXPECT_FLOAT_EQ(obs[0], std::cos(0.06048772467820533));
  EXPECT_FLOAT_EQ(obs[3], std::sin(-0.05453998509397796));
  EXPECT_EQ(r.reward, -1.0);
  EXPECT_FALSE(r.terminated);
}

TEST(AcrobotTest, HangingAtRestWithoutTorqueStaysAtRest) {
  Acrobot env;
  env.set_state({0, 0, 0, 0});
  float obs[6];
  const float action[] = {1.0f};  // torque 0
  env.Step(action, obs);
  for (double v : env.state()) EXPECT_NEAR(v, 0.0, 1e-12);
}

TEST(AcrobotTest, TipAboveOneLinkTerminatesWithZeroReward) {
  // Pointing straight up: -cos(pi) - cos(pi + 0) = 2 > 1, and one step of
  // dt = 0.2 from rest barely moves it.
  Acrobot env;
  env.set_state({kPi - 0.01, 0.0, 0.0, 0.0});
  float obs[6];
  const float action[] = {1.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reward, 0.0);
}

TEST(AcrobotTest, AnglesAreWrappedAndSpeedsBounded) {
  // Falling from near upright with a large speed: theta1 passes pi and wraps.
  Acrobot env;
  env.set_state({kPi - 0.05, 0.0, 12.0, 30.0});
  float obs[6];
  const float action[] = {2.0f};
  env.Step(action, obs);
  EXPECT_LE(std::abs(env.state()[0]), kPi);
  EXPECT_LE(std::abs(env.state()[1]), kPi);
  EXPECT_LE(std::abs(env.state()[2]), 4 * kPi);
  EXPECT_LE(std::abs(env.state()[3]), 9 * kPi);
}

TEST(AcrobotTest, ResetDrawsFloat32StateInPlusMinusOneTenth) {
  Acrobot env;
  float obs[6];
  for (uint64_t seed = 0; seed < 100; ++seed) {
    env.Reset(seed, obs);
    for (double v : env.state()) {
      ASSERT_LE(std::abs(v), 0.1);
      ASSERT_EQ(v, static_cast<double>(static_cast<float>(v)));
    }
    EXPECT_EQ(obs[4], static_cast<float>(env.state()[2]));
  }
}

std::vector<float> Rollout(uint64_t seed) {
  Acrobot env;
  std::vector<float> trajectory;
  float obs[6];
  env.Reset(seed, obs);
  for (int t = 0; t < 200; ++t) {
    const float action[] = {obs[4] > 0 ? 2.0f : 0.0f};
    env.Step(action, obs);
    trajectory.insert(trajectory.end(), obs, obs + 6);
  }
  return trajectory;
}

TEST(AcrobotTest, SameSeedGivesSameTrajectory) {
  EXPECT_EQ(Rollout(4), Rollout(4));
  EXPECT_NE(Rollout(4), Rollout(5));
}

}  // namespace
}  // namespace trainyard::env
