// EdgeScalingEnv::Step and the baselines' Act must not allocate (EnvPool-
// style hot loop). allocation_counter_for_test.cc counts
// every global allocation of this binary to check that.
#include <gtest/gtest.h>

#include <vector>

#include "env/allocation_counter_for_test.h"
#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/edge_scaling.h"

namespace trainyard::env::edge {
namespace {

long AllocationsOver(EdgeScalingConfig config, int steps) {
  EdgeScalingEnv env(config);
  HpaPolicy hpa(config);
  std::vector<float> obs(env.observation_space().flat_size());
  std::vector<float> action(env.action_space().flat_size());
  env.Reset(3, obs);
  const long before = AllocationCountForTest();
  for (int t = 0; t < steps; ++t) {
    hpa.Act(obs, action);
    if (env.Step(action, obs).truncated) env.Reset(std::nullopt, obs);
  }
  return AllocationCountForTest() - before;
}

TEST(EdgeScalingNoAllocationTest, CounterSeesAllocations) {
  const long before = AllocationCountForTest();
  std::vector<int> v(10);
  EXPECT_GE(AllocationCountForTest() - before, 1);
}

TEST(EdgeScalingNoAllocationTest, StepAndHpaDoNotAllocate) {
  EdgeScalingConfig c;
  c.load.shape = LoadShape::kDiurnal;
  EXPECT_EQ(AllocationsOver(c, 1000), 0);
}

TEST(EdgeScalingNoAllocationTest, EveryEncodingAndPlacementIsAllocationFree) {
  EdgeScalingConfig c;
  c.load.shape = LoadShape::kBursts;
  c.encoding = ActionEncoding::kJointDiscrete;
  EXPECT_EQ(AllocationsOver(c, 500), 0);
  c.encoding = ActionEncoding::kContinuous;
  EXPECT_EQ(AllocationsOver(c, 500), 0);
  c.encoding = ActionEncoding::kMultiDiscrete;
  c.placement = Placement::kPerNode;
  c.load.shape = LoadShape::kTrace;
  c.load.trace = {{0, 1.0}, {30, 2.0}};
  EXPECT_EQ(AllocationsOver(c, 500), 0);
}

TEST(EdgeScalingNoAllocationTest, RelativeEncodingAndExtraFeaturesToo) {
  EdgeScalingConfig c;
  c.load.shape = LoadShape::kBursts;
  c.encoding = ActionEncoding::kRelativeDiscrete;
  c.observe_time = c.observe_trend = true;
  EXPECT_EQ(AllocationsOver(c, 500), 0);
}

}  // namespace
}  // namespace trainyard::env::edge
