#include "env/pendulum.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace trainyard::env {

Pendulum::Pendulum(double gravity)
    : gravity_(gravity),
      observation_space_(
          Space::Box({-1.0f, -1.0f, -8.0f}, {1.0f, 1.0f, 8.0f}, {3})),
      action_space_(Space::Box(-2.0f, 2.0f, 1)) {}

double Pendulum::AngleNormalize(double x) {
  const double two_pi = 2 * std::numbers::pi;
  // Python's % takes the sign of the divisor; fmod takes the dividend's.
  double m = std::fmod(x + std::numbers::pi, two_pi);
  if (m < 0) m += two_pi;
  return m - std::numbers::pi;
}

void Pendulum::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                     Info* /*info*/) {
  if (seed.has_value()) rng_.Seed(*seed);
  state_[0] = rng_.Uniform(-std::numbers::pi, std::numbers::pi);
  state_[1] = rng_.Uniform(-1.0, 1.0);
  WriteObservation(obs);
}

StepResult Pendulum::Step(std::span<const float> action, std::span<float> obs,
                          Info* /*info*/) {
  assert(action.size() == 1);
  const auto [th, thdot] = state_;
  const double u =
      std::clamp(static_cast<double>(action[0]), -kMaxTorque, kMaxTorque);
  const double th_norm = AngleNormalize(th);
  const double costs = th_norm * th_norm + 0.1 * thdot * thdot + 0.001 * u * u;
  double newthdot = thdot + (3 * gravity_ / (2 * kLength) * std::sin(th) +
                             3.0 / (kMass * kLength * kLength) * u) *
                                kDt;
  newthdot = std::clamp(newthdot, -kMaxSpeed, kMaxSpeed);
  const double newth = th + newthdot * kDt;
  state_ = {newth, newthdot};
  WriteObservation(obs);
  StepResult result;
  result.reward = -costs;
  return result;
}

void Pendulum::WriteObservation(std::span<float> obs) const {
  assert(obs.size() == 3);
  obs[0] = static_cast<float>(std::cos(state_[0]));
  obs[1] = static_cast<float>(std::sin(state_[0]));
  obs[2] = static_cast<float>(state_[1]);
}

}  // namespace trainyard::env
