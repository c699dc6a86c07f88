// A small, fast, seeded random number generator (xoshiro256**) whose output
// is identical on every platform and compiler, unlike std:: distributions.
// Environments, markets and trainers use it so seeded runs are reproducible.
#pragma once

#include <array>
#include <cstdint>

namespace trainyard {

// Not thread-safe: give each thread or environment its own Rng.
class Rng {
 public:
  using State = std::array<uint64_t, 4>;

  explicit Rng(uint64_t seed = 0) { Seed(seed); }

  // Re-seeds from a 64-bit seed via splitmix64, as the xoshiro authors advise.
  void Seed(uint64_t seed);

  uint64_t NextU64();
  // Uniform in [0, 1) with 53 random bits.
  double Uniform();
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n). REQUIRES: n > 0.
  uint64_t UniformInt(uint64_t n);
  // Standard normal (Marsaglia polar method; caches the second value).
  double Normal();
  double Normal(double mean, double stddev) { return mean + stddev * Normal(); }
  // Exponential with the given rate. REQUIRES: rate > 0.
  double Exponential(double rate);
  // Poisson-distributed count with the given mean (>= 0).
  uint64_t Poisson(double mean);

  // Full state, for checkpoints; SetState(GetState()) continues the stream.
  struct Snapshot {
    State s;
    bool has_spare;
    double spare;
  };
  Snapshot GetState() const { return {s_, has_spare_, spare_}; }
  void SetState(const Snapshot& snap) {
    s_ = snap.s;
    has_spare_ = snap.has_spare;
    spare_ = snap.spare;
  }

 private:
  State s_{};
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace trainyard
