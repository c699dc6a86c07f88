// Experience replay for off-policy algorithms (DQN, DDPG, TD3, SAC): a ring
// of transitions (obs, action, reward, next_obs, terminated) sampled
// uniformly. Truncated episodes are stored as non-terminal, so targets
// bootstrap from the final observation.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.h"
#include "core/status.h"

namespace trainyard::rl {

// A batch of transitions gathered as contiguous row-major arrays. Reusing
// one batch for every Sample of the same size allocates nothing.
struct TransitionBatch {
  std::vector<float> obs, actions, rewards, next_obs, terminated;
  std::vector<int64_t> indices;  // Sample: the buffer rows drawn
};

// Not thread-safe. Memory grows with size() up to capacity().
class ReplayBuffer {
 public:
  // REQUIRES: capacity > 0, obs_dim > 0, action_dim > 0.
  ReplayBuffer(int64_t capacity, int64_t obs_dim, int64_t action_dim);

  // Stores one transition, overwriting the oldest once full.
  // REQUIRES: obs/next_obs have obs_dim values, action has action_dim.
  void Add(std::span<const float> obs, std::span<const float> action,
           float reward, std::span<const float> next_obs, bool terminated);

  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  int64_t obs_dim() const { return obs_dim_; }
  int64_t action_dim() const { return action_dim_; }

  // Draws `batch_size` indices uniformly (with replacement) from the stored
  // transitions and copies them into `out`. REQUIRES: size() > 0.
  void Sample(int64_t batch_size, Rng& rng, TransitionBatch* out) const;
  // Copies the transitions at `indices` (each in [0, size())) into `out`.
  void Gather(std::span<const int64_t> indices, TransitionBatch* out) const;

  // Binary snapshot for checkpoints, and its inverse. Deserialize fails with
  // a CORRUPTION-coded status if the bytes do not describe a buffer of this
  // buffer's capacity and dimensions.
  std::string Serialize() const;
  Status Deserialize(std::string_view bytes);

 private:
  int64_t capacity_, obs_dim_, action_dim_;
  int64_t size_ = 0;
  int64_t next_ = 0;  // slot the next Add writes
  std::vector<float> obs_, actions_, rewards_, next_obs_, terminated_;
};

}  // namespace trainyard::rl
