// UniswapV3LP-v0's Step must not allocate once the ranges it uses exist in
// the pool. allocation_counter_for_test.cc counts
// every global allocation of this binary to check that.
#include <gtest/gtest.h>

#include <vector>

#include "core/rng.h"
#include "env/allocation_counter_for_test.h"
#include "env/uniswap_v3_lp/uniswap_v3_lp.h"

namespace trainyard::env {
namespace {

TEST(UniswapV3LpNoAllocationTest, KeepingAndSwitchingKnownRangesDoNotAllocate) {
  UniswapV3LpConfig c;
  c.keep_tolerance = 0.0;
  c.max_steps = 0;
  auto env = UniswapV3LpEnv::Create(c);
  ASSERT_TRUE(env.ok());
  std::vector<float> obs(11);
  (*env)->Reset(1, obs);
  const float wide[2] = {0.9f, 0.9f};
  (*env)->Step(wide, obs);
  const LpTarget a{false, (*env)->tick_lower(), (*env)->tick_upper()};
  const LpTarget b{false, a.tick_lower - 600, a.tick_upper + 600};
  // Warm-up: both ranges have been minted once.
  for (int t = 0; t < 4; ++t) (*env)->StepTarget(t % 2 ? a : b, obs);
  const long before = AllocationCountForTest();
  for (int t = 0; t < 200; ++t) {
    (*env)->StepTarget(t % 10 < 5 ? a : b, obs);  // keep 4 of 5 steps
  }
  (*env)->Step(wide, obs);
  EXPECT_EQ(AllocationCountForTest() - before, 0);
}

// Moving to ranges never seen before: the burned positions are dropped, so
// the pool's tables stop growing once warm.
TEST(UniswapV3LpNoAllocationTest, ReRangingEveryStepDoesNotAllocateAfterWarmUp) {
  for (LpActionMode mode : {LpActionMode::kBounds, LpActionMode::kRecentre}) {
    UniswapV3LpConfig c;
    c.keep_tolerance = 0.0;
    c.max_steps = 0;
    c.action_mode = mode;
    c.agent_budget_usd = 1e6;  // $30 of gas a step never drains it
    auto env = UniswapV3LpEnv::Create(c);
    ASSERT_TRUE(env.ok());
    std::vector<float> obs(11);
    (*env)->Reset(3, obs);
    Rng rng(11);
    float act[2];
    auto step = [&] {
      act[0] = static_cast<float>(rng.Uniform());
      // Move (kRecentre: 1/3 <= a1 < 2/3; kBounds ignores a1's meaning).
      act[1] = 0.34f + 0.3f * static_cast<float>(rng.Uniform());
      (*env)->Step(act, obs);
    };
    for (int t = 0; t < 2000; ++t) step();  // warm-up
    int moved = 0;
    const long before = AllocationCountForTest();
    for (int t = 0; t < 3000; ++t) {
      step();
      moved += (*env)->last_record().adjusted ? 1 : 0;
    }
    EXPECT_EQ(AllocationCountForTest() - before, 0);
    EXPECT_GT(moved, 2500);  // it really re-ranged
  }
}

}  // namespace
}  // namespace trainyard::env
