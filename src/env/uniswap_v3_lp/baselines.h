// Baseline liquidity strategies for UniswapV3LP-v0, run on the same market
// seeds as an agent in evaluation: HODL (no position: the tokens the fixed
// range would have been funded with at the start, held outside the pool, as
// the LP literature defines it), full range, a fixed range at
// ±percentage_range placed once, and τ-reset (a ±percentage_range range
// re-centred whenever the price leaves it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "env/uniswap_v3_lp/uniswap_v3_lp.h"

namespace trainyard::env {

enum class LpBaseline { kHodl, kFullRange, kFixed, kTauReset };

// "hodl", "full_range", "fixed", "tau_reset"; VALIDATION_ERROR otherwise.
Result<LpBaseline> ParseLpBaseline(std::string_view name);
const char* LpBaselineName(LpBaseline baseline);
// Every baseline name, in the order above.
std::vector<std::string> LpBaselineNames();

// Chooses a target each step. One per environment; not thread-safe.
class LpBaselineStrategy {
 public:
  // REQUIRES: 0 < percentage_range < 1.
  LpBaselineStrategy(LpBaseline kind, double percentage_range)
      : kind_(kind), pct_(percentage_range) {}
  LpBaseline kind() const { return kind_; }
  // Forget the previous episode's range; call after every env Reset.
  void BeginEpisode() { placed_ = false; }
  // The target for the next step of `env`.
  LpTarget Next(const UniswapV3LpEnv& env);

 private:
  LpBaseline kind_;
  double pct_;
  bool placed_ = false;
  LpTarget range_;
};

}  // namespace trainyard::env
