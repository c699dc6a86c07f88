#include "env/episode_statistics.h"

#include <utility>

namespace trainyard::env {

EpisodeStatistics::EpisodeStatistics(std::unique_ptr<Env> inner)
    : Wrapper(std::move(inner)) {}

void EpisodeStatistics::Reset(std::optional<uint64_t> seed,
                              std::span<float> obs, Info* info) {
  running_return_ = 0.0;
  running_length_ = 0;
  just_finished_ = false;
  inner_->Reset(seed, obs, info);
}

StepResult EpisodeStatistics::Step(std::span<const float> action,
                                   std::span<float> obs, Info* info) {
  StepResult result = inner_->Step(action, obs, info);
  running_return_ += result.reward;
  ++running_length_;
  just_finished_ = result.terminated || result.truncated;
  if (just_finished_) {
    last_return_ = running_return_;
    last_length_ = running_length_;
    ++episodes_finished_;
    running_return_ = 0.0;
    running_length_ = 0;
    if (info != nullptr) {
      (*info)["episode_return"] = last_return_;
      (*info)["episode_length"] = static_cast<double>(last_length_);
    }
  }
  return result;
}

}  // namespace trainyard::env
