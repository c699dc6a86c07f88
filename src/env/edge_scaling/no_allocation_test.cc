// EdgeScalingEnv::Step and the baselines' Act must not allocate (EnvPool-
// style hot loop). This binary replaces the global allocation functions with
// counting versions to check that.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/edge_scaling.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace trainyard::env::edge {
namespace {

long AllocationsOver(EdgeScalingConfig config, int steps) {
  EdgeScalingEnv env(config);
  HpaPolicy hpa(config);
  std::vector<float> obs(env.observation_space().flat_size());
  std::vector<float> action(env.action_space().flat_size());
  env.Reset(3, obs);
  const long before = g_allocations.load();
  for (int t = 0; t < steps; ++t) {
    hpa.Act(obs, action);
    if (env.Step(action, obs).truncated) env.Reset(std::nullopt, obs);
  }
  return g_allocations.load() - before;
}

TEST(EdgeScalingNoAllocationTest, CounterSeesAllocations) {
  const long before = g_allocations.load();
  std::vector<int> v(10);
  EXPECT_GE(g_allocations.load() - before, 1);
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

}  // namespace
}  // namespace trainyard::env::edge
