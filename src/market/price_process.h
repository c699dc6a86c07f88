// External (centralized-exchange) price processes that drive the simulated
// market: geometric Brownian motion, Merton jump diffusion, two-regime
// (calm/volatile) switching, and replay of a historical series. Each is
// seeded through the caller's Rng, so runs are reproducible.
#pragma once

#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "core/status.h"

namespace trainyard::market {

enum class ProcessKind { kGbm, kJumpDiffusion, kRegimeSwitching, kReplay };

struct PriceProcessConfig {
  ProcessKind kind = ProcessKind::kGbm;
  double initial_price = 2000.0;  // token1 per token0, human units
  double dt_years = 1.0 / (365.0 * 24.0);  // one hour per step
  double drift = 0.0;        // annualised mu
  double volatility = 0.8;   // annualised sigma (calm regime when switching)
  // Jump diffusion: Poisson jumps per year, log-jump ~ N(mean, stddev).
  double jump_intensity = 12.0;
  double jump_mean = -0.01;
  double jump_stddev = 0.05;
  // Regime switching: volatile sigma and per-step switch probabilities.
  double volatile_volatility = 2.0;
  double calm_to_volatile = 0.01;
  double volatile_to_calm = 0.05;
  // Replay: prices per step (the first is the initial price).
  std::vector<double> replay_prices;
};

// Checks ranges (positive price/dt/volatility, probabilities in [0,1], a
// replay series of >= 2 positive prices). VALIDATION_ERROR names the field.
Status ValidatePriceProcessConfig(const PriceProcessConfig& config);

// Not thread-safe; cheap to copy. Step() never allocates.
class PriceProcess {
 public:
  // REQUIRES: ValidatePriceProcessConfig(config).ok().
  explicit PriceProcess(PriceProcessConfig config);

  // Back to the initial price (and calm regime / first replay row).
  void Reset();
  // Advances one step using `rng` and returns the new price. A replay stays
  // at its last price once exhausted.
  double Step(Rng& rng);

  double price() const { return price_; }
  bool in_volatile_regime() const { return volatile_; }
  // For replays: true once the last row has been reached.
  bool exhausted() const;
  const PriceProcessConfig& config() const { return config_; }

 private:
  double DiffusionStep(Rng& rng, double sigma, double drift_adjust) const;

  PriceProcessConfig config_;
  double price_ = 0.0;
  bool volatile_ = false;
  size_t replay_index_ = 0;
};

}  // namespace trainyard::market
