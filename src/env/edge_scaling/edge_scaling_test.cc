#include "env/edge_scaling/edge_scaling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace trainyard::env::edge {
namespace {

// Two nodes (4 cores, 8 GiB), one service (0.5 core, 1 GiB, mu = 10/s),
// 15 requests/s split evenly between the two regions, no Poisson noise.
// Default delays: 2 ms to the own node, 15 ms to the other.
EdgeScalingConfig TwoNodeConfig() {
  EdgeScalingConfig c;
  c.nodes = std::vector<NodeSpec>(2);
  c.services = std::vector<ServiceSpec>(1);
  c.load.users = 150;
  c.load.request_interval_s = 10;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 0;
  return c;
}

struct Stepper {
  explicit Stepper(EdgeScalingConfig c)
      : env(std::move(c)), obs(env.observation_space().flat_size()) {}
  StepResult Step(std::vector<float> action) { return env.Step(action, obs); }
  EdgeScalingEnv env;
  std::vector<float> obs;
};

TEST(EdgeScalingTest, ResetObservesOneOverloadedReplica) {
  Stepper s(TwoNodeConfig());
  s.env.Reset(0, s.obs);
  // One replica on node 0 (tie on free CPU -> lowest index). lambda = 15 >=
  // mu = 10: unstable, every request gets the 10 s latency. Network on node
  // 0: 15 req/s * 50 kB * 8 / 1000 = 6 Mbit/s of 1000.
  std::vector<float> want = {0.125f, 0.125f, 0.006f, 0, 0, 0, 1, 1.5f, 15, 10};
  ASSERT_EQ(s.obs.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(s.obs[i], want[i], 1e-6) << "obs[" << i << "]";
  }
  EXPECT_EQ(s.env.last_metrics().failed_rate, 15.0);
  EXPECT_FALSE(s.env.last_metrics().met_slo);
}

TEST(EdgeScalingTest, StepByStepReference) {
  Stepper s(TwoNodeConfig());
  s.env.Reset(0, s.obs);

  // Step 1: two replicas, one per node. a = 1.5, C(2, 1.5) = 4.5/7,
  // Wq = C / (20 - 15), W = Wq + 0.1. Both regions see (2 + 15) / 2 =
  // 8.5 ms. Reward = -(0.0085 + W) - 0.1 * 2 - 0.1 * 0 (equal CPU use).
  StepResult r = s.Step({2});
  const double w2 = (4.5 / 7.0) / 5.0 + 0.1;
  EXPECT_NEAR(s.env.last_metrics().mean_latency_s, 0.0085 + w2, 1e-12);
  EXPECT_NEAR(r.reward, -(0.0085 + w2) - 0.2, 1e-12);
  EXPECT_EQ(s.env.replicas(0, 0), 1);
  EXPECT_EQ(s.env.replicas(0, 1), 1);
  EXPECT_NEAR(s.obs[7], 0.75, 1e-6);   // rho = 15 / 20
  EXPECT_NEAR(s.obs[2], 0.003, 1e-6);  // 7.5 req/s * 0.4 Mbit
  EXPECT_FALSE(r.truncated);

  // Step 2: three replicas -> node 0, node 1, node 0. C(3, 1.5) =
  // 0.5625*3/1.5 / (3.625 + 1.125) = 1.125 / 4.75; Wq = C / 15.
  // Region 0: (2*2 + 15) / 3 ms, region 1: (2*15 + 2) / 3 ms, mean 8.5 ms.
  // CPU use 0.25 and 0.125: std 0.0625.
  r = s.Step({3});
  const double w3 = (1.125 / 4.75) / 15.0 + 0.1;
  EXPECT_EQ(s.env.replicas(0, 0), 2);
  EXPECT_NEAR(s.env.last_metrics().imbalance, 0.0625, 1e-12);
  EXPECT_NEAR(r.reward, -(0.0085 + w3) - 0.3 - 0.1 * 0.0625, 1e-12);
  EXPECT_NEAR(s.obs[s.env.obs_latency_offset()], 0.0085 + w3, 1e-6);
  EXPECT_TRUE(s.env.last_metrics().met_slo);
}

TEST(EdgeScalingTest, ResponseTimesBeyondTheUnstableLatencyCountAsFailed) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.load.users = 99.5;  // 9.95 requests/s on one replica of mu = 10:
  Stepper s(c);         // W = 1 / (10 - 9.95) = 20 s > 10 s
  s.env.Reset(0, s.obs);
  StepResult r = s.Step({1});
  EXPECT_NEAR(s.env.last_metrics().failed_rate, 9.95, 1e-12);
  // One replica on node 0 of two: CPU use 0.125 and 0, std 0.0625.
  EXPECT_NEAR(r.reward, -10.0 - 0.1 - 0.1 * 0.0625, 1e-12);
  EXPECT_EQ(s.obs[s.env.obs_latency_offset()], 10.0f);
}

