// Step must not allocate (EnvPool-style hot loop).
// allocation_counter_for_test.cc counts every global allocation of this binary
// to check that.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "env/action_bounds.h"
#include "env/action_transform.h"
#include "env/allocation_counter_for_test.h"
#include "env/episode_statistics.h"
#include "env/normalize.h"
#include "env/vector_env.h"

namespace trainyard::env {
namespace {

// Steps `venv` with a fixed action pattern; returns allocations counted.
long AllocationsWhileStepping(VectorEnv& venv, const std::vector<float>& a,
                              const std::vector<float>& b, int steps) {
  const long before = AllocationCountForTest();
  for (int t = 0; t < steps; ++t) venv.Step(t % 3 == 0 ? a : b);
  return AllocationCountForTest() - before;
}

TEST(NoAllocationTest, CounterSeesAllocations) {
  const long before = AllocationCountForTest();
  auto v = std::make_unique<std::vector<int>>(100);
  EXPECT_GE(AllocationCountForTest() - before, 2);  // the vector and its buffer
}

TEST(NoAllocationTest, WrappedCartPoleVectorStepDoesNotAllocate) {
  Registry registry = Registry::WithBuiltins();
  auto obs_rms = std::make_shared<RunningMeanStd>(4);
  auto ret_rms = std::make_shared<RunningMeanStd>(1);
  Result<VectorEnv> venv =
      VectorEnv::Create(4, [&](int) -> Result<std::unique_ptr<Env>> {
        TY_ASSIGN_OR_RETURN(std::unique_ptr<Env> env,
                            registry.Make("CartPole-v1"));
        env = std::make_unique<EpisodeStatistics>(std::move(env));
        env = std::make_unique<NormalizeObservation>(std::move(env), obs_rms);
        env = std::make_unique<NormalizeReward>(std::move(env), 0.99, ret_rms);
        return env;
      });
  ASSERT_TRUE(venv.ok());
  venv->Reset(1);
  // Thousands of steps include many terminations and autoresets.
  EXPECT_EQ(AllocationsWhileStepping(*venv, {1, 1, 1, 1}, {0, 1, 0, 0}, 5000),
            0);
}

TEST(NoAllocationTest, ContinuousEnvsWithActionWrappersDoNotAllocate) {
  Registry registry = Registry::WithBuiltins();
  for (const char* id : {"Pendulum-v1", "MountainCarContinuous-v0"}) {
    for (bool transform : {true, false}) {
      Result<VectorEnv> venv =
          VectorEnv::Create(2, [&](int) -> Result<std::unique_ptr<Env>> {
            TY_ASSIGN_OR_RETURN(std::unique_ptr<Env> env, registry.Make(id));
            if (transform) {
              return std::unique_ptr<Env>(std::make_unique<ActionTransform>(
                  std::move(env), ActionTransformMode::kNonLinear));
            }
            env = std::make_unique<RescaleAction>(std::move(env), 0.0f, 1.0f);
            return std::unique_ptr<Env>(
                std::make_unique<ClipAction>(std::move(env)));
          });
      ASSERT_TRUE(venv.ok()) << venv.status().ToString();
      venv->Reset(2);
      EXPECT_EQ(
          AllocationsWhileStepping(*venv, {0.9f, 0.9f}, {0.1f, 0.2f}, 3000), 0)
          << id << (transform ? " ActionTransform" : " RescaleAction");
    }
  }
}

TEST(NoAllocationTest, AcrobotVectorStepDoesNotAllocate) {
  Registry registry = Registry::WithBuiltins();
  Result<VectorEnv> venv = VectorEnv::Make(registry, "Acrobot-v1", 2);
  ASSERT_TRUE(venv.ok());
  venv->Reset(3);
  EXPECT_EQ(AllocationsWhileStepping(*venv, {0, 2}, {2, 1}, 1200), 0);
}

}  // namespace
}  // namespace trainyard::env
