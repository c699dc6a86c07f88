#include "rl/internal/sde_actor.h"

namespace trainyard::rl::internal {

SdeActorImpl::SdeActorImpl(int64_t obs_dim, const std::vector<int64_t>& hidden,
                           int64_t action_dim, double log_std_init,
                           at::Generator& gen) {
  net_ = register_module("net", Mlp(obs_dim, hidden, action_dim, Activation::kRelu,
                                    0.0, gen));
  log_std_ = register_parameter(
      "log_std", torch::full({net_->latent_dim(), action_dim}, log_std_init));
}

SdeActorImpl::Output SdeActorImpl::forward(torch::Tensor obs) {
  auto [mean, latent] = net_->ForwardWithLatent(obs);
  return {torch::clamp(mean, -kClipMean, kClipMean), latent};
}

}  // namespace trainyard::rl::internal
