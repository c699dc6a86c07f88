#include "env/mountain_car_continuous.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace trainyard::env {

MountainCarContinuous::MountainCarContinuous(double goal_velocity)
    : goal_velocity_(goal_velocity),
      observation_space_(Space::Box(
          {static_cast<float>(kMinPosition), static_cast<float>(-kMaxSpeed)},
          {static_cast<float>(kMaxPosition), static_cast<float>(kMaxSpeed)},
          {2})),
      action_space_(Space::Box(-1.0f, 1.0f, 1)) {}

void MountainCarContinuous::Reset(std::optional<uint64_t> seed,
                                  std::span<float> obs, Info* /*info*/) {
  if (seed.has_value()) rng_.Seed(*seed);
  state_ = {rng_.Uniform(-0.6, -0.4), 0.0};
  obs[0] = static_cast<float>(state_[0]);
  obs[1] = static_cast<float>(state_[1]);
}

StepResult MountainCarContinuous::Step(std::span<const float> action,
                                       std::span<float> obs, Info* /*info*/) {
  assert(action.size() == 1);
  double position = state_[0];
  double velocity = state_[1];
  const double a = action[0];
  const double force = std::min(std::max(a, kMinAction), kMaxAction);

  velocity += force * kPower - 0.0025 * std::cos(3 * position);
  velocity = std::clamp(velocity, -kMaxSpeed, kMaxSpeed);
  position += velocity;
  position = std::clamp(position, kMinPosition, kMaxPosition);
  if (position == kMinPosition && velocity < 0) velocity = 0;

  StepResult result;
  result.terminated = position >= kGoalPosition && velocity >= goal_velocity_;
  result.reward = result.terminated ? 100.0 : 0.0;
  result.reward -= a * a * 0.1;

  // Gymnasium stores the state as a float32 array after every step.
  const float position32 = static_cast<float>(position);
  const float velocity32 = static_cast<float>(velocity);
  state_ = {position32, velocity32};
  obs[0] = position32;
  obs[1] = velocity32;
  return result;
}

}  // namespace trainyard::env
