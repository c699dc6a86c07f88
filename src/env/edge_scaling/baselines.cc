#include "env/edge_scaling/baselines.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace trainyard::env::edge {

ScalingPolicy::ScalingPolicy(const EdgeScalingConfig& config)
    : config_(config),
      counts_(config.services.size(), 0),
      current_(config.services.size(), 0),
      per_node_(config.services.size() * config.nodes.size(), 0) {}

void ScalingPolicy::Act(std::span<const float> obs, std::span<float> action) {
  Decide(obs);
  const int services = static_cast<int>(counts_.size());
  const int nodes = static_cast<int>(config_.nodes.size());
  std::span<const int> dims(counts_);
  if (config_.placement == Placement::kPerNode) {
    // Round-robin over nodes, as far as max_replicas per node allows.
    for (int s = 0; s < services; ++s) {
      for (int n = 0; n < nodes; ++n) {
        const int share = counts_[s] / nodes + (n < counts_[s] % nodes ? 1 : 0);
        per_node_[s * nodes + n] = std::min(share, config_.max_replicas);
      }
    }
    dims = per_node_;
  }
  switch (config_.encoding) {
    case ActionEncoding::kMultiDiscrete:
    case ActionEncoding::kPerService:  // the full env's multi_discrete action
      for (size_t i = 0; i < dims.size(); ++i) action[i] = dims[i];
      break;
    case ActionEncoding::kContinuous:
      // The middle of the bin [k, k + 1) that floors to k.
      for (size_t i = 0; i < dims.size(); ++i) action[i] = dims[i] + 0.5f;
      break;
    case ActionEncoding::kJointDiscrete: {
      int64_t index = 0;
      for (int d : dims) index = index * (config_.max_replicas + 1) + d;
      action[0] = static_cast<float>(index);
      break;
    }
    case ActionEncoding::kRelativeDiscrete: {
      // The nearest reachable counts: each move clamped to -k..+k.
      const int k = config_.relative_step;
      ObservedReplicaCounts(config_, obs, current_);
      int64_t index = 0;
      for (int s = 0; s < services; ++s) {
        const int move = std::clamp(counts_[s] - current_[s], -k, k);
        index = index * (2 * k + 1) + move + k;
      }
      action[0] = static_cast<float>(index);
      break;
    }
  }
}

StaticPolicy::StaticPolicy(const EdgeScalingConfig& config, int replicas)
    : ScalingPolicy(config),
      replicas_(std::clamp(replicas, 0, config.max_replicas)) {}

void StaticPolicy::Decide(std::span<const float>) {
  std::fill(counts_.begin(), counts_.end(), replicas_);
}

MaxReplicasPolicy::MaxReplicasPolicy(const EdgeScalingConfig& config)
    : ScalingPolicy(config) {}

void MaxReplicasPolicy::Decide(std::span<const float>) {
  std::fill(counts_.begin(), counts_.end(), config_.max_replicas);
}

HpaPolicy::HpaPolicy(const EdgeScalingConfig& config, double target,
                     int min_replicas, double tolerance)
    : ScalingPolicy(config),
      target_(target),
      tolerance_(tolerance),
      min_replicas_(min_replicas) {}

void HpaPolicy::Decide(std::span<const float> obs) {
  const int nodes = static_cast<int>(config_.nodes.size());
  const int max = config_.placement == Placement::kPerNode
                      ? config_.max_replicas * nodes
                      : config_.max_replicas;
  for (size_t s = 0; s < counts_.size(); ++s) {
    const int o = 3 * nodes + 3 * static_cast<int>(s);
    const int current = static_cast<int>(std::lround(obs[o]));
    const double utilisation = obs[o + 1];
    const double ratio = utilisation / target_;
    int desired = current;
    if (std::abs(ratio - 1.0) > tolerance_) {
      desired = static_cast<int>(std::ceil(current * ratio));
    }
    // With no replica running the rule has nothing to scale; Kubernetes
    // never goes below minReplicas, so neither do we.
    counts_[s] = std::clamp(desired, min_replicas_, max);
  }
}

