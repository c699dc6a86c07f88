// Test-only environment with a fully predictable trajectory, used by the
// wrapper and vector-environment tests (not part of trainyard_env).
#pragma once

#include <vector>

#include "env/env.h"

namespace trainyard::env::testing {

// Observation [episode, t, seed_or_-1]: `episode` counts Resets (first is 1),
// t counts steps in the episode. Reward of step t (1-based) is
// rewards[(t - 1) % rewards.size()]. Terminates when t == episode_length
// (never if 0). Records the last action it received.
class ScriptedEnv : public Env {
 public:
  ScriptedEnv(int episode_length, std::vector<double> rewards = {1.0},
              Space action_space = Space::Box(-2.0f, 2.0f, 2))
      : episode_length_(episode_length),
        rewards_(std::move(rewards)),
        observation_space_(Space::Box(-1e9f, 1e9f, 3)),
        action_space_(std::move(action_space)) {}

  const Space& observation_space() const override { return observation_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* = nullptr) override {
    ++episode_;
    t_ = 0;
    seed_ = seed.has_value() ? static_cast<float>(*seed) : -1.0f;
    Write(obs);
  }
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* = nullptr) override {
    last_action_.assign(action.begin(), action.end());
    ++t_;
    Write(obs);
    StepResult r;
    r.reward = rewards_[(t_ - 1) % rewards_.size()];
    r.terminated = episode_length_ > 0 && t_ == episode_length_;
    return r;
  }
  const std::vector<float>& last_action() const { return last_action_; }

 private:
  void Write(std::span<float> obs) const {
    obs[0] = static_cast<float>(episode_);
    obs[1] = static_cast<float>(t_);
    obs[2] = seed_;
  }

  int episode_length_;
  std::vector<double> rewards_;
  Space observation_space_, action_space_;
  int episode_ = 0, t_ = 0;
  float seed_ = -1.0f;
  std::vector<float> last_action_;
};

}  // namespace trainyard::env::testing
