#include "env/normalize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "env/scripted_env_for_test.h"

namespace trainyard::env {
namespace {

using testing::ScriptedEnv;

TEST(NormalizeObservationTest, OutputsObservationStandardisedByPooledMoments) {
  // ScriptedEnv observations of one episode: [1, 0, 7] on Reset, then
  // [1, 1, 7], [1, 2, 7]. After Reset the t column has seen {0}:
  //   count = 1 + 1e-4, mean = 0, var = 1e-4 * 1 / (1 + 1e-4) -> 0
  // so the first normalised t is 0. After the first step it has seen {0, 1}:
  //   mean = 1 / (2 + 1e-4), var = (1e-4 + 2 * 0.25 + 0.25 * 1e-4 * 2 /
  //   (2 + 1e-4)) / (2 + 1e-4) ~= 0.25
  // so t' = (1 - 0.49998) / sqrt(0.25 + 1e-8) ~= 1.0001.
  NormalizeObservation env(std::make_unique<ScriptedEnv>(0));
  float obs[3];
  env.Reset(7, obs);
  EXPECT_NEAR(obs[1], 0.0, 1e-6);
  const float action[] = {0.0f, 0.0f};
  env.Step(action, obs);
  const double n = 2 + 1e-4;
  const double mean = 1.0 / n;
  const double var = (1e-4 + 2 * 0.25 + 0.25 * 1e-4 * 2 / n) / n;
  EXPECT_NEAR(env.rms()->mean()[1], mean, 1e-12);
  EXPECT_NEAR(env.rms()->var()[1], var, 1e-9);
  EXPECT_NEAR(obs[1], (1 - mean) / std::sqrt(var + 1e-8), 1e-5);
}

TEST(NormalizeObservationTest, FrozenStatisticsAreUsedButNotUpdated) {
  auto rms = std::make_shared<RunningMeanStd>(3);
  const double mean[] = {1.0, 2.0, 3.0}, var[] = {4.0, 4.0, 4.0};
  rms->UpdateFromMoments(mean, var, 1e6);
  NormalizeObservation env(std::make_unique<ScriptedEnv>(0), rms);
  env.set_update_running_mean(false);
  const RunningMeanStd before = *rms;
  float obs[3];
  env.Reset(9, obs);  // raw [1, 0, 9]
  EXPECT_EQ(*rms, before);
  // (raw - mean) / sqrt(var + 1e-8) with the frozen moments.
  for (int i = 0; i < 3; ++i) {
    const double raw = i == 0 ? 1.0 : (i == 1 ? 0.0 : 9.0);
    EXPECT_NEAR(obs[i],
                (raw - rms->mean()[i]) / std::sqrt(rms->var()[i] + 1e-8), 1e-6);
  }
}

TEST(NormalizeObservationTest, CopiesCanShareOneSetOfStatistics) {
  auto rms = std::make_shared<RunningMeanStd>(3);
  NormalizeObservation a(std::make_unique<ScriptedEnv>(0), rms);
  NormalizeObservation b(std::make_unique<ScriptedEnv>(0), rms);
  float obs[3];
  a.Reset(1, obs);
  b.Reset(2, obs);
  EXPECT_DOUBLE_EQ(rms->count(), 2 + 1e-4);
}

TEST(NormalizeRewardTest, DividesByStdOfDiscountedReturn) {
  // Rewards 1, 2, 3 with gamma 0.5 and no termination:
  //   G1 = 1, G2 = 0.5 * 1 + 2 = 2.5, G3 = 0.5 * 2.5 + 3 = 4.25.
  // After step k the statistics pool the prior with G1..Gk, and the reward is
  // r_k / sqrt(var_k + 1e-8).
  NormalizeReward env(
      std::make_unique<ScriptedEnv>(0, std::vector<double>{1.0, 2.0, 3.0}),
      0.5);
  float obs[3];
  env.Reset(0, obs);
  const float action[] = {0.0f, 0.0f};
  const double g[] = {1.0, 2.5, 4.25};
  const double r[] = {1.0, 2.0, 3.0};
  for (int k = 1; k <= 3; ++k) {
    const double got = env.Step(action, obs).reward;
    double sum = 0, sq = 0;
    for (int j = 0; j < k; ++j) sum += g[j];
    const double m = sum / k;
    for (int j = 0; j < k; ++j) sq += (g[j] - m) * (g[j] - m);
    const double v = sq / k;
    const double pooled_var =
        (1e-4 + k * v + m * m * 1e-4 * k / (k + 1e-4)) / (k + 1e-4);
    EXPECT_NEAR(env.discounted_return(), g[k - 1], 1e-12);
    EXPECT_NEAR(got, r[k - 1] / std::sqrt(pooled_var + 1e-8), 1e-9) << k;
  }
}

TEST(NormalizeRewardTest, TerminationRestartsTheDiscountedReturn) {
  // Episode length 2, rewards 1, 2: G1 = 1; step 2 terminates, so
  // G2 = G1 * gamma * 0 + 2 = 2 (Gymnasium zeroes on the terminating step).
  // After Reset: G3 = 2 * 0.9 + 1 = 2.8 since termination already cleared it
  // only through the factor; Reset itself does not touch G.
  NormalizeReward env(
      std::make_unique<ScriptedEnv>(2, std::vector<double>{1.0, 2.0}), 0.9);
  float obs[3];
  const float action[] = {0.0f, 0.0f};
  env.Reset(0, obs);
  env.Step(action, obs);
  EXPECT_DOUBLE_EQ(env.discounted_return(), 1.0);
  EXPECT_TRUE(env.Step(action, obs).terminated);
  EXPECT_DOUBLE_EQ(env.discounted_return(), 2.0);
  env.Reset(std::nullopt, obs);
  env.Step(action, obs);
  EXPECT_DOUBLE_EQ(env.discounted_return(), 2.0 * 0.9 + 1.0);
}

TEST(NormalizeRewardTest, FrozenStatisticsAreNotUpdated) {
  auto rms = std::make_shared<RunningMeanStd>(1);
  NormalizeReward env(
      std::make_unique<ScriptedEnv>(0, std::vector<double>{3.0}), 0.99, rms);
  env.set_update_running_mean(false);
  float obs[3];
  const float action[] = {0.0f, 0.0f};
  env.Reset(0, obs);
  // Prior variance 1: reward 3 / sqrt(1 + 1e-8).
  EXPECT_NEAR(env.Step(action, obs).reward, 3.0 / std::sqrt(1.0 + 1e-8), 1e-12);
  EXPECT_EQ(rms->count(), 1e-4);
}

}  // namespace
}  // namespace trainyard::env
