#include "env/action_bounds.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <vector>

#include "env/scripted_env_for_test.h"

namespace trainyard::env {
namespace {

using testing::ScriptedEnv;

TEST(ClipActionTest, ClipsIntoInnerBoundsAndExposesUnboundedBox) {
  auto inner = std::make_unique<ScriptedEnv>(0);  // action Box(-2, 2, (2,))
  ScriptedEnv* raw = inner.get();
  ClipAction env(std::move(inner));
  EXPECT_EQ(env.action_space().ToString(), "Box(-inf, inf, (2,), float32)");
  float obs[3];
  env.Reset(0, obs);
  const float action[] = {5.0f, -0.5f};
  env.Step(action, obs);
  EXPECT_EQ(raw->last_action(), (std::vector<float>{2.0f, -0.5f}));
}

TEST(RescaleActionTest, MapsRangeAffinelyOntoInnerBounds) {
  // Inner Box [-2, 2]; exposed [0, 1]: gradient = 4 / 1 = 4,
  // intercept = 4 * -0 + -2 = -2; so 0 -> -2, 0.25 -> -1, 1 -> 2.
  auto inner = std::make_unique<ScriptedEnv>(0);
  ScriptedEnv* raw = inner.get();
  RescaleAction env(std::move(inner), 0.0f, 1.0f);
  EXPECT_EQ(env.action_space().ToString(), "Box(0.0, 1.0, (2,), float32)");
  float obs[3];
  env.Reset(0, obs);
  const float action[] = {0.25f, 1.0f};
  env.Step(action, obs);
  EXPECT_FLOAT_EQ(raw->last_action()[0], -1.0f);
  EXPECT_FLOAT_EQ(raw->last_action()[1], 2.0f);
}

TEST(RescaleActionTest, PerDimensionRanges) {
  // Dimension 0 exposed [-1, 1] -> [-2, 2]: 0.5 -> 1.
  // Dimension 1 exposed [10, 20] -> [-2, 2]: gradient 0.4, 15 -> 0.
  auto inner = std::make_unique<ScriptedEnv>(0);
  ScriptedEnv* raw = inner.get();
  RescaleAction env(std::move(inner), {-1.0f, 10.0f}, {1.0f, 20.0f});
  float obs[3];
  env.Reset(0, obs);
  const float action[] = {0.5f, 15.0f};
  env.Step(action, obs);
  EXPECT_FLOAT_EQ(raw->last_action()[0], 1.0f);
  EXPECT_NEAR(raw->last_action()[1], 0.0f, 1e-6);
}

}  // namespace
}  // namespace trainyard::env
