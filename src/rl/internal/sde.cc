#include "rl/internal/sde.h"

namespace trainyard::rl::internal {

torch::Tensor SdeLogStd(const torch::Tensor& latent, const torch::Tensor& log_std) {
  auto variance = torch::mm(latent * latent, torch::exp(2.0 * log_std));
  return 0.5 * torch::log(variance + kSdeEpsilon);
}

SdeNoise::SdeNoise(int64_t latent_dim, int64_t action_dim)
    : latent_dim_(latent_dim), action_dim_(action_dim) {}

void SdeNoise::Resample(int64_t n, Rng& rng) {
  eps_ = torch::empty({n, latent_dim_, action_dim_});
  float* p = eps_.data_ptr<float>();
  for (int64_t i = 0; i < eps_.numel(); ++i) p[i] = static_cast<float>(rng.Normal());
}

void SdeNoise::Resample(int64_t n, at::Generator& gen) {
  eps_ = torch::randn({n, latent_dim_, action_dim_}, gen);
}

torch::Tensor SdeNoise::Apply(const torch::Tensor& latent,
                              const torch::Tensor& log_std) const {
  auto theta = torch::exp(log_std).unsqueeze(0) * eps_;  // [n, latent, d]
  if (latent.size(0) == count() && count() > 1) {
    return torch::bmm(latent.unsqueeze(1), theta).squeeze(1);
  }
  return torch::mm(latent, theta[0]);
}

}  // namespace trainyard::rl::internal