TEST(EdgeScalingTest, PoissonArrivalsAverageTheConfiguredRate) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.load.poisson_arrivals = true;
  Stepper s(c);
  s.env.Reset(5, s.obs);
  double sum = 0.0;
  const int kSteps = 20000;
  for (int t = 0; t < kSteps; ++t) {
    if (s.Step({3}).truncated) s.env.Reset(std::nullopt, s.obs);
    sum += s.env.last_metrics().offered_rate;
  }
  // Each step's rate is Poisson(15 * 60) / 60: sd 0.5 per step, so the
  // mean of 20000 steps has sd 0.0035.
  EXPECT_NEAR(sum / kSteps, 15.0, 0.02);
}

TEST(EdgeScalingTest, TruncatesAfterEpisodeSteps) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.episode_steps = 3;
  Stepper s(c);
  s.env.Reset(0, s.obs);
  EXPECT_FALSE(s.Step({2}).truncated);
  EXPECT_FALSE(s.Step({2}).truncated);
  StepResult r = s.Step({2});
  EXPECT_TRUE(r.truncated);
  EXPECT_FALSE(r.terminated);
}

TEST(EdgeScalingTest, ActionBeyondCpuCapacityIsInfeasibleAndKeepsPlacement) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.nodes[0].cpu_cores = c.nodes[1].cpu_cores = 1.0;  // two replicas each
  c.max_replicas = 6;
  Stepper s(c);
  s.env.Reset(0, s.obs);
  s.Step({2});
  const double feasible_latency = s.env.last_metrics().mean_latency_s;
  StepResult r = s.Step({5});  // 2.5 cores needed on 2 x 1 core
  EXPECT_TRUE(s.env.last_metrics().infeasible);
  EXPECT_EQ(s.env.last_metrics().total_replicas, 2);
  // Same load and placement as before, plus the penalty of 1.
  EXPECT_NEAR(r.reward, -feasible_latency - 0.2 - 1.0, 1e-12);
  // Exactly full is feasible.
  s.Step({4});
  EXPECT_FALSE(s.env.last_metrics().infeasible);
  EXPECT_EQ(s.env.last_metrics().total_replicas, 4);
  EXPECT_NEAR(s.obs[0], 1.0, 1e-6);
}

TEST(EdgeScalingTest, MemoryCapacityIsEnforcedToo) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.services[0].memory_per_replica = 3.0;  // two per 8 GiB node
  c.max_replicas = 6;
  Stepper s(c);
  s.env.Reset(0, s.obs);
  s.Step({5});
  EXPECT_TRUE(s.env.last_metrics().infeasible);
  EXPECT_EQ(s.env.last_metrics().total_replicas, 1);
}

