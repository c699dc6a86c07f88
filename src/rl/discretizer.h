// Discretisation of Box observations for tabular Q-learning: dimension i
// is cut into bins[i] (or bins[0] for all) equal-width bins over [low, high], where
// low/high are the space's bounds if finite and [-obs_clip, obs_clip]
// otherwise (bounds beyond +-1e30, e.g. Gymnasium's float32-max
// "unbounded" velocities, count as infinite); values outside fall into the first/last bin. The state index
// is the mixed-radix number of the per-dimension bins (dimension 0 most
// significant). A Discrete observation space maps value v to state v-start.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "env/space.h"

namespace trainyard::rl {

// Immutable after Create; thread-safe.
class Discretizer {
 public:
  // Largest table this discretiser agrees to index.
  static constexpr int64_t kMaxStates = 10'000'000;

  // VALIDATION_ERROR if the space is MultiDiscrete, bins has neither one
  // nor dims values, or the product of bins exceeds kMaxStates.
  // REQUIRES: every bin count >= 1, obs_clip > 0.
  static Result<Discretizer> Create(const env::Space& space,
                                    const std::vector<int64_t>& bins,
                                    double obs_clip);

  int64_t num_states() const { return num_states_; }
  // State index of `obs` (observation flat size values), in [0, num_states()).
  int64_t Index(std::span<const float> obs) const;

 private:
  Discretizer() = default;

  bool discrete_ = false;
  int64_t start_ = 0;
  std::vector<int64_t> bins_;
  int64_t num_states_ = 0;
  std::vector<double> low_, width_;
};

}  // namespace trainyard::rl
