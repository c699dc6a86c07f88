// Acrobot-v1, a faithful port of gymnasium/envs/classic_control/acrobot.py
// (Sutton 1996; Sutton & Barto's book dynamics): swing a two-link chain,
// actuated at the middle joint, until its tip rises one link length above the
// base. Same constants, RK4 integration over dt = 0.2, angle wrapping,
// velocity bounds, termination, reward and reset as Gymnasium.
#pragma once

#include <array>

#include "core/rng.h"
#include "env/env.h"

namespace trainyard::env {

// Observation: [cos t1, sin t1, cos t2, sin t2, dt1, dt2] with |dt1| <= 4 pi,
// |dt2| <= 9 pi. Action: Discrete(3), torque -1, 0, +1 on the joint between
// the links. Reward -1 per step, 0 on the terminating step; terminates when
// -cos(t1) - cos(t1 + t2) > 1. Reset: each state variable U[-0.1, 0.1)
// rounded to float32 (as Gymnasium does). The registered spec truncates at
// 500 steps.
class Acrobot final : public Env {
 public:
  static constexpr double kDt = 0.2;
  static constexpr double kLinkLength1 = 1.0;
  static constexpr double kLinkMass1 = 1.0;
  static constexpr double kLinkMass2 = 1.0;
  static constexpr double kLinkComPos1 = 0.5;
  static constexpr double kLinkComPos2 = 0.5;
  static constexpr double kLinkMoi = 1.0;
  static constexpr double kGravity = 9.8;
  static constexpr double kPi = 3.14159265358979323846;
  static constexpr double kMaxVel1 = 4 * kPi;
  static constexpr double kMaxVel2 = 9 * kPi;
  static constexpr int kMaxEpisodeSteps = 500;
  static constexpr double kRewardThreshold = -100.0;

  using State = std::array<double, 4>;  // theta1, theta2, dtheta1, dtheta2

  Acrobot();

  const Space& observation_space() const override { return observation_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  const State& state() const { return state_; }
  void set_state(const State& state) { state_ = state; }

  // d/dt of the state under `torque` ("book" dynamics), exposed for tests.
  static State Derivatives(const State& s, double torque);
  // One classic RK4 step of length kDt (Gymnasium's rk4 with t = [0, dt]).
  static State Rk4(const State& s, double torque);

 private:
  void WriteObservation(std::span<float> obs) const;

  Space observation_space_;
  Space action_space_;
  Rng rng_;
  State state_{};
};

}  // namespace trainyard::env
