// Gymnasium-style spaces: Box (continuous, float32 bounds), Discrete and
// MultiDiscrete. A Space describes the shape and bounds of observations and
// actions so algorithms can size their networks and check inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/rng.h"

namespace trainyard::env {

// One space. Everything crosses the Env interface as float32 values:
// a Discrete action n is the single value float(n); a MultiDiscrete action
// is one float per dimension. Immutable after construction; thread-safe.
class Space {
 public:
  enum class Kind { kBox, kDiscrete, kMultiDiscrete };

  // Box with per-dimension bounds (may be +-infinity). A flat vector; `shape`
  // only records how callers should view it (e.g. {4} or {2, 3}).
  // REQUIRES: low.size() == high.size() == product(shape), low <= high.
  static Space Box(std::vector<float> low, std::vector<float> high,
                   std::vector<int64_t> shape = {});
  // Box with the same bounds in every one of `dim` dimensions.
  static Space Box(float low, float high, int64_t dim);
  // {start, ..., start + n - 1}. REQUIRES: n > 0.
  static Space Discrete(int64_t n, int64_t start = 0);
  // Dimension i takes values {0, ..., nvec[i] - 1}. REQUIRES: all nvec > 0.
  static Space MultiDiscrete(std::vector<int64_t> nvec);

  Kind kind() const { return kind_; }
  // Number of float values an element occupies (Discrete: 1).
  int64_t flat_size() const { return flat_size_; }
  const std::vector<int64_t>& shape() const { return shape_; }
  const std::vector<float>& low() const { return low_; }      // Box only
  const std::vector<float>& high() const { return high_; }    // Box only
  int64_t n() const { return n_; }                            // Discrete only
  int64_t start() const { return start_; }                    // Discrete only
  const std::vector<int64_t>& nvec() const { return nvec_; }  // MultiDiscrete

  // True if `x` (flat_size() values) is an element of the space.
  bool Contains(std::span<const float> x) const;
  // Writes a uniformly sampled element into `out` (flat_size() values).
  // Unbounded Box dimensions sample a standard normal, as Gymnasium does.
  void Sample(Rng& rng, std::span<float> out) const;
  // e.g. "Box(-1.0, 1.0, (2,), float32)", "Discrete(2)".
  std::string ToString() const;

  // Same kind, shape, bounds, n/start and nvec.
  bool operator==(const Space& other) const = default;

 private:
  Kind kind_ = Kind::kBox;
  int64_t flat_size_ = 0;
  std::vector<int64_t> shape_;
  std::vector<float> low_, high_;
  int64_t n_ = 0, start_ = 0;
  std::vector<int64_t> nvec_;
};

}  // namespace trainyard::env
