// Generalised Advantage Estimation (Schulman et al. 2016) over a rollout
// stored time-major: element [t * n_envs + e] is step t of environment e.
// Plain arrays, no torch, so the arithmetic can be checked by hand.
#pragma once

#include <cstdint>
#include <span>

namespace trainyard::rl {

// Computes advantages A_t and returns R_t = A_t + V(s_t):
//   delta_t = r_t + gamma * V(s_{t+1}) * (1 - end_t) - V(s_t)
//   A_t     = delta_t + gamma * lambda * (1 - end_t) * A_{t+1}
// where end_t = 1 if the episode ended (terminated or truncated) at step t
// and V(s_T) = last_values (the value of the observation after the last
// step). Truncation is the caller's job: for a step that was truncated but
// not terminated, add gamma * V(final observation) to its reward first so
// the cut-off episode is bootstrapped rather than treated as terminal.
// REQUIRES: rewards, values, episode_ends, advantages, returns all have
// n_steps * n_envs elements and last_values has n_envs.
void ComputeGae(std::span<const float> rewards, std::span<const float> values,
                std::span<const uint8_t> episode_ends,
                std::span<const float> last_values, int64_t n_envs,
                double gamma, double lambda, std::span<float> advantages,
                std::span<float> returns);

}  // namespace trainyard::rl
