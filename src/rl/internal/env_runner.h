// EnvRunner: the training-side view of the environments — a VectorEnv of
// instances from the caller's factory, with optional shared observation/reward
// normalisation (use_running_statistics) and a window of recent episode
// returns. INTERNAL to src/rl (no torch here, but not part of the public API).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/env.h"
#include "env/running_mean_std.h"
#include "env/vector_env.h"

namespace trainyard::rl::internal {

// Not thread-safe.
class EnvRunner {
 public:
  static constexpr size_t kReturnWindow = 100;

  // Builds `n_envs` instances with make(0..n_envs-1), resets them with
  // `seed` (copy i gets seed + i). With normalize, observations and rewards
  // go through NormalizeObservation/NormalizeReward sharing one pair of
  // statistics. Errors: the factory's; VALIDATION_ERROR for n_envs < 1,
  // copies whose spaces differ, or normalize without a Box observation space.
  static Result<std::unique_ptr<EnvRunner>> Create(const env::EnvFactory& make,
                                                   int n_envs, uint64_t seed,
                                                   bool normalize,
                                                   double gamma);

  env::VectorEnv& venv() { return venv_; }
  const env::Space& observation_space() const {
    return venv_.single_observation_space();
  }
  const env::Space& action_space() const { return venv_.single_action_space(); }
  int n_envs() const { return venv_.num_envs(); }
  int64_t obs_dim() const { return venv_.observation_size(); }

  // Steps every copy and records the returns of finished episodes.
  void Step(std::span<const float> actions);
  // Resets every copy with a fresh seed (used after resuming). The first
  // observations are normalised with, but not merged into, the statistics,
  // so restored statistics stay exactly as saved.
  void Reset(uint64_t seed);

  int64_t episodes() const { return episodes_; }
  const std::deque<double>& recent_returns() const { return recent_returns_; }
  // Mean of recent_returns(), NaN when no episode has finished.
  double RecentMeanReturn() const;
  double last_episode_length() const { return last_length_; }

  // Observation statistics (null without normalisation).
  const env::RunningMeanStd* obs_rms() const { return obs_rms_.get(); }
  // Serialised normalisation statistics and episode counters, and inverse.
  std::string SaveStats() const;
  Status LoadStats(const std::string& bytes);
  void SetEpisodeHistory(int64_t episodes, std::deque<double> returns) {
    episodes_ = episodes;
    recent_returns_ = std::move(returns);
  }

 private:
  explicit EnvRunner(env::VectorEnv venv) : venv_(std::move(venv)) {}

  env::VectorEnv venv_;
  std::shared_ptr<env::RunningMeanStd> obs_rms_, ret_rms_;
  int64_t episodes_ = 0;
  double last_length_ = 0;
  std::deque<double> recent_returns_;
};

}  // namespace trainyard::rl::internal
