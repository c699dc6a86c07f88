#include "env/vector_env.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "env/episode_statistics.h"
#include "env/wrapper.h"

namespace trainyard::env {

Result<VectorEnv> VectorEnv::Create(int num_envs, const EnvFactory& make) {
  if (num_envs <= 0) {
    return ValidationError("num_envs must be positive, got " +
                           std::to_string(num_envs));
  }
  std::vector<std::unique_ptr<Env>> envs;
  envs.reserve(num_envs);
  for (int i = 0; i < num_envs; ++i) {
    TY_ASSIGN_OR_RETURN(std::unique_ptr<Env> env, make(i));
    if (env == nullptr)
      return InternalError("environment factory returned null");
    if (i > 0 && (env->observation_space() != envs[0]->observation_space() ||
                  env->action_space() != envs[0]->action_space())) {
      return ValidationError("vector environment copies have different spaces");
    }
    envs.push_back(std::move(env));
  }
  return VectorEnv(std::move(envs));
}

Result<VectorEnv> VectorEnv::Make(const Registry& registry,
                                  const std::string& id, int num_envs) {
  return Create(num_envs, [&](int) { return registry.Make(id); });
}

VectorEnv::VectorEnv(std::vector<std::unique_ptr<Env>> envs)
    : envs_(std::move(envs)) {
  const size_t n = envs_.size();
  obs_size_ = envs_[0]->observation_space().flat_size();
  act_size_ = envs_[0]->action_space().flat_size();
  for (auto& env : envs_)
    stats_.push_back(FindWrapper<EpisodeStatistics>(*env));
  obs_.assign(n * obs_size_, 0.0f);
  final_obs_.assign(n * obs_size_, 0.0f);
  rewards_.assign(n, 0.0);
  terminated_.assign(n, 0);
  truncated_.assign(n, 0);
  running_return_.assign(n, 0.0);
  episode_return_.assign(n, 0.0);
  running_length_.assign(n, 0);
  episode_length_.assign(n, 0);
}

const Space& VectorEnv::single_observation_space() const {
  return envs_[0]->observation_space();
}

const Space& VectorEnv::single_action_space() const {
  return envs_[0]->action_space();
}

void VectorEnv::Reset(std::optional<uint64_t> seed) {
  for (int i = 0; i < num_envs(); ++i) {
    std::optional<uint64_t> env_seed;
    if (seed.has_value()) env_seed = *seed + static_cast<uint64_t>(i);
    envs_[i]->Reset(env_seed,
                    std::span<float>(obs_).subspan(i * obs_size_, obs_size_));
  }
  std::fill(rewards_.begin(), rewards_.end(), 0.0);
  std::fill(terminated_.begin(), terminated_.end(), 0);
  std::fill(truncated_.begin(), truncated_.end(), 0);
  std::fill(running_return_.begin(), running_return_.end(), 0.0);
  std::fill(running_length_.begin(), running_length_.end(), 0);
}

void VectorEnv::Step(std::span<const float> actions) {
  assert(static_cast<int64_t>(actions.size()) == num_envs() * act_size_);
  for (int i = 0; i < num_envs(); ++i) {
    std::span<float> obs =
        std::span<float>(obs_).subspan(i * obs_size_, obs_size_);
    const StepResult r =
        envs_[i]->Step(actions.subspan(i * act_size_, act_size_), obs);
    rewards_[i] = r.reward;
    terminated_[i] = r.terminated ? 1 : 0;
    truncated_[i] = r.truncated ? 1 : 0;
    running_return_[i] += r.reward;
    ++running_length_[i];
    if (!r.terminated && !r.truncated) continue;
    if (stats_[i] != nullptr) {
      episode_return_[i] = stats_[i]->episode_return();
      episode_length_[i] = stats_[i]->episode_length();
    } else {
      episode_return_[i] = running_return_[i];
      episode_length_[i] = running_length_[i];
    }
    running_return_[i] = 0.0;
    running_length_[i] = 0;
    std::copy(obs.begin(), obs.end(), final_obs_.begin() + i * obs_size_);
    envs_[i]->Reset(std::nullopt, obs);
  }
}

}  // namespace trainyard::env
