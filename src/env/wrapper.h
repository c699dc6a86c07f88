// Base class for environment wrappers (Gymnasium's gymnasium.Wrapper): a
// wrapper owns the environment it decorates and forwards everything it does
// not change. FindWrapper locates a wrapper inside a stack, e.g. to save the
// running statistics of a NormalizeObservation layer with a model.
#pragma once

#include <memory>
#include <utility>

#include "env/env.h"

namespace trainyard::env {

// Forwards every call to the wrapped environment. Subclasses override what
// they change. Not thread-safe (like Env).
class Wrapper : public Env {
 public:
  // REQUIRES: inner != nullptr. Takes ownership.
  explicit Wrapper(std::unique_ptr<Env> inner) : inner_(std::move(inner)) {}

  const Space& observation_space() const override {
    return inner_->observation_space();
  }
  const Space& action_space() const override { return inner_->action_space(); }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override {
    inner_->Reset(seed, obs, info);
  }
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override {
    return inner_->Step(action, obs, info);
  }

  // The wrapped environment (owned by this wrapper).
  Env& inner() { return *inner_; }
  const Env& inner() const { return *inner_; }

 protected:
  std::unique_ptr<Env> inner_;
};

// The outermost layer of type W in the wrapper stack starting at `env`
// (including `env` itself), or nullptr. The pointer is owned by the stack.
template <typename W>
W* FindWrapper(Env& env) {
  Env* current = &env;
  while (current != nullptr) {
    if (auto* found = dynamic_cast<W*>(current)) return found;
    auto* wrapper = dynamic_cast<Wrapper*>(current);
    current = wrapper != nullptr ? &wrapper->inner() : nullptr;
  }
  return nullptr;
}

}  // namespace trainyard::env
