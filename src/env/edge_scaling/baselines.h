// Baseline scaling policies shipped with EdgeScaling-v0 so that agents can
// be compared against what operators run today: a fixed replica count,
// everything at maximum, and the Kubernetes Horizontal Pod Autoscaler rule.
// They read the environment's observation and write its action, so they run
// anywhere an agent does.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/edge_scaling/edge_scaling.h"

namespace trainyard::env::edge {

// Maps an observation of an env with `config` to an action in its action
// space (any encoding; with relative_discrete the policy moves each count
// towards its decision by at most relative_step). Act does not allocate.
// Not thread-safe.
class ScalingPolicy {
 public:
  explicit ScalingPolicy(const EdgeScalingConfig& config);
  virtual ~ScalingPolicy() = default;

  // REQUIRES: obs and action sized for the env's spaces.
  void Act(std::span<const float> obs, std::span<float> action);
  virtual const char* name() const = 0;

 protected:
  // Writes the wanted replicas per service into counts_.
  virtual void Decide(std::span<const float> obs) = 0;

  const EdgeScalingConfig config_;
  std::vector<int> counts_;  // per service

 private:
  // Running counts read from the observation (kRelativeDiscrete).
  std::vector<int> current_;
  // Per-node placement of counts_ (kPerNode encodings).
  std::vector<int> per_node_;
};

// The same number of replicas for every service, every step.
class StaticPolicy final : public ScalingPolicy {
 public:
  StaticPolicy(const EdgeScalingConfig& config, int replicas);
  const char* name() const override { return "static"; }

 private:
  void Decide(std::span<const float> obs) override;
  int replicas_;
};

// max_replicas for every service, every step.
class MaxReplicasPolicy final : public ScalingPolicy {
 public:
  explicit MaxReplicasPolicy(const EdgeScalingConfig& config);
  const char* name() const override { return "max_replicas"; }

 private:
  void Decide(std::span<const float> obs) override;
};

// Kubernetes HPA: desired = ceil(current x utilisation / target), kept at
// current while |utilisation / target - 1| <= tolerance (Kubernetes' default
// 0.1), bounded by [min_replicas, max_replicas]. Reads current replicas and
// utilisation from the observation.
class HpaPolicy final : public ScalingPolicy {
 public:
  HpaPolicy(const EdgeScalingConfig& config, double target = 0.75,
            int min_replicas = 1, double tolerance = 0.1);
  const char* name() const override { return "hpa"; }

 private:
  void Decide(std::span<const float> obs) override;
  double target_, tolerance_;
  int min_replicas_;
};

// The replica count the "static" baseline runs for every service: what
// provisions the busiest service for `mean_offered_rate` (requests/s over
// all services, split by traffic_share) at `target` utilisation (within
// HPA's 10 % tolerance), as an operator sizing for the average load would;
// within [1, max_replicas].
int StaticReplicasFor(const EdgeScalingConfig& config, double mean_offered_rate,
                      double target = 0.75);

// "static" (replicas = `static_replicas`), "max_replicas" or "hpa".
// VALIDATION_ERROR for another name.
Result<std::unique_ptr<ScalingPolicy>> MakeBaseline(
    const std::string& name, const EdgeScalingConfig& config,
    int static_replicas = 1);

// Totals of a policy run over `steps` steps (episodes auto-reset).
struct PolicyRun {
  int64_t steps = 0;
  int64_t episodes = 0;          // episodes finished
  double mean_reward = 0.0;      // per step
  double reward_std = 0.0;       // per step, population
  // Mean of the per-step mean latencies, failed requests counted at
  // unstable_latency_s (StepMetrics::mean_latency_s).
  double mean_latency_ms = 0.0;
  double latency_std_ms = 0.0;
  double p95_latency_ms = 0.0;   // over steps
  // Mean latency of the served requests only (request-weighted over the
  // run; 0 if none was served), and the share of requests that failed.
  double served_latency_ms = 0.0;
  double failed_request_share = 0.0;
  double mean_offered_rate = 0.0;  // requests/s that arrived
  double mean_throughput = 0.0;    // requests/s
  double mean_replicas = 0.0;
  double slo_rate = 0.0;             // fraction of steps that met the SLO
  double mean_episode_return = 0.0;  // over finished episodes; NaN if none
};

// The action of a step, given its observation: a baseline, or a trained
// policy adapted by the caller.
using ActFn =
    std::function<Status(std::span<const float> obs, std::span<float> action)>;

// Runs `act` on `env` for `steps` steps starting with Reset(seed); episodes
// that end are reset (continuing the RNG stream). Errors from `act` stop the
// run and are returned. REQUIRES: steps >= 1.
Result<PolicyRun> RunPolicy(EdgeScalingEnv& env, const ActFn& act,
                            int64_t steps, uint64_t seed);

}  // namespace trainyard::env::edge
