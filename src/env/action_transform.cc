#include "env/action_transform.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace trainyard::env {

Result<ActionTransformMode> ParseActionTransformMode(std::string_view name) {
  if (name == "linear") return ActionTransformMode::kLinear;
  if (name == "non-linear" || name == "nonlinear" || name == "non_linear") {
    return ActionTransformMode::kNonLinear;
  }
  const std::string message =
      "action_transform must be \"linear\" or "
      "\"non-linear\", got \"" +
      std::string(name) + "\"";
  return ValidationError(message, {{"action_transform", message}});
}

const char* ActionTransformModeName(ActionTransformMode mode) {
  return mode == ActionTransformMode::kLinear ? "linear" : "non-linear";
}

ActionMapping::ActionMapping(ActionTransformMode mode, std::vector<float> low,
                             std::vector<float> high, double curvature)
    : mode_(mode),
      low_(std::move(low)),
      high_(std::move(high)),
      curvature_(curvature),
      expm1_k_(std::expm1(curvature)) {
  assert(low_.size() == high_.size());
  assert(curvature > 0);
}

void ActionMapping::Apply(std::span<const float> unit,
                          std::span<float> out) const {
  assert(unit.size() == low_.size() && out.size() == low_.size());
  for (size_t i = 0; i < low_.size(); ++i) {
    // NaN would pass through clamp; treat it as the lower end.
    double u =
        std::isnan(unit[i]) ? 0.0 : std::clamp<double>(unit[i], 0.0, 1.0);
    if (mode_ == ActionTransformMode::kNonLinear) {
      u = std::expm1(curvature_ * u) / expm1_k_;
    }
    const double y = low_[i] + (static_cast<double>(high_[i]) - low_[i]) * u;
    out[i] = std::clamp(static_cast<float>(y), low_[i], high_[i]);
  }
}

void ActionMapping::Invert(std::span<const float> y,
                           std::span<float> unit) const {
  assert(y.size() == low_.size() && unit.size() == low_.size());
  for (size_t i = 0; i < low_.size(); ++i) {
    const double width = static_cast<double>(high_[i]) - low_[i];
    double v = width > 0
                   ? (std::clamp(y[i], low_[i], high_[i]) - low_[i]) / width
                   : 0.0;
    if (mode_ == ActionTransformMode::kNonLinear) {
      v = std::log1p(v * expm1_k_) / curvature_;
    }
    unit[i] = static_cast<float>(std::clamp(v, 0.0, 1.0));
  }
}

ActionTransform::ActionTransform(std::unique_ptr<Env> inner,
                                 ActionTransformMode mode, double curvature)
    : Wrapper(std::move(inner)),
      mapping_(mode, inner_->action_space().low(),
               inner_->action_space().high(), curvature),
      action_space_(Space::Box(
          std::vector<float>(inner_->action_space().flat_size(), 0.0f),
          std::vector<float>(inner_->action_space().flat_size(), 1.0f),
          inner_->action_space().shape())),
      buffer_(inner_->action_space().flat_size()) {
  assert(inner_->action_space().kind() == Space::Kind::kBox);
}

StepResult ActionTransform::Step(std::span<const float> action,
                                 std::span<float> obs, Info* info) {
  mapping_.Apply(action, buffer_);
  return inner_->Step(buffer_, obs, info);
}

}  // namespace trainyard::env
