// CartPole-v1, a faithful port of gymnasium/envs/classic_control/cartpole.py
// (Barto, Sutton & Anderson 1983): push a cart left or right to keep a pole
// upright. Same constants, explicit Euler integrator, termination, reward and
// reset distribution as Gymnasium; the state is kept in double like NumPy's
// float64 and observations are float32.
#pragma once

#include <array>
#include <cstdint>

#include "core/rng.h"
#include "env/env.h"

namespace trainyard::env {

// Observation: [x, x_dot, theta, theta_dot]. Action: Discrete(2), 0 pushes
// left, 1 pushes right. Reward 1 per step, including the terminating step.
// Terminates when |x| > 2.4 or |theta| > 12 degrees. No time limit here: the
// registered spec wraps it in TimeLimit(500). Reset draws each state variable
// uniformly from [-0.05, 0.05).
class CartPole final : public Env {
 public:
  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassPole + kMassCart;
  static constexpr double kLength = 0.5;  // half the pole's length
  static constexpr double kPoleMassLength = kMassPole * kLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;  // seconds between state updates
  static constexpr double kThetaThresholdRadians =
      12 * 2 * 3.14159265358979323846 / 360;
  static constexpr double kXThreshold = 2.4;
  static constexpr int kMaxEpisodeSteps = 500;
  static constexpr double kRewardThreshold = 475.0;

  using State = std::array<double, 4>;

  CartPole();

  const Space& observation_space() const override { return observation_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  // The physical state, for tests and for starting from a chosen state.
  const State& state() const { return state_; }
  void set_state(const State& state) {
    state_ = state;
    steps_beyond_terminated_ = -1;
  }

 private:
  void WriteObservation(std::span<float> obs) const;

  Space observation_space_;
  Space action_space_;
  Rng rng_;
  State state_{};
  // -1 until the episode terminates (Gymnasium's steps_beyond_terminated =
  // None); steps after termination earn reward 0.
  int64_t steps_beyond_terminated_ = -1;
};

}  // namespace trainyard::env
