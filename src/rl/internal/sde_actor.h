// SAC's actor with gSDE (Stable-Baselines3's sac.policies.Actor with
// use_sde=True): an MLP whose output, clipped to [-clip_mean, clip_mean]
// (Hardtanh), is the mean of a tanh-squashed Gaussian; its last hidden
// activation is gSDE's latent, not detached (SB3's learn_features=True).
// INTERNAL to src/rl: includes torch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "rl/internal/nets.h"

namespace trainyard::rl::internal {

class SdeActorImpl : public torch::nn::Module {
 public:
  // Weights from `gen` (PyTorch's default Linear init, as the other SAC
  // networks); log_std [hidden.back(), action_dim] = log_std_init.
  SdeActorImpl(int64_t obs_dim, const std::vector<int64_t>& hidden,
               int64_t action_dim, double log_std_init, at::Generator& gen);

  struct Output {
    torch::Tensor mean;    // pre-tanh mean [B, d], in [-clip_mean, clip_mean]
    torch::Tensor latent;  // [B, hidden.back()]
  };
  Output forward(torch::Tensor obs);

  torch::Tensor log_std() const { return log_std_; }
  int64_t latent_dim() const { return log_std_.size(0); }

  static constexpr double kClipMean = 2.0;  // SB3's clip_mean

 private:
  Mlp net_{nullptr};
  torch::Tensor log_std_;
};
TORCH_MODULE(SdeActor);

}  // namespace trainyard::rl::internal
