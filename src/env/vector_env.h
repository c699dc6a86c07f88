// VectorEnv: N copies of one environment stepped in lockstep, with automatic
// reset, for learners that collect batches (PPO, DQN, ...). Observations,
// rewards and flags live in contiguous buffers owned by the VectorEnv so the
// learner can copy a whole batch at once; Step does not allocate.
//
// Autoreset convention: "same-step" (Gymnasium 0.x / Stable-Baselines3).
// When copy i ends an episode on a step (terminated or truncated), it is reset
// inside that same Step call: observations() row i is the FIRST observation of
// the new episode, final_observations() row i is the LAST observation of the
// finished episode, and terminated(i)/truncated(i) describe the finished
// episode. A learner bootstraps a truncated (not terminated) transition with
// V(final_observations() row i), never with observations() row i.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "env/env.h"

namespace trainyard::env {

class EpisodeStatistics;

// Not thread-safe; steps its copies sequentially on the calling thread.
class VectorEnv {
 public:
  // Builds num_envs copies with make(i), i = 0..num_envs-1. Fails with
  // VALIDATION_ERROR if num_envs <= 0, a copy fails to build (its Status is
  // returned), or the copies' spaces differ.
  static Result<VectorEnv> Create(int num_envs, const EnvFactory& make);
  // Convenience: num_envs copies of registry id `id` (with its TimeLimit).
  static Result<VectorEnv> Make(const Registry& registry, const std::string& id,
                                int num_envs);

  VectorEnv(VectorEnv&&) = default;
  VectorEnv& operator=(VectorEnv&&) = default;

  int num_envs() const { return static_cast<int>(envs_.size()); }
  const Space& single_observation_space() const;
  const Space& single_action_space() const;
  int64_t observation_size() const { return obs_size_; }  // per copy
  int64_t action_size() const { return act_size_; }       // per copy

  // Resets every copy. With a seed, copy i is reset with seed + i (as
  // Gymnasium's vector reset(seed=s)); without, each continues its stream.
  // Clears the done flags. Fills observations().
  void Reset(std::optional<uint64_t> seed);

  // Steps copy i with actions[i * action_size(), (i + 1) * action_size()),
  // then autoresets finished copies (see the file comment).
  // REQUIRES: Reset was called; actions.size() == num_envs() * action_size().
  void Step(std::span<const float> actions);

  // num_envs() x observation_size(), row-major.
  std::span<const float> observations() const { return obs_; }
  // Row i holds the last observation of the episode copy i just finished;
  // meaningful only where done(i) after the latest Step.
  std::span<const float> final_observations() const { return final_obs_; }
  std::span<const double> rewards() const { return rewards_; }
  // 0/1 per copy for the latest Step.
  std::span<const uint8_t> terminated() const { return terminated_; }
  std::span<const uint8_t> truncated() const { return truncated_; }
  bool done(int i) const { return terminated_[i] != 0 || truncated_[i] != 0; }

  // Undiscounted return and length of the episode copy i just finished
  // (meaningful where done(i)). Taken from an EpisodeStatistics layer in the
  // copy's wrapper stack if there is one (raw rewards even under reward
  // normalisation), otherwise summed from the rewards Step returned.
  double episode_return(int i) const { return episode_return_[i]; }
  int64_t episode_length(int i) const { return episode_length_[i]; }

  // Copy i, e.g. to find a wrapper in its stack. Owned by this VectorEnv.
  Env& env(int i) { return *envs_[i]; }

 private:
  explicit VectorEnv(std::vector<std::unique_ptr<Env>> envs);

  std::vector<std::unique_ptr<Env>> envs_;
  std::vector<EpisodeStatistics*> stats_;  // per copy, may be null
  int64_t obs_size_ = 0, act_size_ = 0;
  std::vector<float> obs_, final_obs_;
  std::vector<double> rewards_;
  std::vector<uint8_t> terminated_, truncated_;
  std::vector<double> running_return_, episode_return_;
  std::vector<int64_t> running_length_, episode_length_;
};

}  // namespace trainyard::env
