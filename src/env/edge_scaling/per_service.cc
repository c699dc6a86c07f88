#include "env/edge_scaling/per_service.h"

#include <algorithm>
#include <cmath>

#include "env/wrapper.h"

namespace trainyard::env::edge {

namespace {

EdgeScalingConfig MultiDiscrete(EdgeScalingConfig config) {
  config.encoding = ActionEncoding::kMultiDiscrete;
  return config;
}

// A sub-step's action as a count: rounded, clamped to [0, max]; NaN is 0.
int CountOf(float action, int max) {
  if (!(action >= 0)) return 0;
  return action >= max ? max : static_cast<int>(std::lround(action));
}

int BlockSize(const EdgeScalingConfig& c) { return c.observe_trend ? 4 : 3; }

int ServiceOffset(const EdgeScalingConfig& c, int service) {
  return 3 * static_cast<int>(c.nodes.size()) + 3 * service;
}

int TrendOffset(const EdgeScalingConfig& c, int service) {
  const int services = static_cast<int>(c.services.size());
  return 3 * (static_cast<int>(c.nodes.size()) + services) + 1 +
         (c.observe_time ? 2 : 0) + service;
}

}  // namespace

int PerServiceObservationSize(const EdgeScalingConfig& config) {
  const int services = static_cast<int>(config.services.size());
  return ObservationSize(config) + BlockSize(config) + 2 * services;
}

void WritePerServiceObservation(const EdgeScalingConfig& config,
                                std::span<const float> obs, int service,
                                std::span<const int> decided,
                                std::span<float> sub_obs) {
  const int full = ObservationSize(config);
  const int services = static_cast<int>(config.services.size());
  std::copy(obs.begin(), obs.begin() + full, sub_obs.begin());
  int o = full;
  const int s = ServiceOffset(config, service);
  sub_obs[o++] = obs[s];
  sub_obs[o++] = obs[s + 1];
  sub_obs[o++] = obs[s + 2];
  if (config.observe_trend) sub_obs[o++] = obs[TrendOffset(config, service)];
  for (int k = 0; k < services; ++k) sub_obs[o++] = k == service ? 1.0f : 0.0f;
  for (int k = 0; k < services; ++k) {
    sub_obs[o++] = k < service ? static_cast<float>(decided[k]) : 0.0f;
  }
}

PerServiceEnv::PerServiceEnv(EdgeScalingConfig config)
    : inner_(MultiDiscrete(std::move(config))),
      obs_space_(Space::Discrete(1)),
      action_space_(Space::Discrete(inner_.config().max_replicas + 1)) {
  const EdgeScalingConfig& c = inner_.config();
  const int services = static_cast<int>(c.services.size());
  std::vector<float> low = inner_.observation_space().low();
  std::vector<float> high = inner_.observation_space().high();
  // The own block takes the widest bounds over the services.
  for (int b = 0; b < 3; ++b) {
    float lo = 0.0f, hi = 0.0f;
    for (int s = 0; s < services; ++s) {
      lo = std::min(lo, low[ServiceOffset(c, s) + b]);
      hi = std::max(hi, high[ServiceOffset(c, s) + b]);
    }
    low.push_back(lo);
    high.push_back(hi);
  }
  if (c.observe_trend) {
    float lo = 0.0f, hi = 0.0f;
    for (int s = 0; s < services; ++s) {
      lo = std::min(lo, low[TrendOffset(c, s)]);
      hi = std::max(hi, high[TrendOffset(c, s)]);
    }
    low.push_back(lo);
    high.push_back(hi);
  }
  for (int s = 0; s < services; ++s) {
    low.push_back(0.0f);
    high.push_back(1.0f);
  }
  for (int s = 0; s < services; ++s) {
    low.push_back(0.0f);
    high.push_back(static_cast<float>(c.max_replicas));
  }
  obs_space_ = Space::Box(std::move(low), std::move(high));
  full_obs_.assign(inner_.observation_space().flat_size(), 0.0f);
  full_action_.assign(services, 0.0f);
  decided_.assign(services, 0);
}

void PerServiceEnv::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                          Info* info) {
  inner_.Reset(seed, full_obs_, info);
  service_ = 0;
  stepped_ = false;
  paid_ = 0.0;
  if (inner_.config().service_rewards) inner_.DrawNextLoad();
  std::fill(decided_.begin(), decided_.end(), 0);
  WritePerServiceObservation(inner_.config(), full_obs_, 0, decided_, obs);
}

