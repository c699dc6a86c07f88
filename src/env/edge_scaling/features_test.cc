// The learning-oriented additions to EdgeScaling-v0: the relative_discrete
// action encoding (per-service -k..+k moves) and the optional time-of-day
// and request-rate-trend observation features. Expected values are worked
// by hand from the definitions in docs/gym.md.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/edge_scaling.h"

namespace trainyard::env::edge {
namespace {

// Default 4 x 4 cluster, 60 req/s without Poisson noise (15 per service),
// the first step at 06:00.
EdgeScalingConfig Quiet() {
  EdgeScalingConfig c;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 6 * 3600.0;
  return c;
}

TEST(RelativeEncodingTest, DecodesMixedRadixMovesFromTheCurrentCounts) {
  EdgeScalingConfig c = Quiet();
  c.encoding = ActionEncoding::kRelativeDiscrete;
  // Moves (+1, 0, -1, +1) are digits (2, 1, 0, 2): 2*27 + 1*9 + 0*3 + 2.
  const std::vector<float> action = {65.0f};
  const std::vector<int> current = {1, 2, 1, 4};
  std::vector<int> counts(4);
  DecodeReplicaCounts(c, action, current, counts);
  EXPECT_EQ(counts, (std::vector<int>{2, 2, 0, 4}));  // 4 + 1 clamps to 4
}

TEST(RelativeEncodingTest, StepTwoMovesDigitsOfFive) {
  EdgeScalingConfig c = Quiet();
  c.encoding = ActionEncoding::kRelativeDiscrete;
  c.relative_step = 2;
  // Moves (+2, -2, 0, +1) are digits (4, 0, 2, 3): 4*125 + 0 + 2*5 + 3.
  const std::vector<float> action = {513.0f};
  const std::vector<int> current = {1, 1, 1, 1};
  std::vector<int> counts(4);
  DecodeReplicaCounts(c, action, current, counts);
  EXPECT_EQ(counts, (std::vector<int>{3, 0, 1, 2}));
}

TEST(RelativeEncodingTest, ActionSpaceHasThreeChoicesPerService) {
  EdgeScalingConfig c = Quiet();
  c.encoding = ActionEncoding::kRelativeDiscrete;
  EdgeScalingEnv env(c);
  EXPECT_EQ(env.action_space().kind(), Space::Kind::kDiscrete);
  EXPECT_EQ(env.action_space().n(), 81);
}

TEST(RelativeEncodingTest, EnvMovesEveryServiceOneReplicaUp) {
  EdgeScalingConfig c = Quiet();
  c.encoding = ActionEncoding::kRelativeDiscrete;
  EdgeScalingEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(0, obs);
  const std::vector<float> up = {80.0f};  // digits (2, 2, 2, 2)
  env.Step(up, obs);
  EXPECT_EQ(env.last_metrics().total_replicas, 8);
  env.Step(up, obs);
  EXPECT_EQ(env.last_metrics().total_replicas, 12);
  const std::vector<float> hold = {40.0f};  // digits (1, 1, 1, 1)
  env.Step(hold, obs);
  EXPECT_EQ(env.last_metrics().total_replicas, 12);
}

TEST(RelativeEncodingTest, NeedsSpreadPlacementAndAStepWithinMax) {
  EdgeScalingConfig c = Quiet();
  c.encoding = ActionEncoding::kRelativeDiscrete;
  c.placement = Placement::kPerNode;
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.placement = Placement::kSpread;
  c.relative_step = 5;  // > max_replicas 4
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.relative_step = 4;
  EXPECT_TRUE(ValidateConfig(c).ok());
  EXPECT_EQ(ParseActionEncoding("relative_discrete").value(),
            ActionEncoding::kRelativeDiscrete);
}

TEST(RelativeEncodingTest, HpaMovesAtMostOneStepTowardsItsDecision) {
  EdgeScalingConfig c = Quiet();
  c.encoding = ActionEncoding::kRelativeDiscrete;
  EdgeScalingEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(0, obs);
  // 1 replica at 15 req/s: rho = 1.5, HPA wants ceil(1 x 1.5 / 0.75) = 2.
  HpaPolicy hpa(c);
  std::vector<float> action(1);
  hpa.Act(obs, action);
  EXPECT_EQ(action[0], 80.0f);
  // With 3 replicas HPA wants 4 of them down to ceil(3 x 0.5 / 0.75) = 2.
  env.Step(action, obs);
  env.Step(action, obs);
  ASSERT_EQ(env.last_metrics().total_replicas, 12);
  hpa.Act(obs, action);
  EXPECT_EQ(action[0], 0.0f);  // digits (0, 0, 0, 0): -1 each
}

TEST(ObservationFeaturesTest, OffByDefaultKeepsTheLayout) {
  EdgeScalingConfig c = Quiet();
  EXPECT_EQ(ObservationSize(c), 25);
  EdgeScalingEnv env(c);
  EXPECT_EQ(env.observation_space().flat_size(), 25);
  EXPECT_EQ(env.obs_time_offset(), -1);
  EXPECT_EQ(env.obs_trend_offset(), -1);
}

TEST(ObservationLayoutTest, NamesUnitsAndBoundsInObservationOrder) {
  EdgeScalingConfig c = Quiet();
  std::vector<ObservationField> layout = ObservationLayout(c);
  ASSERT_EQ(layout.size(), 25u);
  EXPECT_EQ(layout[0].name, "node0.cpu_used");
  EXPECT_EQ(layout[2].name, "node0.network_used");
  EXPECT_EQ(layout[12].name, "service0.replicas");
  EXPECT_EQ(layout[13].name, "service0.utilisation");
  EXPECT_EQ(layout[14].name, "service0.request_rate");
  EXPECT_EQ(layout[14].unit, "requests/s");
  EXPECT_EQ(layout[24].name, "mean_latency");
  EdgeScalingEnv env(c);
  for (size_t i = 0; i < layout.size(); ++i) {
    EXPECT_EQ(layout[i].low, env.observation_space().low()[i]) << i;
    EXPECT_EQ(layout[i].high, env.observation_space().high()[i]) << i;
    EXPECT_FALSE(layout[i].unit.empty()) << i;
  }
  EXPECT_EQ(layout[24].high, 10.0f);  // unstable_latency_s
}

TEST(ObservationLayoutTest, TimeThenTrendBlocksAreNamed) {
  EdgeScalingConfig c = Quiet();
  c.observe_time = c.observe_trend = true;
  std::vector<ObservationField> layout = ObservationLayout(c);
  ASSERT_EQ(layout.size(), 31u);
  EXPECT_EQ(layout[25].name, "time_of_day.sin");
  EXPECT_EQ(layout[26].name, "time_of_day.cos");
  EXPECT_EQ(layout[27].name, "service0.request_rate_trend");
  EXPECT_EQ(layout[30].name, "service3.request_rate_trend");
  EXPECT_EQ(layout[30].low, -80.0f);
}

TEST(ObservationFeaturesTest, TimeOfDayAsSineAndCosine) {
  EdgeScalingConfig c = Quiet();
  c.observe_time = true;
  c.step_seconds = 3600;
  EdgeScalingEnv env(c);
  ASSERT_EQ(env.observation_space().flat_size(), 27);
  std::vector<float> obs(27);
  env.Reset(0, obs);
  // 06:00 is a quarter of the day: sin = 1, cos = 0.
  EXPECT_EQ(env.obs_time_offset(), 25);
  EXPECT_NEAR(obs[25], 1.0, 1e-6);
  EXPECT_NEAR(obs[26], 0.0, 1e-6);
  const std::vector<float> hold = {1, 1, 1, 1};
  env.Step(hold, obs);
  // 07:00: angle 2 pi 7 / 24.
  EXPECT_NEAR(obs[25], std::sin(2 * M_PI * 7 / 24), 1e-6);
  EXPECT_NEAR(obs[26], std::cos(2 * M_PI * 7 / 24), 1e-6);
  // 18 more hours: 01:00 the next day.
  for (int i = 0; i < 18; ++i) env.Step(hold, obs);
  EXPECT_NEAR(obs[25], std::sin(2 * M_PI * 1 / 24), 1e-6);
  EXPECT_NEAR(obs[26], std::cos(2 * M_PI * 1 / 24), 1e-6);
  EXPECT_EQ(env.observation_space().low()[25], -1.0f);
  EXPECT_EQ(env.observation_space().high()[26], 1.0f);
}

TEST(ObservationFeaturesTest, TrendIsTheRateChangePerService) {
  EdgeScalingConfig c = Quiet();
  c.observe_trend = true;
  c.load.shape = LoadShape::kTrace;
  c.load.start_time_s = 0;
  // x1 for the first minute, x2 for the second, back to x1.
  c.load.trace = {{0, 1.0}, {60, 2.0}, {120, 1.0}};
  EdgeScalingEnv env(c);
  ASSERT_EQ(env.observation_space().flat_size(), 29);
  EXPECT_EQ(env.obs_trend_offset(), 25);
  std::vector<float> obs(29);
  env.Reset(0, obs);
  for (int s = 0; s < 4; ++s) EXPECT_EQ(obs[25 + s], 0.0f);  // no history
  const std::vector<float> hold = {1, 1, 1, 1};
  env.Step(hold, obs);
  // 15 -> 30 req/s per service.
  for (int s = 0; s < 4; ++s) EXPECT_NEAR(obs[25 + s], 15.0, 1e-5);
  env.Step(hold, obs);
  for (int s = 0; s < 4; ++s) EXPECT_NEAR(obs[25 + s], -15.0, 1e-5);
  // Bounds: +- the rate cap 2 x 4 x 10 = 80 req/s.
  EXPECT_EQ(env.observation_space().low()[25], -80.0f);
  EXPECT_EQ(env.observation_space().high()[28], 80.0f);
}

TEST(ObservationFeaturesTest, BothFeaturesTimeFirstAndRewardUnchanged) {
  EdgeScalingConfig plain = Quiet();
  EdgeScalingConfig rich = Quiet();
  rich.observe_time = rich.observe_trend = true;
  EXPECT_EQ(ObservationSize(rich), 31);
  EdgeScalingEnv a(plain), b(rich);
  EXPECT_EQ(b.obs_time_offset(), 25);
  EXPECT_EQ(b.obs_trend_offset(), 27);
  std::vector<float> oa(25), ob(31);
  a.Reset(3, oa);
  b.Reset(3, ob);
  const std::vector<float> two = {2, 2, 2, 2};
  const double ra = a.Step(two, oa).reward;
  const double rb = b.Step(two, ob).reward;
  EXPECT_EQ(ra, rb);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(oa[i], ob[i]) << i;
}

}  // namespace
}  // namespace trainyard::env::edge
