#include "env/edge_scaling/per_service.h"

#include <gtest/gtest.h>

#include <vector>

namespace trainyard::env::edge {
namespace {

EdgeScalingConfig Quiet() {
  EdgeScalingConfig c;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 0;
  c.encoding = ActionEncoding::kPerService;
  return c;
}

TEST(PerServiceEnvTest, SpacesAreOneSmallHeadAndTheExtendedObservation) {
  EdgeScalingConfig c = Quiet();
  PerServiceEnv env(c);
  EXPECT_EQ(env.action_space().kind(), Space::Kind::kDiscrete);
  EXPECT_EQ(env.action_space().n(), 5);
  // 25 full + 3 own block + 4 one-hot + 4 decided.
  EXPECT_EQ(env.observation_space().flat_size(), 36);
  c.observe_time = c.observe_trend = true;
  EXPECT_EQ(PerServiceObservationSize(c), 31 + 4 + 4 + 4);
}

TEST(PerServiceEnvTest, SubObservationShowsTheDecidingServiceAndChoices) {
  EdgeScalingConfig c = Quiet();
  c.observe_trend = true;
  // Full observation: 12 node values, then per service (replicas, rho,
  // rate), the latency, then 4 trends.
  std::vector<float> full(ObservationSize(c), 0.0f);
  for (int s = 0; s < 4; ++s) {
    full[12 + 3 * s] = 10.0f + s;   // replicas
    full[13 + 3 * s] = 20.0f + s;   // rho
    full[14 + 3 * s] = 30.0f + s;   // rate
    full[25 + s] = 40.0f + s;       // trend
  }
  std::vector<int> decided = {3, 1, 9, 9};  // only the first two count
  std::vector<float> sub(PerServiceObservationSize(c));
  WritePerServiceObservation(c, full, 2, decided, sub);
  for (size_t i = 0; i < full.size(); ++i) EXPECT_EQ(sub[i], full[i]) << i;
  const std::vector<float> tail = {12, 22, 32, 42, 0, 0, 1, 0, 3, 1, 0, 0};
  for (size_t i = 0; i < tail.size(); ++i) {
    EXPECT_EQ(sub[full.size() + i], tail[i]) << i;
  }
}

TEST(PerServiceEnvTest, FourSubStepsMakeOneStepWithItsReward) {
  EdgeScalingConfig c = Quiet();
  PerServiceEnv env(c);
  EdgeScalingConfig direct_config = c;
  direct_config.encoding = ActionEncoding::kMultiDiscrete;
  EdgeScalingEnv direct(direct_config);
  std::vector<float> obs(env.observation_space().flat_size());
  std::vector<float> direct_obs(direct.observation_space().flat_size());
  env.Reset(7, obs);
  direct.Reset(7, direct_obs);
  const std::vector<float> counts = {2, 3, 1, 4};
  for (int s = 0; s < 3; ++s) {
    StepResult r = env.Step(std::vector<float>{counts[s]}, obs);
    EXPECT_EQ(r.reward, 0.0);
    EXPECT_FALSE(env.stepped());
    EXPECT_EQ(obs[25 + 3 + 4 + s], counts[s]);  // choices so far
  }
  StepResult r = env.Step(std::vector<float>{counts[3]}, obs);
  EXPECT_TRUE(env.stepped());
  StepResult want = direct.Step(counts, direct_obs);
  EXPECT_EQ(r.reward, want.reward);
  EXPECT_EQ(env.inner().last_metrics().total_replicas, 10);
  for (size_t i = 0; i < direct_obs.size(); ++i) {
    EXPECT_EQ(obs[i], direct_obs[i]) << i;
  }
  EXPECT_EQ(obs[25 + 3], 1.0f);  // service 0 decides next
}

// The sub-step rewards of `steps` full steps (counts 1..4 in turn), one
// vector per full step.
std::vector<std::vector<double>> SubStepRewards(const EdgeScalingConfig& c,
                                                int steps) {
  PerServiceEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(9, obs);
  std::vector<std::vector<double>> out;
  for (int t = 0; t < steps; ++t) {
    std::vector<double> rewards;
    for (int s = 0; s < 4; ++s) {
      const float count = static_cast<float>(1 + (t + s) % 4);
      StepResult r = env.Step(std::vector<float>{count}, obs);
      rewards.push_back(r.reward);
      if (r.truncated) env.Reset(std::nullopt, obs);
    }
    out.push_back(rewards);
  }
  return out;
}

TEST(PerServiceEnvTest, ServiceRewardsKeepEachStepsTotal) {
  EdgeScalingConfig c = Quiet();
  c.load.shape = LoadShape::kBursts;
  c.load.poisson_arrivals = true;
  const auto whole = SubStepRewards(c, 12);
  c.service_rewards = true;
  const auto split = SubStepRewards(c, 12);
  for (size_t t = 0; t < whole.size(); ++t) {
    double total = 0.0;
    for (double r : split[t]) total += r;
    EXPECT_NEAR(total, whole[t][3], 1e-9) << t;
  }
}

TEST(PerServiceEnvTest, ServiceRewardsPayEachServiceItsOwnPartAtOnce) {
  EdgeScalingConfig c = Quiet();  // 15 req/s per service, mu = 10
  c.service_rewards = true;
  PerServiceEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(0, obs);
  // One replica is unstable: a quarter of the requests at 10 s, plus the
  // replica's cost.
  const double unstable = env.Step(std::vector<float>{1}, obs).reward;
  EXPECT_NEAR(unstable, -0.25 * c.unstable_latency_s - c.replica_cost, 1e-9);
  // Two replicas are stable: far less latency, two replicas' cost.
  const double stable = env.Step(std::vector<float>{2}, obs).reward;
  EXPECT_LT(stable, -2 * c.replica_cost);
  EXPECT_GT(stable, -0.25 - 2 * c.replica_cost);
}

TEST(PerServiceEnvTest, ServiceRewardsNeedThePerServiceMode) {
  EdgeScalingConfig c;
  c.service_rewards = true;
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.encoding = ActionEncoding::kPerService;
  EXPECT_TRUE(ValidateConfig(c).ok());
}

TEST(PerServiceEnvTest, TruncatesAfterEpisodeStepsFullSteps) {
  EdgeScalingConfig c = Quiet();
  c.episode_steps = 2;
  PerServiceEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(0, obs);
  int sub_steps = 0;
  StepResult r;
  do {
    r = env.Step(std::vector<float>{2}, obs);
    ++sub_steps;
  } while (!r.truncated && sub_steps < 100);
  EXPECT_EQ(sub_steps, 8);
}

TEST(PerServiceEnvTest, ActPerServiceAsksOncePerServiceInOrder) {
  EdgeScalingConfig c = Quiet();
  std::vector<float> full(ObservationSize(c), 0.5f);
  std::vector<int> seen;
  // Chooses (deciding service + 1) and checks the earlier choices.
  ActFn sub_act = [&](std::span<const float> sub, std::span<float> action) {
    int service = 0;
    while (sub[25 + 3 + service] != 1.0f) ++service;
    for (int k = 0; k < service; ++k) {
      EXPECT_EQ(sub[25 + 3 + 4 + k], k + 1);
    }
    seen.push_back(service);
    action[0] = static_cast<float>(service + 1);
    return Status::Ok();
  };
  std::vector<float> action(4);
  ASSERT_TRUE(FullStepAct(c, sub_act)(full, action).ok());
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(action, (std::vector<float>{1, 2, 3, 4}));
}

TEST(PerServiceEnvTest, RegisteredPerServiceConfigBuildsTheWrapper) {
  Registry registry;
  ASSERT_TRUE(RegisterEdgeScaling(&registry, Quiet()).ok());
  auto env = registry.Make(kEnvId);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ((*env)->action_space().n(), 5);
  EXPECT_EQ(AgentStepsPerStep(Quiet()), 4);
}

TEST(PerServiceEnvTest, SeededRunsRepeat) {
  EdgeScalingConfig c = Quiet();
  c.load.poisson_arrivals = true;
  c.load.start_time_s = -1;
  PerServiceEnv a(c), b(c);
  std::vector<float> oa(a.observation_space().flat_size()), ob(oa.size());
  a.Reset(42, oa);
  b.Reset(42, ob);
  for (int t = 0; t < 40; ++t) {
    const std::vector<float> act = {static_cast<float>(t % 5)};
    EXPECT_EQ(a.Step(act, oa).reward, b.Step(act, ob).reward);
    EXPECT_EQ(oa, ob);
  }
}

}  // namespace
}  // namespace trainyard::env::edge
