#include "env/action_transform.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "env/scripted_env_for_test.h"

namespace trainyard::env {
namespace {

using testing::ScriptedEnv;

TEST(ActionTransformTest, ParsesTheApiNames) {
  EXPECT_EQ(*ParseActionTransformMode("linear"), ActionTransformMode::kLinear);
  EXPECT_EQ(*ParseActionTransformMode("non-linear"),
            ActionTransformMode::kNonLinear);
  Result<ActionTransformMode> bad = ParseActionTransformMode("cubic");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kValidation);
  ASSERT_EQ(bad.status().details().size(), 1u);
  EXPECT_EQ(bad.status().details()[0].field, "action_transform");
  EXPECT_STREQ(ActionTransformModeName(ActionTransformMode::kNonLinear),
               "non-linear");
}

TEST(ActionTransformTest, LinearMapsUnitIntervalOntoBounds) {
  // Box [0.1, 0.5]: y = 0.1 + 0.4 u; u = 0.25 -> 0.2; out-of-range clamps.
  ActionMapping map(ActionTransformMode::kLinear, {0.1f, 0.1f, 0.1f},
                    {0.5f, 0.5f, 0.5f});
  const float unit[] = {0.25f, -3.0f, 7.0f};
  float y[3];
  map.Apply(unit, y);
  EXPECT_FLOAT_EQ(y[0], 0.2f);
  EXPECT_FLOAT_EQ(y[1], 0.1f);
  EXPECT_FLOAT_EQ(y[2], 0.5f);
}

TEST(ActionTransformTest, NonLinearMatchesHandWorkedExponentialMap) {
  // k = 3, Box [0, 1], u = 0.5:
  //   (exp(1.5) - 1) / (exp(3) - 1) = 3.4816891 / 19.0855369 = 0.1824255
  // Ends are fixed: u = 0 -> 0, u = 1 -> 1.
  ActionMapping map(ActionTransformMode::kNonLinear, {0.0f, 0.0f, 0.0f},
                    {1.0f, 1.0f, 1.0f}, 3.0);
  const float unit[] = {0.5f, 0.0f, 1.0f};
  float y[3];
  map.Apply(unit, y);
  EXPECT_NEAR(y[0], 0.1824255, 1e-6);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_FLOAT_EQ(y[2], 1.0f);
}

TEST(ActionTransformTest, InvertUndoesApplyInBothModes) {
  for (ActionTransformMode mode :
       {ActionTransformMode::kLinear, ActionTransformMode::kNonLinear}) {
    ActionMapping map(mode, {-2.0f}, {6.0f});
    for (float u = 0.0f; u <= 1.0f; u += 0.125f) {
      float y[1], back[1];
      const float in[] = {u};
      map.Apply(in, y);
      map.Invert(y, back);
      EXPECT_NEAR(back[0], u, 1e-5) << ActionTransformModeName(mode);
    }
  }
}

TEST(ActionTransformTest, WrapperExposesUnitBoxAndStepsWithMappedAction) {
  // Inner Box [-2, 2]; linear u = 0.75 -> -2 + 4 * 0.75 = 1.
  auto inner = std::make_unique<ScriptedEnv>(0);
  ScriptedEnv* raw = inner.get();
  ActionTransform env(std::move(inner), ActionTransformMode::kLinear);
  EXPECT_EQ(env.action_space().ToString(), "Box(0.0, 1.0, (2,), float32)");
  float obs[3];
  env.Reset(0, obs);
  const float action[] = {0.75f, 0.0f};
  env.Step(action, obs);
  EXPECT_FLOAT_EQ(raw->last_action()[0], 1.0f);
  EXPECT_FLOAT_EQ(raw->last_action()[1], -2.0f);
}

}  // namespace
}  // namespace trainyard::env
