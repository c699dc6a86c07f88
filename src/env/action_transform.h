// Action transforms: how a policy's action in the unit cube [0, 1]^d is mapped
// onto an environment's Box [low, high] — the ILP API's `action_transform`
// option ("linear" or "non-linear"). ActionMapping is the pure function (an
// LP environment can call it directly); ActionTransform is the wrapper.
//
// With u = clamp(a, 0, 1) per dimension and k = curvature (> 0):
//   linear:      y = low + (high - low) * u
//   non-linear:  y = low + (high - low) * (exp(k * u) - 1) / (exp(k) - 1)
// The non-linear map is monotone, fixes both ends (0 -> low, 1 -> high) and
// spends more of the policy's resolution near `low` (slope at u = 0 is
// k / (exp(k) - 1) times the linear one), e.g. for narrow liquidity ranges.
// It tends to the linear map as k -> 0. The default k = 3.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "env/wrapper.h"

namespace trainyard::env {

enum class ActionTransformMode { kLinear, kNonLinear };

// "linear" or "non-linear" (also accepts "nonlinear", "non_linear"); otherwise
// VALIDATION_ERROR naming the accepted values on field "action_transform".
Result<ActionTransformMode> ParseActionTransformMode(std::string_view name);
// "linear" or "non-linear".
const char* ActionTransformModeName(ActionTransformMode mode);

// The map described in the file comment for one Box. Immutable; thread-safe.
class ActionMapping {
 public:
  static constexpr double kDefaultCurvature = 3.0;

  // REQUIRES: low.size() == high.size(), finite bounds, low <= high,
  // curvature > 0.
  ActionMapping(ActionTransformMode mode, std::vector<float> low,
                std::vector<float> high, double curvature = kDefaultCurvature);

  ActionTransformMode mode() const { return mode_; }
  int64_t dim() const { return static_cast<int64_t>(low_.size()); }
  // y = map(a). REQUIRES: unit.size() == out.size() == dim().
  void Apply(std::span<const float> unit, std::span<float> out) const;
  // The inverse: a in [0, 1] with Apply(a) == y for y clamped into the Box.
  void Invert(std::span<const float> y, std::span<float> unit) const;

 private:
  ActionTransformMode mode_;
  std::vector<float> low_, high_;
  double curvature_;
  double expm1_k_;  // exp(k) - 1
};

// Exposes Box(0, 1) with the inner action shape and steps the inner env with
// ActionMapping::Apply(action). REQUIRES: the inner action space is a Box
// with finite bounds.
class ActionTransform : public Wrapper {
 public:
  ActionTransform(std::unique_ptr<Env> inner, ActionTransformMode mode,
                  double curvature = ActionMapping::kDefaultCurvature);

  const Space& action_space() const override { return action_space_; }
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;
  const ActionMapping& mapping() const { return mapping_; }

 private:
  ActionMapping mapping_;
  Space action_space_;
  std::vector<float> buffer_;
};

}  // namespace trainyard::env
