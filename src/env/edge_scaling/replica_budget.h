// Training-time replica budget for EdgeScaling-v0 (a Lagrangian relaxation):
// the agent's env charges an adaptive price per replica instead of the fixed
// replica_cost, raised while the agent runs more replicas than the budget
// and lowered while it runs fewer (projected dual ascent), so that training
// settles where the mean replica count meets the budget. docs/gym.md.
#pragma once

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
  // Exactly one is set: the inner env's type.
  EdgeScalingEnv* direct_ = nullptr;
  PerServiceEnv* per_service_ = nullptr;
  double price_;
};

}  // namespace trainyard::env::edge
