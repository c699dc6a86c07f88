// Training-time replica budget for EdgeScaling-v0 (a Lagrangian relaxation):
// the agent's env charges an adaptive price per replica instead of the fixed
// replica_cost, raised while the agent runs more replicas than the budget
// and lowered while it runs fewer (projected dual ascent), so that training
// settles where the mean replica count meets the budget. docs/gym.md.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "env/edge_scaling/edge_scaling.h"
#include "env/edge_scaling/per_service.h"

namespace trainyard::env::edge {

// Wraps the agent env of `config` (MakeAgentEnv: PerServiceEnv for the
// per_service encoding, EdgeScalingEnv otherwise). Observations, actions,
// truncation and the zero rewards of per-service sub-steps are unchanged.
// After every full environment step with R running replicas, the reward
// becomes the inner reward + (replica_cost - price) x R, i.e. it charges
// `price` per replica instead of config.replica_cost, and then
//   price <- max(0, price + replica_budget_step x (R - replica_budget)).
// The price starts at config.replica_cost and is kept across Reset (it is
// the training's dual variable, not part of an episode).
class ReplicaBudgetEnv final : public Env {
 public:
  // REQUIRES: ValidateConfig(config).ok() and config.replica_budget > 0.
  explicit ReplicaBudgetEnv(const EdgeScalingConfig& config);
  // Wraps `inner`: MakeAgentEnv(config), possibly inside env::Wrapper
  // layers (which then see the unpriced rewards). REQUIRES: as above, and
  // such an env at the bottom of `inner`'s wrapper stack.
  ReplicaBudgetEnv(const EdgeScalingConfig& config, std::unique_ptr<Env> inner);

  const Space& observation_space() const override {
    return inner_->observation_space();
  }
  const Space& action_space() const override { return inner_->action_space(); }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  // With `info`, also reports the current price under "replica_price".
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  // The price per replica the next full step will be charged.
  double price() const { return price_; }

 private:
  const double base_cost_, budget_, step_size_;
  std::unique_ptr<Env> inner_;
  const EdgeScalingEnv* edge_;  // runs the full steps
  PerServiceEnv* per_service_;  // null unless the per_service encoding
  // Sub-steps pay their own replicas (per_service with service_rewards).
  const bool service_rewards_;
  double price_;
};

// The env an agent trains on for `config`: MakeAgentEnv(config), passed
// through `wrap` when given (e.g. to record episodes), inside a
// ReplicaBudgetEnv when config.replica_budget > 0. RegisterEdgeScaling and
// the gym's training tasks both build it here, so that every training path
// honours the budget. REQUIRES: ValidateConfig(config).ok().
std::unique_ptr<Env> MakeTrainingEnv(
    const EdgeScalingConfig& config,
    const std::function<std::unique_ptr<Env>(std::unique_ptr<Env>)>& wrap =
        nullptr);

}  // namespace trainyard::env::edge
