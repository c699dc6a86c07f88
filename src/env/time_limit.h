// TimeLimit wrapper (Gymnasium's TimeLimit): truncates an episode after a
// fixed number of steps. Registry::Make applies it for specs with
// max_episode_steps > 0.
#pragma once

#include <cstdint>
#include <memory>

#include "env/wrapper.h"

namespace trainyard::env {

// Sets `truncated` on the step that reaches max_episode_steps since the last
// Reset (terminated may be true on the same step; both are reported).
class TimeLimit : public Wrapper {
 public:
  // REQUIRES: max_episode_steps > 0.
  TimeLimit(std::unique_ptr<Env> inner, int64_t max_episode_steps);

  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  int64_t max_episode_steps() const { return max_episode_steps_; }
  // Steps taken since the last Reset.
  int64_t elapsed_steps() const { return elapsed_steps_; }

 private:
  int64_t max_episode_steps_;
  int64_t elapsed_steps_ = 0;
};

}  // namespace trainyard::env