int StaticReplicasFor(const EdgeScalingConfig& config, double mean_offered_rate,
                      double target) {
  double shares = 0.0;
  for (const ServiceSpec& s : config.services) shares += s.traffic_share;
  int count = 1;
  for (const ServiceSpec& s : config.services) {
    const double rate =
        shares > 0 ? mean_offered_rate * s.traffic_share / shares : 0.0;
    // Within HPA's tolerance of the target (1.1 x target): 60 req/s drawn
    // as Poisson arrivals average a hair above 60.
    count = std::max(
        count,
        static_cast<int>(std::ceil(rate / (s.service_rate * target * 1.1))));
  }
  return std::min(count, config.max_replicas);
}

Result<std::unique_ptr<ScalingPolicy>> MakeBaseline(
    const std::string& name, const EdgeScalingConfig& config,
    int static_replicas) {
  if (name == "static") {
    return std::unique_ptr<ScalingPolicy>(
        std::make_unique<StaticPolicy>(config, static_replicas));
  }
  if (name == "max_replicas") {
    return std::unique_ptr<ScalingPolicy>(
        std::make_unique<MaxReplicasPolicy>(config));
  }
  if (name == "hpa") {
    return std::unique_ptr<ScalingPolicy>(std::make_unique<HpaPolicy>(config));
  }
  return ValidationError(
      "unknown baseline policy",
      {{"policy", "must be one of static, max_replicas, hpa"}});
}

Result<PolicyRun> RunPolicy(EdgeScalingEnv& env, const ActFn& act,
                            int64_t steps, uint64_t seed) {
  std::vector<float> obs(env.observation_space().flat_size());
  std::vector<float> action(env.action_space().flat_size());
  std::vector<double> latencies;
  latencies.reserve(steps);
  env.Reset(seed, obs);
  PolicyRun run;
  double reward_sum = 0.0, reward_sq = 0.0, episode_return = 0.0;
  double returns_sum = 0.0, served_sum = 0.0, failed_sum = 0.0;
  for (int64_t t = 0; t < steps; ++t) {
    TY_RETURN_IF_ERROR(act(obs, action));
    StepResult r = env.Step(action, obs);
    const StepMetrics& m = env.last_metrics();
    reward_sum += r.reward;
    reward_sq += r.reward * r.reward;
    episode_return += r.reward;
    latencies.push_back(m.mean_latency_s * 1000.0);
    run.mean_throughput += m.throughput;
    run.mean_offered_rate += m.offered_rate;
    served_sum += m.served_latency_s * m.throughput;
    failed_sum += m.failed_rate;
    run.mean_replicas += m.total_replicas;
    run.slo_rate += m.met_slo ? 1.0 : 0.0;
    if (r.terminated || r.truncated) {
      ++run.episodes;
      returns_sum += episode_return;
      episode_return = 0.0;
      env.Reset(std::nullopt, obs);
    }
  }
  const double n = static_cast<double>(steps);
  run.steps = steps;
  run.mean_reward = reward_sum / n;
  run.reward_std = std::sqrt(
      std::max(0.0, reward_sq / n - run.mean_reward * run.mean_reward));
  double lat_sum = 0.0, lat_sq = 0.0;
  for (double l : latencies) {
    lat_sum += l;
    lat_sq += l * l;
  }
  run.mean_latency_ms = lat_sum / n;
  run.latency_std_ms = std::sqrt(
      std::max(0.0, lat_sq / n - run.mean_latency_ms * run.mean_latency_ms));
  std::sort(latencies.begin(), latencies.end());
  // Nearest-rank percentile.
  const size_t rank = static_cast<size_t>(std::ceil(0.95 * n));
  run.p95_latency_ms = latencies[std::max<size_t>(rank, 1) - 1];
  run.served_latency_ms =
      run.mean_throughput > 0 ? served_sum / run.mean_throughput * 1000.0 : 0.0;
  run.failed_request_share =
      run.mean_offered_rate > 0 ? failed_sum / run.mean_offered_rate : 0.0;
  run.mean_throughput /= n;
  run.mean_offered_rate /= n;
  run.mean_replicas /= n;
  run.slo_rate /= n;
  run.mean_episode_return = run.episodes > 0
                                ? returns_sum / run.episodes
                                : std::numeric_limits<double>::quiet_NaN();
  return run;
}

}  // namespace trainyard::env::edge
