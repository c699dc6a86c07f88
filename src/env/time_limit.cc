#include "env/time_limit.h"

#include <cassert>
#include <utility>

namespace trainyard::env {

TimeLimit::TimeLimit(std::unique_ptr<Env> inner, int64_t max_episode_steps)
    : Wrapper(std::move(inner)), max_episode_steps_(max_episode_steps) {
  assert(max_episode_steps > 0);
}

void TimeLimit::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                      Info* info) {
  elapsed_steps_ = 0;
  inner_->Reset(seed, obs, info);
}

StepResult TimeLimit::Step(std::span<const float> action, std::span<float> obs,
                           Info* info) {
  StepResult result = inner_->Step(action, obs, info);
  ++elapsed_steps_;
  if (elapsed_steps_ >= max_episode_steps_) result.truncated = true;
  return result;
}

}  // namespace trainyard::env
