#include "rl/discretizer.h"

#include <algorithm>
#include <cmath>

namespace trainyard::rl {
namespace {

constexpr double kUnbounded = 1e30;

}  // namespace

Result<Discretizer> Discretizer::Create(const env::Space& space,
                                        const std::vector<int64_t>& bins_in,
                                        double obs_clip) {
  Discretizer d;
  if (space.kind() == env::Space::Kind::kDiscrete) {
    d.discrete_ = true;
    d.start_ = space.start();
    d.num_states_ = space.n();
    return d;
  }
  if (space.kind() != env::Space::Kind::kBox) {
    return ValidationError("q_learning needs a Box or Discrete observation space",
                           {{"env", "observation space " + space.ToString()}});
  }
  const int64_t dims = space.flat_size();
  if (bins_in.size() != 1 && static_cast<int64_t>(bins_in.size()) != dims) {
    return ValidationError("bins must give one count or one per dimension",
                           {{"bins", "expected 1 or " + std::to_string(dims) + " values"}});
  }
  d.num_states_ = 1;
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t bins = bins_in.size() == 1 ? bins_in[0] : bins_in[i];
    d.bins_.push_back(bins);
    double lo = space.low()[i], hi = space.high()[i];
    // Gymnasium declares unbounded dimensions as +-float32 max (CartPole's
    // velocities); those count as infinite too.
    if (!std::isfinite(lo) || lo <= -kUnbounded) lo = -obs_clip;
    if (!std::isfinite(hi) || hi >= kUnbounded) hi = obs_clip;
    d.low_.push_back(lo);
    d.width_.push_back((hi - lo) / static_cast<double>(bins));
    if (d.num_states_ > kMaxStates / bins) {
      return ValidationError(
          "observation space too large for a Q-table",
          {{"bins", "the table would exceed " + std::to_string(kMaxStates) +
                        " states; use fewer bins"}});
    }
    d.num_states_ *= bins;
  }
  return d;
}

int64_t Discretizer::Index(std::span<const float> obs) const {
  if (discrete_) {
    return std::clamp<int64_t>(static_cast<int64_t>(obs[0]) - start_, 0, num_states_ - 1);
  }
  int64_t index = 0;
  for (size_t i = 0; i < low_.size(); ++i) {
    double b = width_[i] > 0 ? std::floor((obs[i] - low_[i]) / width_[i]) : 0;
    b = std::clamp(b, 0.0, static_cast<double>(bins_[i] - 1));
    index = index * bins_[i] + static_cast<int64_t>(b);
  }
  return index;
}

}  // namespace trainyard::rl