StepResult PerServiceEnv::Step(std::span<const float> action,
                               std::span<float> obs, Info* info) {
  const EdgeScalingConfig& config = inner_.config();
  last_count_ = CountOf(action[0], config.max_replicas);
  decided_[service_] = last_count_;
  StepResult result;
  stepped_ = service_ + 1 == static_cast<int>(decided_.size());
  if (!stepped_) {
    if (config.service_rewards) {
      result.reward = -inner_.NextServiceLatency(service_, decided_) -
                      config.replica_cost * last_count_;
      paid_ += result.reward;
    }
    ++service_;
  } else {
    for (size_t s = 0; s < decided_.size(); ++s) full_action_[s] = decided_[s];
    result = inner_.Step(full_action_, full_obs_, info);
    result.reward -= paid_;
    paid_ = 0.0;
    service_ = 0;
    std::fill(decided_.begin(), decided_.end(), 0);
    // The next step's load, for pricing its sub-steps (after the last
    // step of an episode the caller resets, which draws it).
    if (config.service_rewards && !result.terminated && !result.truncated) {
      inner_.DrawNextLoad();
    }
  }
  WritePerServiceObservation(inner_.config(), full_obs_, service_, decided_,
                             obs);
  return result;
}

Status ActPerService(const EdgeScalingConfig& config, const ActFn& sub_act,
                     std::span<const float> obs, std::span<float> action,
                     std::span<float> sub_obs, std::span<float> sub_action,
                     std::span<int> decided) {
  const int services = static_cast<int>(config.services.size());
  std::fill(decided.begin(), decided.end(), 0);
  for (int s = 0; s < services; ++s) {
    WritePerServiceObservation(config, obs, s, decided, sub_obs);
    TY_RETURN_IF_ERROR(sub_act(sub_obs, sub_action));
    decided[s] = CountOf(sub_action[0], config.max_replicas);
  }
  // The full env's action in its own encoding.
  for (int s = 0; s < services; ++s) action[s] = decided[s];
  return Status::Ok();
}

std::unique_ptr<Env> MakeAgentEnv(const EdgeScalingConfig& config) {
  if (config.encoding == ActionEncoding::kPerService) {
    return std::make_unique<PerServiceEnv>(config);
  }
  return std::make_unique<EdgeScalingEnv>(config);
}

const EdgeScalingEnv* FindEdgeScalingEnv(Env& env) {
  if (PerServiceEnv* per_service = FindWrapper<PerServiceEnv>(env)) {
    return &per_service->inner();
  }
  return FindWrapper<EdgeScalingEnv>(env);
}

int AgentStepsPerStep(const EdgeScalingConfig& config) {
  return config.encoding == ActionEncoding::kPerService
             ? static_cast<int>(config.services.size())
             : 1;
}

ActFn FullStepAct(const EdgeScalingConfig& config, ActFn agent_act) {
  if (config.encoding != ActionEncoding::kPerService) return agent_act;
  struct Scratch {
    std::vector<float> sub_obs, sub_action;
    std::vector<int> decided;
  };
  auto scratch = std::make_shared<Scratch>();
  scratch->sub_obs.resize(PerServiceObservationSize(config));
  scratch->sub_action.resize(1);
  scratch->decided.resize(config.services.size());
  return [config, agent_act = std::move(agent_act), scratch](
             std::span<const float> obs, std::span<float> action) {
    return ActPerService(config, agent_act, obs, action, scratch->sub_obs,
                         scratch->sub_action, scratch->decided);
  };
}

}  // namespace trainyard::env::edge
