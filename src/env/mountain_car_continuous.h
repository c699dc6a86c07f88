// MountainCarContinuous-v0, a faithful port of
// gymnasium/envs/classic_control/continuous_mountain_car.py (Moore 1990):
// drive an underpowered car up a hill by building momentum. Same constants,
// update order, clipping, reward and reset distribution as Gymnasium,
// including its float32 state after each step.
#pragma once

#include <array>

#include "core/rng.h"
#include "env/env.h"

namespace trainyard::env {

// Observation: [position, velocity] in Box([-1.2, -0.07], [0.6, 0.07]).
// Action: force in Box(-1, 1, (1,)); the force is clipped, the action cost
// 0.1 * a^2 uses the unclipped value. Reward +100 on reaching position >= 0.45
// with velocity >= 0 (terminates). Reset: position U[-0.6, -0.4), velocity 0.
// The registered spec truncates at 999 steps.
class MountainCarContinuous final : public Env {
 public:
  static constexpr double kMinAction = -1.0;
  static constexpr double kMaxAction = 1.0;
  static constexpr double kMinPosition = -1.2;
  static constexpr double kMaxPosition = 0.6;
  static constexpr double kMaxSpeed = 0.07;
  static constexpr double kGoalPosition = 0.45;
  static constexpr double kPower = 0.0015;
  static constexpr int kMaxEpisodeSteps = 999;
  static constexpr double kRewardThreshold = 90.0;

  using State = std::array<double, 2>;  // position, velocity

  // `goal_velocity` is Gymnasium's constructor argument (default 0).
  explicit MountainCarContinuous(double goal_velocity = 0.0);

  const Space& observation_space() const override { return observation_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  const State& state() const { return state_; }
  void set_state(const State& state) { state_ = state; }

 private:
  double goal_velocity_;
  Space observation_space_;
  Space action_space_;
  Rng rng_;
  State state_{};
};

}  // namespace trainyard::env
