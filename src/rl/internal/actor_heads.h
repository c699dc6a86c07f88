// The actors' output heads of DDPG, TD3 and SAC in plain C++, for the fused
// small-network path: what off_policy.cc's libtorch path computes with torch
// operators on the actor MLP's output, and the gradients torch autograd
// would give. Rows are [batch, ...] row-major. INTERNAL to src/rl.
#pragma once

#include <cstdint>

namespace trainyard::rl::internal {

// SAC's log std bounds (the head clamps the network's log std into them).
inline constexpr float kSacLogStdMin = -20.0f, kSacLogStdMax = 2.0f;

// SAC's tanh-squashed Gaussian with the reparameterised sample: out [b, 2d]
// holds the mean (columns 0..d-1) and the unclamped log std (d..2d-1); eps
// [b, d] standard normal draws. Writes u = mean + exp(clamp(log_std)) * eps
// [b, d], a = tanh(u) [b, d] and logp [b] = the Gaussian log-density of u
// minus sum_j log(1 - tanh(u_j)^2) in the stable form of nets.h's
// SquashedGaussianLogProb.
void SquashedGaussianSample(const float* out, const float* eps, int64_t b, int64_t d,
                            float* u, float* a, float* logp);

// Given d_a = dL/da [b, d] (null: zero) and d_logp = dL/d(logp) [b] of a
// SquashedGaussianSample with the same out and eps (and its u and a), writes
// dL/d(out) [b, 2d]: torch autograd's gradient through the clamp, exp,
// sample, tanh and log-density (computed without the terms that cancel, so
// it stays accurate for tiny standard deviations where torch's float graph
// does not).
void SquashedGaussianBackward(const float* out, const float* eps, const float* u,
                              const float* a, const float* d_a, const float* d_logp,
                              int64_t b, int64_t d, float* d_out);

// DDPG/TD3's deterministic action a = tanh(out), n values.
void TanhForward(const float* out, int64_t n, float* a);
// dL/d(out) = d_a * (1 - a^2), n values.
void TanhBackward(const float* a, const float* d_a, int64_t n, float* d_out);

// TD3's target policy smoothing on a = tanh(out) [n]: a' = clamp(a +
// clamp(noise_std * z, -noise_clip, noise_clip), -1, 1) with z standard
// normal draws; noise_std 0 leaves a = tanh(out) (DDPG).
void SmoothedTargetAction(const float* out, const float* z, int64_t n, float noise_std,
                          float noise_clip, float* a);

}  // namespace trainyard::rl::internal
