// EdgeScaling-v0 with one decision per service: each environment step of
// EdgeScalingEnv is split into `services` sub-steps, and at sub-step j the
// agent chooses only service j's replica count (Discrete(max_replicas + 1)).
// This factors the (max + 1)^services joint action into one small head
// that every service shares — what a MultiDiscrete policy would do — for
// RL algorithms that only have a single categorical head. The reward of
// the underlying step (unchanged: latency, replicas, imbalance, infeasible
// penalty) is paid on the last sub-step; the others pay 0. docs/gym.md.
// With config.service_rewards, each sub-step instead pays its own service's
// part at once, priced on the next step's load drawn in advance (hidden
// from the agent): -(its share of the mean latency) - replica_cost x its
// count; the last sub-step pays the rest of the step's reward (its own
// part, imbalance, infeasible penalty), so a step's total is unchanged.
// The decision for one service then is credited with its own outcome
// only, not the noise of the other services' latencies.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/edge_scaling.h"

namespace trainyard::env::edge {

// Size of a sub-step observation for `config`: the full observation, then
// the deciding service's own block (replicas, utilisation, request rate,
// and its trend with observe_trend), a one-hot of the deciding service, and
// the counts already chosen this step (0 for services not decided yet).
int PerServiceObservationSize(const EdgeScalingConfig& config);

// Writes sub-step `service`'s observation from the full observation `obs`
// and the counts `decided` so far. Does not allocate. REQUIRES: sizes as
// above, decided.size() == number of services.
void WritePerServiceObservation(const EdgeScalingConfig& config,
                                std::span<const float> obs, int service,
                                std::span<const int> decided,
                                std::span<float> sub_obs);

class PerServiceEnv final : public Env {
 public:
  // REQUIRES: ValidateConfig(config).ok(), config.placement == kSpread.
  // The inner env uses the multi_discrete encoding whatever config says.
  explicit PerServiceEnv(EdgeScalingConfig config);

  const Space& observation_space() const override { return obs_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  // Records the count (rounded, clamped to [0, max_replicas]) for the
  // deciding service; after the last service, steps the inner env.
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  // The underlying env (its last_metrics describe the last full step).
  const EdgeScalingEnv& inner() const { return inner_; }
  // True right after a full step ran (the sub-step just taken was the last
  // service's).
  bool stepped() const { return stepped_; }
  // The count the sub-step just taken chose.
  int last_count() const { return last_count_; }

 private:
  EdgeScalingEnv inner_;
  Space obs_space_, action_space_;
  std::vector<float> full_obs_, full_action_;
  std::vector<int> decided_;
  int service_ = 0;
  int last_count_ = 0;
  bool stepped_ = false;
  double paid_ = 0.0;  // service_rewards: reward paid so far this step
};

// The replica counts of a full step chosen by a policy of PerServiceEnv:
// asks `sub_act` once per service (sub-step observations built from `obs`)
// and writes the counts into `action` as a multi_discrete action of the
// full env. `sub_obs`/`sub_action`/`decided` are scratch (sizes
// PerServiceObservationSize, 1, services). Errors from sub_act are returned.
Status ActPerService(const EdgeScalingConfig& config, const ActFn& sub_act,
                     std::span<const float> obs, std::span<float> action,
                     std::span<float> sub_obs, std::span<float> sub_action,
                     std::span<int> decided);

// The env agents train on for `config`: PerServiceEnv for the per_service
// encoding, EdgeScalingEnv otherwise. REQUIRES: ValidateConfig(config).ok().
std::unique_ptr<Env> MakeAgentEnv(const EdgeScalingConfig& config);

// The EdgeScalingEnv that runs the full steps of `env`, an agent env from
// MakeAgentEnv possibly inside env::Wrapper layers (under a PerServiceEnv,
// its inner env); nullptr if there is none. Owned by `env`.
const EdgeScalingEnv* FindEdgeScalingEnv(Env& env);

// Agent steps per EdgeScalingEnv step: services for per_service, else 1.
int AgentStepsPerStep(const EdgeScalingConfig& config);

// An action function for EdgeScalingEnv(config) from an agent's:
// per_service asks `agent_act` once per service (ActPerService, with
// scratch owned by the returned function); other encodings return
// `agent_act` itself. The result is not thread-safe.
ActFn FullStepAct(const EdgeScalingConfig& config, ActFn agent_act);

}  // namespace trainyard::env::edge
