// Pendulum-v1, a faithful port of gymnasium/envs/classic_control/pendulum.py:
// swing a frictionless pendulum up and keep it upright with a bounded torque.
// Same constants, semi-implicit Euler update, cost and reset distribution as
// Gymnasium; state in double, observations float32.
#pragma once

#include <array>
#include <cstdint>

#include "core/rng.h"
#include "env/env.h"

namespace trainyard::env {

// Observation: [cos(theta), sin(theta), theta_dot] in
// Box([-1, -1, -8], [1, 1, 8]). Action: torque in Box(-2, 2, (1,)), clipped to
// that range. Reward: -(normalize(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2),
// never terminates; the registered spec truncates at 200 steps. Reset draws
// theta from U[-pi, pi) and theta_dot from U[-1, 1).
class Pendulum final : public Env {
 public:
  static constexpr double kMaxSpeed = 8.0;
  static constexpr double kMaxTorque = 2.0;
  static constexpr double kDt = 0.05;
  static constexpr double kMass = 1.0;
  static constexpr double kLength = 1.0;
  static constexpr double kDefaultGravity = 10.0;
  static constexpr int kMaxEpisodeSteps = 200;

  using State = std::array<double, 2>;  // theta, theta_dot

  // `gravity` is Gymnasium's make("Pendulum-v1", g=...) argument.
  explicit Pendulum(double gravity = kDefaultGravity);

  const Space& observation_space() const override { return observation_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  const State& state() const { return state_; }
  void set_state(const State& state) { state_ = state; }

  // Gymnasium's angle_normalize: maps x into [-pi, pi) with Python's
  // floored modulo.
  static double AngleNormalize(double x);

 private:
  void WriteObservation(std::span<float> obs) const;

  double gravity_;
  Space observation_space_;
  Space action_space_;
  Rng rng_;
  State state_{};
};

}  // namespace trainyard::env
