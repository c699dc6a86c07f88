#include "env/acrobot.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace trainyard::env {
namespace {

constexpr double kAvailableTorque[3] = {-1.0, 0.0, 1.0};

// Gymnasium's wrap(): shifts x by whole periods into [m, M].
double Wrap(double x, double m, double big_m) {
  const double diff = big_m - m;
  while (x > big_m) x -= diff;
  while (x < m) x += diff;
  return x;
}

Acrobot::State Axpy(const Acrobot::State& y, double h,
                    const Acrobot::State& k) {
  return {y[0] + h * k[0], y[1] + h * k[1], y[2] + h * k[2], y[3] + h * k[3]};
}

}  // namespace

Acrobot::Acrobot()
    : observation_space_(
          Space::Box({-1.0f, -1.0f, -1.0f, -1.0f, static_cast<float>(-kMaxVel1),
                      static_cast<float>(-kMaxVel2)},
                     {1.0f, 1.0f, 1.0f, 1.0f, static_cast<float>(kMaxVel1),
                      static_cast<float>(kMaxVel2)},
                     {6})),
      action_space_(Space::Discrete(3)) {}

Acrobot::State Acrobot::Derivatives(const State& s, double torque) {
  const double m1 = kLinkMass1, m2 = kLinkMass2, l1 = kLinkLength1;
  const double lc1 = kLinkComPos1, lc2 = kLinkComPos2;
  const double i1 = kLinkMoi, i2 = kLinkMoi, g = kGravity;
  const auto [theta1, theta2, dtheta1, dtheta2] = s;
  const double d1 =
      m1 * lc1 * lc1 +
      m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * std::cos(theta2)) + i1 + i2;
  const double d2 = m2 * (lc2 * lc2 + l1 * lc2 * std::cos(theta2)) + i2;
  const double phi2 = m2 * lc2 * g * std::cos(theta1 + theta2 - kPi / 2.0);
  const double phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * std::sin(theta2) -
                      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * std::sin(theta2) +
                      (m1 * lc1 + m2 * l1) * g * std::cos(theta1 - kPi / 2) +
                      phi2;
  // "book" dynamics (Gymnasium's default book_or_nips = "book").
  const double ddtheta2 =
      (torque + d2 / d1 * phi1 -
       m2 * l1 * lc2 * dtheta1 * dtheta1 * std::sin(theta2) - phi2) /
      (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
  const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return {dtheta1, dtheta2, ddtheta1, ddtheta2};
}

Acrobot::State Acrobot::Rk4(const State& s, double torque) {
  const double dt = kDt, dt2 = kDt / 2.0;
  const State k1 = Derivatives(s, torque);
  const State k2 = Derivatives(Axpy(s, dt2, k1), torque);
  const State k3 = Derivatives(Axpy(s, dt2, k2), torque);
  const State k4 = Derivatives(Axpy(s, dt, k3), torque);
  State out;
  for (int i = 0; i < 4; ++i) {
    out[i] = s[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  return out;
}

void Acrobot::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                    Info* /*info*/) {
  if (seed.has_value()) rng_.Seed(*seed);
  for (double& v : state_) v = static_cast<float>(rng_.Uniform(-0.1, 0.1));
  WriteObservation(obs);
}

StepResult Acrobot::Step(std::span<const float> action, std::span<float> obs,
                         Info* /*info*/) {
  assert(action.size() == 1);
  assert(action[0] == 0.0f || action[0] == 1.0f || action[0] == 2.0f);
  // Out-of-range (or NaN) actions are a caller error; never index past the
  // torque table because of one in a release build.
  const int a = action[0] >= 2.0f ? 2 : (action[0] >= 1.0f ? 1 : 0);
  State ns = Rk4(state_, kAvailableTorque[a]);
  ns[0] = Wrap(ns[0], -kPi, kPi);
  ns[1] = Wrap(ns[1], -kPi, kPi);
  ns[2] = std::min(std::max(ns[2], -kMaxVel1), kMaxVel1);
  ns[3] = std::min(std::max(ns[3], -kMaxVel2), kMaxVel2);
  state_ = ns;
  StepResult result;
  result.terminated = -std::cos(ns[0]) - std::cos(ns[1] + ns[0]) > 1.0;
  result.reward = result.terminated ? 0.0 : -1.0;
  WriteObservation(obs);
  return result;
}

void Acrobot::WriteObservation(std::span<float> obs) const {
  assert(obs.size() == 6);
  obs[0] = static_cast<float>(std::cos(state_[0]));
  obs[1] = static_cast<float>(std::sin(state_[0]));
  obs[2] = static_cast<float>(std::cos(state_[1]));
  obs[3] = static_cast<float>(std::sin(state_[1]));
  obs[4] = static_cast<float>(state_[2]);
  obs[5] = static_cast<float>(state_[3]);
}

}  // namespace trainyard::env
