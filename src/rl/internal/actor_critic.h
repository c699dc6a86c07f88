// PPO's actor-critic networks: separate MLP actor and critic (the default),
// or the recurrent "lstm_actor_critic_batch_norm" (BatchNorm1d over the
// observation, an LSTM cell, linear actor and critic heads on its state).
// Categorical heads for Discrete actions, diagonal Gaussian for Box actions
// with a state-independent log std, or with gSDE (rl/internal/sde.h) whose
// log std [latent, action_dim] scales the actor's detached last hidden
// activation. INTERNAL to src/rl: includes torch.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rl/internal/nets.h"

namespace trainyard::rl::internal {

struct ActorCriticSpec {
  int64_t obs_dim = 0;
  bool discrete = true;
  int64_t action_dim = 0;  // number of actions (discrete) or Box size
  std::vector<int64_t> hidden = {64, 64};
  std::string activation = "tanh";
  bool recurrent = false;  // lstm_actor_critic_batch_norm
  double log_std_init = 0.0;
  bool use_sde = false;  // Box only; absent in older files = false

  nlohmann::json ToJson() const;
  static ActorCriticSpec FromJson(const nlohmann::json& j);  // throws on bad JSON
};

class ActorCriticImpl : public torch::nn::Module {
 public:
  ActorCriticImpl(const ActorCriticSpec& spec, at::Generator& gen);

  struct Output {
    torch::Tensor dist;   // logits [B, n] or Gaussian mean [B, d]
    torch::Tensor value;  // [B]
    torch::Tensor h, c;   // next recurrent state [B, H] (recurrent only)
    torch::Tensor latent;  // gSDE features [B, latent_dim], detached (use_sde only)
  };
  // `h`/`c` are the recurrent state per row (ignored by the MLP variant).
  Output forward(torch::Tensor obs, torch::Tensor h = {}, torch::Tensor c = {});

  // log pi(actions) [B] and entropy [B] of the distribution in `out`.
  // Discrete actions are class indices (float-valued) in column 0.
  torch::Tensor LogProb(const Output& out, const torch::Tensor& actions) const;
  torch::Tensor Entropy(const Output& out) const;
  // Per-row log std [B, d] of the Gaussian in `out` (Box actions only).
  torch::Tensor LogStd(const Output& out) const;

  const ActorCriticSpec& spec() const { return spec_; }
  int64_t state_size() const { return spec_.recurrent ? spec_.hidden[0] : 0; }
  // [d], or [latent_dim, d] with use_sde.
  torch::Tensor log_std() const { return log_std_; }
  int64_t latent_dim() const;

 private:
  ActorCriticSpec spec_;
  Mlp actor_{nullptr}, critic_{nullptr};
  torch::nn::BatchNorm1d norm_{nullptr};
  torch::nn::LSTMCell lstm_{nullptr};
  torch::Tensor log_std_;
};
TORCH_MODULE(ActorCritic);

}  // namespace trainyard::rl::internal
