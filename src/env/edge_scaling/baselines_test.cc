#include "env/edge_scaling/baselines.h"

#include <gtest/gtest.h>

#include "env/edge_scaling/groups.h"

namespace trainyard::env::edge {
namespace {

// An observation of the default 4-node, 4-service env with the given
// replicas and utilisation per service (other entries 0).
std::vector<float> Observation(const std::vector<float>& replicas,
                               const std::vector<float>& utilisation) {
  std::vector<float> obs(3 * 4 + 3 * 4 + 1, 0.0f);
  for (int s = 0; s < 4; ++s) {
    obs[12 + 3 * s] = replicas[s];
    obs[12 + 3 * s + 1] = utilisation[s];
  }
  return obs;
}

TEST(HpaPolicyTest, DesiredIsCeilOfCurrentTimesUtilisationOverTarget) {
  EdgeScalingConfig c;
  HpaPolicy hpa(c);
  std::vector<float> action(4);
  // s0: 2 x 0.9 / 0.75 = 2.4 -> 3; s1: 3 x 0.3 / 0.75 = 1.2 -> 2;
  // s2: 1 x 0.8 / 0.75 = 1.067, within the 10% tolerance -> 1;
  // s3: 2 x 10 / 0.75 = 26.7 -> bounded by max 4.
  hpa.Act(Observation({2, 3, 1, 2}, {0.9f, 0.3f, 0.8f, 10.0f}), action);
  EXPECT_EQ(action, (std::vector<float>{3, 2, 1, 4}));
}

TEST(HpaPolicyTest, NeverBelowMinReplicas) {
  EdgeScalingConfig c;
  HpaPolicy hpa(c);
  std::vector<float> action(4);
  hpa.Act(Observation({0, 1, 4, 2}, {0, 0, 0.1f, 0}), action);
  EXPECT_EQ(action, (std::vector<float>{1, 1, 1, 1}));
}

TEST(BaselinesTest, StaticAndMaxIgnoreTheObservation) {
  EdgeScalingConfig c;
  std::vector<float> action(4);
  StaticPolicy(c, 2).Act(Observation({1, 1, 1, 1}, {5, 5, 5, 5}), action);
  EXPECT_EQ(action, (std::vector<float>{2, 2, 2, 2}));
  MaxReplicasPolicy(c).Act(Observation({1, 1, 1, 1}, {0, 0, 0, 0}), action);
  EXPECT_EQ(action, (std::vector<float>{4, 4, 4, 4}));
}

TEST(BaselinesTest, JointEncodingIsTheMixedRadixIndex) {
  EdgeScalingConfig c;
  c.encoding = ActionEncoding::kJointDiscrete;
  std::vector<float> action(1);
  StaticPolicy(c, 1).Act(Observation({1, 1, 1, 1}, {0, 0, 0, 0}), action);
  EXPECT_EQ(action[0], 1 * 125 + 1 * 25 + 1 * 5 + 1);
}

TEST(BaselinesTest, UnknownBaselineIsAValidationError) {
  EXPECT_EQ(MakeBaseline("random", EdgeScalingConfig{}).status().code(),
            ErrorCode::kValidation);
}

PolicyRun RunBaseline(const std::string& name, int static_replicas,
                      const LoadGroup& group) {
  EdgeScalingConfig c = WithGroup(EdgeScalingConfig{}, group);
  EdgeScalingEnv env(c);
  auto policy = MakeBaseline(name, c, static_replicas);
  EXPECT_TRUE(policy.ok());
  ScalingPolicy* p = policy->get();
  auto run = RunPolicy(
      env,
      [p](std::span<const float> obs, std::span<float> action) {
        p->Act(obs, action);
        return Status::Ok();
      },
      500, group.seed);
  EXPECT_TRUE(run.ok());
  return *run;
}

TEST(BaselinesTest, HpaBeatsOneReplicaAndMaxReplicasOnTheDiurnalGroup) {
  LoadGroup diurnal = *FindBuiltinGroup("diurnal");
  PolicyRun hpa = RunBaseline("hpa", 0, diurnal);
  PolicyRun one = RunBaseline("static", 1, diurnal);
  PolicyRun max = RunBaseline("max_replicas", 0, diurnal);
  EXPECT_GT(hpa.mean_reward, one.mean_reward);
  EXPECT_GT(hpa.mean_reward, max.mean_reward);
  // The rule gets there by using fewer replicas than max at a latency far
  // below the overloaded single replica's.
  EXPECT_LT(hpa.mean_replicas, max.mean_replicas);
  EXPECT_LT(hpa.mean_latency_ms, one.mean_latency_ms);
}

TEST(RunPolicyTest, CountsEpisodesAndAveragesPerStep) {
  EdgeScalingConfig c;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 0;
  EdgeScalingEnv env(c);
  StaticPolicy two(c, 2);
  auto run = RunPolicy(
      env,
      [&](std::span<const float> obs, std::span<float> action) {
        two.Act(obs, action);
        return Status::Ok();
      },
      12, 0);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->episodes, 2);  // 5-step episodes
  EXPECT_EQ(run->mean_replicas, 8.0);
  // Constant load and placement: every step is the same.
  EXPECT_NEAR(run->reward_std, 0.0, 1e-9);
  EXPECT_NEAR(run->mean_episode_return, 5 * run->mean_reward, 1e-9);
}

TEST(StaticReplicasForTest, SizesTheBusiestServiceForTheMeanRateAtTarget) {
  EdgeScalingConfig c;  // 4 equal services, mu = 10, max 4
  // 60 req/s: 15 per service / (10 x 0.75) = 2.
  EXPECT_EQ(StaticReplicasFor(c, 60.0), 2);
  // 100 req/s: 25 / 7.5 = 3.33 -> 4.
  EXPECT_EQ(StaticReplicasFor(c, 100.0), 4);
  // Within HPA's 10 % tolerance: 16 req/s on 2 replicas is rho 0.8.
  EXPECT_EQ(StaticReplicasFor(c, 64.0), 2);
  EXPECT_EQ(StaticReplicasFor(c, 70.0), 3);
  // Never below 1, never above max_replicas.
  EXPECT_EQ(StaticReplicasFor(c, 0.0), 1);
  EXPECT_EQ(StaticReplicasFor(c, 1000.0), 4);
  // The busiest service decides: shares 3:1:0:0 of 40 req/s = 30 -> 4.
  c.services[0].traffic_share = 3;
  c.services[1].traffic_share = 1;
  c.services[2].traffic_share = 0;
  c.services[3].traffic_share = 0;
  EXPECT_EQ(StaticReplicasFor(c, 40.0), 4);
}

TEST(RunPolicyTest, SizedStaticBaselineServesTheSteadyGroup) {
  // One replica per service fails every request of the steady group; the
  // count sized for its mean rate serves them.
  LoadGroup steady = *FindBuiltinGroup("steady");
  PolicyRun one = RunBaseline("static", 1, steady);
  EXPECT_EQ(one.failed_request_share, 1.0);
  EXPECT_EQ(one.mean_throughput, 0.0);
  const int sized = StaticReplicasFor(WithGroup(EdgeScalingConfig{}, steady),
                                      one.mean_offered_rate);
  EXPECT_EQ(sized, 2);
  PolicyRun run = RunBaseline("static", sized, steady);
  EXPECT_LT(run.failed_request_share, 0.05);
  EXPECT_GT(run.mean_throughput, 0.9 * run.mean_offered_rate);
  EXPECT_LT(run.mean_latency_ms, 1000.0);
}

TEST(RunPolicyTest, ServedLatencyLeavesOutFailedRequests) {
  // Service 0 has no replica (its requests fail at unstable_latency_s);
  // the others run 2 each.
  EdgeScalingConfig c;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 0;
  EdgeScalingEnv env(c);
  auto run = RunPolicy(
      env,
      [](std::span<const float>, std::span<float> action) {
        const float counts[] = {0, 2, 2, 2};
        std::copy(counts, counts + 4, action.begin());
        return Status::Ok();
      },
      5, 0);
  ASSERT_TRUE(run.ok());
  EXPECT_NEAR(run->failed_request_share, 0.25, 1e-9);
  // All requests: a quarter at 10 s; served ones well below 1 s.
  EXPECT_GT(run->mean_latency_ms, 2500.0);
  EXPECT_LT(run->served_latency_ms, 1000.0);
  EXPECT_NEAR(run->mean_latency_ms,
              0.25 * 10000.0 + 0.75 * run->served_latency_ms, 1e-6);
}

}  // namespace
}  // namespace trainyard::env::edge
