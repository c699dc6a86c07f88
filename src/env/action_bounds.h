// Wrappers that adapt continuous actions to an environment's Box bounds:
// ClipAction and RescaleAction, ports of Gymnasium 1.x's wrappers of the same
// names. Both keep a preallocated buffer so Step does not allocate.
#pragma once

#include <memory>
#include <vector>

#include "env/wrapper.h"

namespace trainyard::env {

// Clips each action value into the inner Box [low, high] before stepping. The
// exposed action space is the inner shape with bounds (-inf, inf).
// REQUIRES: the inner action space is a Box.
class ClipAction : public Wrapper {
 public:
  explicit ClipAction(std::unique_ptr<Env> inner);

  const Space& action_space() const override { return action_space_; }
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

 private:
  Space action_space_;
  std::vector<float> buffer_;
};

// Exposes Box(min_action, max_action) and maps it affinely onto the inner Box:
//   inner = low + (high - low) / (max - min) * (a - min)
// (computed as Gymnasium does, gradient * a + intercept). No clipping: wrap
// in ClipAction as well to bound out-of-range actions.
// REQUIRES: the inner action space is a Box with finite bounds;
// min_action < max_action element-wise; sizes equal the action flat size
// (or a single value used for every dimension).
class RescaleAction : public Wrapper {
 public:
  RescaleAction(std::unique_ptr<Env> inner, std::vector<float> min_action,
                std::vector<float> max_action);
  RescaleAction(std::unique_ptr<Env> inner, float min_action, float max_action);

  const Space& action_space() const override { return action_space_; }
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

 private:
  Space action_space_;
  std::vector<double> gradient_, intercept_;
  std::vector<float> buffer_;
};

}  // namespace trainyard::env
