#include "rl/gae.h"

#include <cassert>

namespace trainyard::rl {

void ComputeGae(std::span<const float> rewards, std::span<const float> values,
                std::span<const uint8_t> episode_ends,
                std::span<const float> last_values, int64_t n_envs,
                double gamma, double lambda, std::span<float> advantages,
                std::span<float> returns) {
  const int64_t total = static_cast<int64_t>(rewards.size());
  assert(n_envs > 0 && total % n_envs == 0);
  assert(values.size() == rewards.size() && advantages.size() == rewards.size());
  const int64_t n_steps = total / n_envs;
  for (int64_t e = 0; e < n_envs; ++e) {
    double next_advantage = 0.0;
    double next_value = last_values[e];
    for (int64_t t = n_steps - 1; t >= 0; --t) {
      const int64_t i = t * n_envs + e;
      const double not_end = episode_ends[i] ? 0.0 : 1.0;
      const double delta = rewards[i] + gamma * next_value * not_end - values[i];
      next_advantage = delta + gamma * lambda * not_end * next_advantage;
      advantages[i] = static_cast<float>(next_advantage);
      returns[i] = static_cast<float>(next_advantage + values[i]);
      next_value = values[i];
    }
  }
}

}  // namespace trainyard::rl