TEST(EdgeScalingTest, PerNodePlacementChecksEachNode) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.placement = Placement::kPerNode;
  c.nodes[0].cpu_cores = 1.0;
  Stepper s(c);
  EXPECT_EQ(s.env.action_space().nvec(), (std::vector<int64_t>{5, 5}));
  s.env.Reset(0, s.obs);
  s.Step({3, 0});  // 1.5 cores on a 1-core node
  EXPECT_TRUE(s.env.last_metrics().infeasible);
  s.Step({0, 3});  // node 1 has 4 cores
  EXPECT_FALSE(s.env.last_metrics().infeasible);
  EXPECT_EQ(s.env.replicas(0, 1), 3);
  // All requests served on node 1: region 0 pays 15 ms, region 1 2 ms,
  // mean 8.5 ms; the queue is M/M/3 at a = 1.5 as in the reference test.
  EXPECT_NEAR(s.env.last_metrics().mean_latency_s,
              0.0085 + (1.125 / 4.75) / 15.0 + 0.1, 1e-12);
}

TEST(EdgeScalingTest, EncodingsDecodeToTheSameCounts) {
  EdgeScalingConfig c;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 0;
  std::vector<float> multi = {0, 1, 4, 2};
  // Joint index, dimension 0 most significant: ((0*5 + 1)*5 + 4)*5 + 2 = 47.
  std::vector<float> joint = {47};
  std::vector<float> box = {0.9f, 1.2f, 4.99f, 2.0f};
  std::vector<std::vector<int>> placements;
  for (auto [encoding, action] :
       {std::pair{ActionEncoding::kMultiDiscrete, multi},
        std::pair{ActionEncoding::kJointDiscrete, joint},
        std::pair{ActionEncoding::kContinuous, box}}) {
    c.encoding = encoding;
    Stepper s(c);
    s.env.Reset(1, s.obs);
    s.Step(action);
    std::vector<int> counts;
    for (int svc = 0; svc < 4; ++svc) {
      int total = 0;
      for (int n = 0; n < 4; ++n) total += s.env.replicas(svc, n);
      counts.push_back(total);
    }
    placements.push_back(counts);
  }
  EXPECT_EQ(placements[0], (std::vector<int>{0, 1, 4, 2}));
  EXPECT_EQ(placements[1], placements[0]);
  EXPECT_EQ(placements[2], placements[0]);
}

TEST(EdgeScalingTest, SpacesMatchTheDocumentedLayout) {
  EdgeScalingEnv env{EdgeScalingConfig{}};
  EXPECT_EQ(env.action_space().ToString(), "MultiDiscrete([5 5 5 5])");
  EXPECT_EQ(env.observation_space().flat_size(), 3 * 4 + 3 * 4 + 1);
  // Request-rate cap: 2 x 4 replicas x mu 10.
  EXPECT_EQ(env.observation_space().high()[env.obs_service_offset(0) + 2],
            80.0f);
}

