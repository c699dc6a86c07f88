#include "env/edge_scaling/replica_budget.h"

#include <algorithm>

#include "env/wrapper.h"

namespace trainyard::env::edge {

ReplicaBudgetEnv::ReplicaBudgetEnv(const EdgeScalingConfig& config)
    : ReplicaBudgetEnv(config, MakeAgentEnv(config)) {}

ReplicaBudgetEnv::ReplicaBudgetEnv(const EdgeScalingConfig& config,
                                   std::unique_ptr<Env> inner)
    : base_cost_(config.replica_cost),
      budget_(config.replica_budget),
      step_size_(config.replica_budget_step),
      inner_(std::move(inner)),
      edge_(FindEdgeScalingEnv(*inner_)),
      per_service_(FindWrapper<PerServiceEnv>(*inner_)),
      service_rewards_(per_service_ != nullptr && config.service_rewards),
      price_(config.replica_cost) {}

std::unique_ptr<Env> MakeTrainingEnv(
    const EdgeScalingConfig& config,
    const std::function<std::unique_ptr<Env>(std::unique_ptr<Env>)>& wrap) {
  std::unique_ptr<Env> env = MakeAgentEnv(config);
  if (wrap) env = wrap(std::move(env));
  if (config.replica_budget > 0) {
    env = std::make_unique<ReplicaBudgetEnv>(config, std::move(env));
  }
  return env;
}

void ReplicaBudgetEnv::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                             Info* info) {
  inner_->Reset(seed, obs, info);
  if (info != nullptr) (*info)["replica_price"] = price_;
}

StepResult ReplicaBudgetEnv::Step(std::span<const float> action,
                                  std::span<float> obs, Info* info) {
  StepResult result = inner_->Step(action, obs, info);
  const bool stepped = per_service_ == nullptr || per_service_->stepped();
  const int replicas = stepped ? edge_->last_metrics().total_replicas : 0;
  // With service_rewards each sub-step paid for its own replicas, so each
  // is repriced; otherwise the step's reward (last sub-step) holds them all.
  const int charged = service_rewards_ ? per_service_->last_count() : replicas;
  result.reward += (base_cost_ - price_) * charged;
  if (stepped) {
    price_ = std::max(0.0, price_ + step_size_ * (replicas - budget_));
  }
  if (info != nullptr) (*info)["replica_price"] = price_;
  return result;
}

}  // namespace trainyard::env::edge
