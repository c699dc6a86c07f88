#include "env/mountain_car_continuous.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace trainyard::env {
namespace {

TEST(MountainCarContinuousTest, SpacesMatchGymnasium) {
  MountainCarContinuous env;
  EXPECT_EQ(env.action_space().ToString(), "Box(-1.0, 1.0, (1,), float32)");
  EXPECT_EQ(env.observation_space().ToString(),
            "Box([-1.2 -0.07], [0.6 0.07], (2,), float32)");
}

TEST(MountainCarContinuousTest, StepMatchesHandWorkedUpdate) {
  // position -0.5, velocity 0, a = 1:
  //   velocity = 0 + 1 * 0.0015 - 0.0025 * cos(-1.5)
  //            = 0.0015 - 0.0025 * 0.0707372 = 0.0013231570
  //   position = -0.5 + 0.0013231570 = -0.4986768430
  //   reward   = -(1^2) * 0.1 = -0.1
  MountainCarContinuous env;
  env.set_state({-0.5, 0.0});
  float obs[2];
  const float action[] = {1.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_FLOAT_EQ(obs[0], -0.4986768430f);
  EXPECT_FLOAT_EQ(obs[1], 0.0013231570f);
  // The state is stored as float32, exactly as Gymnasium does.
  EXPECT_EQ(env.state()[0], static_cast<double>(obs[0]));
  EXPECT_NEAR(r.reward, -0.1, 1e-7);  // 0.1 * float(1)^2
  EXPECT_FALSE(r.terminated);
}

TEST(MountainCarContinuousTest, ReachingTheFlagTerminatesWithBonus) {
  // position 0.44, velocity 0.02, a = 0.5:
  //   velocity = 0.02 + 0.5 * 0.0015 - 0.0025 * cos(1.32)
  //            = 0.02075 - 0.0025 * 0.2481755 = 0.0201296
  //   position = 0.4601296 >= 0.45 and velocity >= 0 -> terminated
  //   reward   = 100 - 0.5^2 * 0.1 = 99.975
  MountainCarContinuous env;
  env.set_state({0.44, 0.02});
  float obs[2];
  const float action[] = {0.5f};
  StepResult r = env.Step(action, obs);
  EXPECT_TRUE(r.terminated);
  EXPECT_NEAR(r.reward, 99.975, 1e-9);
  EXPECT_FLOAT_EQ(obs[0], 0.4601295614f);
}

TEST(MountainCarContinuousTest, LeftWallStopsTheCar) {
  // position -1.19, velocity -0.05, a = -1:
  //   velocity = -0.05 - 0.0015 - 0.0025 * cos(-3.57)
  //            = -0.0515 + 0.0025 * 0.9096285 = -0.0492259
  //   position = -1.2392259 -> clipped to -1.2, and velocity < 0 -> 0.
  MountainCarContinuous env;
  env.set_state({-1.19, -0.05});
  float obs[2];
  const float action[] = {-1.0f};
  env.Step(action, obs);
  EXPECT_FLOAT_EQ(obs[0], -1.2f);
  EXPECT_EQ(obs[1], 0.0f);
}

TEST(MountainCarContinuousTest, ForceIsClippedButCostUsesRawAction) {
  // a = 2: force clipped to 1 (same motion as a = 1), cost 0.1 * 4 = 0.4.
  MountainCarContinuous env;
  env.set_state({-0.5, 0.0});
  float obs[2];
  const float action[] = {2.0f};
  StepResult r = env.Step(action, obs);
  EXPECT_FLOAT_EQ(obs[1], 0.0013231570f);
  EXPECT_NEAR(r.reward, -0.4, 1e-12);
}

TEST(MountainCarContinuousTest, ResetDrawsPositionInBasinWithZeroVelocity) {
  MountainCarContinuous env;
  float obs[2];
  for (uint64_t seed = 0; seed < 200; ++seed) {
    env.Reset(seed, obs);
    ASSERT_GE(obs[0], -0.6f);
    ASSERT_LE(obs[0], -0.4f);
    ASSERT_EQ(obs[1], 0.0f);
  }
}

std::vector<float> Rollout(uint64_t seed) {
  MountainCarContinuous env;
  std::vector<float> trajectory;
  float obs[2];
  env.Reset(seed, obs);
  for (int t = 0; t < 300; ++t) {
    const float action[] = {obs[1] >= 0 ? 1.0f : -1.0f};
    env.Step(action, obs);
    trajectory.insert(trajectory.end(), obs, obs + 2);
  }
  return trajectory;
}

TEST(MountainCarContinuousTest, SameSeedGivesSameTrajectory) {
  EXPECT_EQ(Rollout(9), Rollout(9));
  EXPECT_NE(Rollout(9), Rollout(10));
}

}  // namespace
}  // namespace trainyard::env
