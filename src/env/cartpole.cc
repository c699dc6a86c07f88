#include "env/cartpole.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace trainyard::env {
namespace {

Space CartPoleObservationSpace() {
  const float kFloatMax = std::numeric_limits<float>::max();
  const float x = static_cast<float>(CartPole::kXThreshold * 2);
  const float theta = static_cast<float>(CartPole::kThetaThresholdRadians * 2);
  return Space::Box({-x, -kFloatMax, -theta, -kFloatMax},
                    {x, kFloatMax, theta, kFloatMax}, {4});
}

}  // namespace

CartPole::CartPole()
    : observation_space_(CartPoleObservationSpace()),
      action_space_(Space::Discrete(2)) {}

void CartPole::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                     Info* /*info*/) {
  if (seed.has_value()) rng_.Seed(*seed);
  for (double& v : state_) v = rng_.Uniform(-0.05, 0.05);
  steps_beyond_terminated_ = -1;
  WriteObservation(obs);
}

StepResult CartPole::Step(std::span<const float> action, std::span<float> obs,
                          Info* /*info*/) {
  assert(action.size() == 1);
  auto [x, x_dot, theta, theta_dot] = state_;
  const double force = action[0] == 1.0f ? kForceMag : -kForceMag;
  const double costheta = std::cos(theta);
  const double sintheta = std::sin(theta);
  // https://coneural.org/florian/papers/05_cart_pole.pdf, as in Gymnasium.
  const double temp =
      (force + kPoleMassLength * theta_dot * theta_dot * sintheta) / kTotalMass;
  const double thetaacc =
      (kGravity * sintheta - costheta * temp) /
      (kLength * (4.0 / 3.0 - kMassPole * costheta * costheta / kTotalMass));
  const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;
  // Gymnasium's default kinematics_integrator "euler".
  x = x + kTau * x_dot;
  x_dot = x_dot + kTau * xacc;
  theta = theta + kTau * theta_dot;
  theta_dot = theta_dot + kTau * thetaacc;
  state_ = {x, x_dot, theta, theta_dot};

  StepResult result;
  result.terminated = x < -kXThreshold || x > kXThreshold ||
                      theta < -kThetaThresholdRadians ||
                      theta > kThetaThresholdRadians;
  if (!result.terminated) {
    result.reward = 1.0;
  } else if (steps_beyond_terminated_ < 0) {
    steps_beyond_terminated_ = 0;  // the pole just fell
    result.reward = 1.0;
  } else {
    ++steps_beyond_terminated_;  // stepping a finished episode
    result.reward = 0.0;
  }
  WriteObservation(obs);
  return result;
}

void CartPole::WriteObservation(std::span<float> obs) const {
  assert(obs.size() == 4);
  for (int i = 0; i < 4; ++i) obs[i] = static_cast<float>(state_[i]);
}

}  // namespace trainyard::env
