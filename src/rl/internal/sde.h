// Generalized State-Dependent Exploration (gSDE, Raffin et al. 2021, "Smooth
// Exploration for Robotic Reinforcement Learning"), as Stable-Baselines3's
// StateDependentNoiseDistribution with full_std=True and exp (no expln).
// INTERNAL to src/rl: includes torch.
//
// The policy's latent features z(s) (the actor's last hidden activation)
// and a learned log_std of shape [latent_dim, action_dim] define a Gaussian
// around the mean action with per-row variance
//   var_j(s) = sum_i z_i(s)^2 * exp(log_std_ij)^2 + epsilon,
// and exploration noise that is a deterministic function of the state
// between resamples: noise(s) = z(s) . theta, theta = sigma (.) eps with a
// standard-normal matrix eps drawn only when the caller resamples.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "core/rng.h"

namespace trainyard::rl::internal {

// SB3's epsilon, added to the variance.
inline constexpr double kSdeEpsilon = 1e-6;

// Per-row log standard deviation [B, d] of the action Gaussian for latent
// features `latent` [B, latent_dim] and `log_std` [latent_dim, d]:
// 0.5 * log(latent^2 . exp(2 log_std) + kSdeEpsilon). Differentiable in
// both; callers detach `latent` where features are not learned (PPO).
torch::Tensor SdeLogStd(const torch::Tensor& latent, const torch::Tensor& log_std);

// The exploration matrices of gSDE. Stores eps (standard normal) and scales
// it by the current sigma on use: identical to SB3's theta ~ N(0, sigma^2)
// because the algorithms resample whenever sigma may have changed (rollout
// start, before each SAC gradient step), and it keeps SAC's reparametrised
// gradient with respect to log_std. Not thread-safe.
class SdeNoise {
 public:
  SdeNoise() = default;
  SdeNoise(int64_t latent_dim, int64_t action_dim);

  // Draws `n` new matrices (one per parallel environment, or 1 for a batch
  // sharing one) from `rng` (platform-independent) or `gen` (torch).
  void Resample(int64_t n, Rng& rng);
  void Resample(int64_t n, at::Generator& gen);

  // Noise [B, d] for latent [B, latent_dim]: row b is latent_b . (exp(log_std)
  // (.) eps_k) with k = b when B equals the number of matrices, else k = 0
  // (SB3's get_noise). Differentiable in latent and log_std.
  // REQUIRES: Resample was called.
  torch::Tensor Apply(const torch::Tensor& latent, const torch::Tensor& log_std) const;

  int64_t count() const { return eps_.defined() ? eps_.size(0) : 0; }
  const torch::Tensor& eps() const { return eps_; }

 private:
  int64_t latent_dim_ = 0, action_dim_ = 0;
  torch::Tensor eps_;  // [n, latent_dim, action_dim]
};

}  // namespace trainyard::rl::internal
