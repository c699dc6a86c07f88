// EpisodeStatistics wrapper (Gymnasium's RecordEpisodeStatistics): sums the
// rewards and counts the steps of each episode so learners can report the
// undiscounted return of finished episodes. Place it directly over the
// TimeLimit layer, under any reward-changing wrapper, so it sees raw rewards.
#pragma once

#include <cstdint>
#include <memory>

#include "env/wrapper.h"

namespace trainyard::env {

// On the step that ends an episode (terminated or truncated) records the
// episode's return and length, and if `info` is non-null sets
// info["episode_return"] and info["episode_length"].
class EpisodeStatistics : public Wrapper {
 public:
  explicit EpisodeStatistics(std::unique_ptr<Env> inner);

  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  // Return and length of the most recently finished episode (0 before any).
  double episode_return() const { return last_return_; }
  int64_t episode_length() const { return last_length_; }
  // Number of episodes finished since construction.
  int64_t episodes_finished() const { return episodes_finished_; }
  // True if the last Step ended an episode.
  bool episode_just_finished() const { return just_finished_; }

 private:
  double running_return_ = 0.0;
  int64_t running_length_ = 0;
  double last_return_ = 0.0;
  int64_t last_length_ = 0;
  int64_t episodes_finished_ = 0;
  bool just_finished_ = false;
};

}  // namespace trainyard::env