TEST(EdgeScalingTest, SameSeedSameTrajectory) {
  EdgeScalingConfig c;
  c.load.shape = LoadShape::kBursts;
  auto run = [&](uint64_t seed) {
    Stepper s(c);
    std::vector<double> trace;
    s.env.Reset(seed, s.obs);
    for (int t = 0; t < 40; ++t) {
      StepResult r = s.Step({float(t % 5), 2, 3, float(4 - t % 5)});
      trace.push_back(r.reward);
      trace.insert(trace.end(), s.obs.begin(), s.obs.end());
      if (r.truncated) s.env.Reset(std::nullopt, s.obs);
    }
    return trace;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(EdgeScalingTest, DrawingTheNextLoadEarlyDoesNotChangeTheTrajectory) {
  EdgeScalingConfig c;
  c.load.shape = LoadShape::kDiurnal;  // the load depends on the step's time
  c.load.diurnal = DiurnalShape::kTwoPeak;
  auto run = [&](bool early) {
    Stepper s(c);
    std::vector<double> trace;
    s.env.Reset(11, s.obs);
    for (int t = 0; t < 30; ++t) {
      if (early) {
        s.env.DrawNextLoad();
        s.env.DrawNextLoad();  // a second call draws nothing
      }
      StepResult r = s.Step({float(1 + t % 4), 2, 3, 4});
      trace.push_back(r.reward);
      trace.insert(trace.end(), s.obs.begin(), s.obs.end());
      if (r.truncated) s.env.Reset(std::nullopt, s.obs);
    }
    return trace;
  };
  EXPECT_EQ(run(true), run(false));
}

TEST(EdgeScalingTest, ServiceLatencySharesSumToTheNextStepsMeanLatency) {
  EdgeScalingConfig c;
  c.load.shape = LoadShape::kBursts;
  c.load.burst_probability = 0.5;
  Stepper s(c);
  s.env.Reset(3, s.obs);
  for (int t = 0; t < 20; ++t) {
    // Service 0 is unstable at one replica; the others vary.
    const std::vector<int> counts = {1, 2 + t % 3, 4, 1 + t % 4};
    s.env.DrawNextLoad();
    double shares = 0.0;
    for (int k = 0; k < 4; ++k) shares += s.env.NextServiceLatency(k, counts);
    s.Step(std::vector<float>(counts.begin(), counts.end()));
    EXPECT_NEAR(shares, s.env.last_metrics().mean_latency_s, 1e-12) << t;
  }
}

TEST(EdgeScalingTest, ServiceLatencyShareOfAnUnstableServiceIsItsRateAtTheCap) {
  EdgeScalingConfig c = TwoNodeConfig();  // 15 req/s, mu = 10
  Stepper s(c);
  s.env.Reset(0, s.obs);
  s.env.DrawNextLoad();
  EXPECT_DOUBLE_EQ(s.env.NextServiceLatency(0, std::vector<int>{1}),
                   c.unstable_latency_s);
  EXPECT_LT(s.env.NextServiceLatency(0, std::vector<int>{2}), 1.0);
}

TEST(EdgeScalingTest, BurstsMultiplyTheRateForBurstSteps) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.load.shape = LoadShape::kBursts;
  c.load.burst_probability = 1.0;  // a new burst whenever none runs
  c.load.burst_factor = 2.0;
  c.load.burst_steps = 2;
  Stepper s(c);
  s.env.Reset(0, s.obs);
  EXPECT_NEAR(s.env.last_metrics().offered_rate, 30.0, 1e-12);
  s.Step({4});
  EXPECT_NEAR(s.env.last_metrics().offered_rate, 30.0, 1e-12);
}

TEST(EdgeScalingTest, TraceSetsTheRatePerStep) {
  EdgeScalingConfig c = TwoNodeConfig();
  c.load.shape = LoadShape::kTrace;
  c.load.trace = {{0, 1.0}, {60, 2.0}, {120, 0.0}};
  Stepper s(c);
  s.env.Reset(0, s.obs);
  EXPECT_NEAR(s.env.last_metrics().offered_rate, 15.0, 1e-12);
  s.Step({4});
  EXPECT_NEAR(s.env.last_metrics().offered_rate, 30.0, 1e-12);
  s.Step({4});
  EXPECT_EQ(s.env.last_metrics().offered_rate, 0.0);
  EXPECT_EQ(s.env.last_metrics().mean_latency_s, 0.0);
}

TEST(EdgeScalingTest, ConfigValidationNamesFields) {
  EdgeScalingConfig c;
  c.max_replicas = 0;
  c.nodes[0].cpu_cores = 0;
  Status s = ValidateConfig(c);
  ASSERT_FALSE(s.ok());
  std::vector<std::string> fields;
  for (const auto& e : s.details()) fields.push_back(e.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "nodes[0]"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "max_replicas"),
            fields.end());
}

TEST(EdgeScalingTest, RegisteredIdBuildsTheEnvironment) {
  Registry registry;
  ASSERT_TRUE(RegisterEdgeScaling(&registry, EdgeScalingConfig{}).ok());
  auto env = registry.Make("EdgeScaling-v0");
  ASSERT_TRUE(env.ok());
  EXPECT_EQ((*env)->action_space().kind(), Space::Kind::kMultiDiscrete);
  EXPECT_EQ(RegisterEdgeScaling(&registry, EdgeScalingConfig{}).code(),
            ErrorCode::kConflict);
}

}  // namespace
}  // namespace trainyard::env::edge
