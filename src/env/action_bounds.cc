#include "env/action_bounds.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <utility>

namespace trainyard::env {

ClipAction::ClipAction(std::unique_ptr<Env> inner) : Wrapper(std::move(inner)) {
  const Space& space = inner_->action_space();
  assert(space.kind() == Space::Kind::kBox);
  const float inf = std::numeric_limits<float>::infinity();
  action_space_ =
      Space::Box(std::vector<float>(space.flat_size(), -inf),
                 std::vector<float>(space.flat_size(), inf), space.shape());
  buffer_.resize(space.flat_size());
}

StepResult ClipAction::Step(std::span<const float> action, std::span<float> obs,
                            Info* info) {
  const Space& space = inner_->action_space();
  for (size_t i = 0; i < buffer_.size(); ++i) {
    buffer_[i] = std::clamp(action[i], space.low()[i], space.high()[i]);
  }
  return inner_->Step(buffer_, obs, info);
}

RescaleAction::RescaleAction(std::unique_ptr<Env> inner, float min_action,
                             float max_action)
    : RescaleAction(std::move(inner), std::vector<float>{min_action},
                    std::vector<float>{max_action}) {}

RescaleAction::RescaleAction(std::unique_ptr<Env> inner,
                             std::vector<float> min_action,
                             std::vector<float> max_action)
    : Wrapper(std::move(inner)) {
  const Space& space = inner_->action_space();
  assert(space.kind() == Space::Kind::kBox);
  const size_t n = static_cast<size_t>(space.flat_size());
  if (min_action.size() == 1) min_action.assign(n, min_action[0]);
  if (max_action.size() == 1) max_action.assign(n, max_action[0]);
  assert(min_action.size() == n && max_action.size() == n);
  gradient_.resize(n);
  intercept_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double low = space.low()[i], high = space.high()[i];
    gradient_[i] = (high - low) / (static_cast<double>(max_action[i]) -
                                   static_cast<double>(min_action[i]));
    intercept_[i] = gradient_[i] * -static_cast<double>(min_action[i]) + low;
  }
  action_space_ =
      Space::Box(std::move(min_action), std::move(max_action), space.shape());
  buffer_.resize(n);
}

StepResult RescaleAction::Step(std::span<const float> action,
                               std::span<float> obs, Info* info) {
  for (size_t i = 0; i < buffer_.size(); ++i) {
    buffer_[i] = static_cast<float>(gradient_[i] * action[i] + intercept_[i]);
  }
  return inner_->Step(buffer_, obs, info);
}

}  // namespace trainyard::env
