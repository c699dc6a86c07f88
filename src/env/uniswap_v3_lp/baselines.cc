#include "env/uniswap_v3_lp/baselines.h"

namespace trainyard::env {

Result<LpBaseline> ParseLpBaseline(std::string_view name) {
  if (name == "hodl") return LpBaseline::kHodl;
  if (name == "full_range") return LpBaseline::kFullRange;
  if (name == "fixed") return LpBaseline::kFixed;
  if (name == "tau_reset") return LpBaseline::kTauReset;
  return ValidationError(
      "unknown baseline '" + std::string(name) + "'",
      {{"baselines", "must be one of hodl, full_range, fixed, tau_reset"}});
}

const char* LpBaselineName(LpBaseline baseline) {
  switch (baseline) {
    case LpBaseline::kHodl:
      return "hodl";
    case LpBaseline::kFullRange:
      return "full_range";
    case LpBaseline::kFixed:
      return "fixed";
    case LpBaseline::kTauReset:
      return "tau_reset";
  }
  return "fixed";
}

std::vector<std::string> LpBaselineNames() {
  return {"hodl", "full_range", "fixed", "tau_reset"};
}

LpTarget LpBaselineStrategy::Next(const UniswapV3LpEnv& env) {
  const double p = env.price();
  switch (kind_) {
    case LpBaseline::kHodl:
      // The tokens the fixed range would have been funded with at the
      // start, held outside the pool (no fees, no IL, no gas; the value
      // follows the price).
      if (!placed_) {
        range_ = env.TargetForPrices(p * (1 - pct_), p * (1 + pct_));
        range_.hold = true;
        range_.hold_tokens = true;
      }
      break;
    case LpBaseline::kFullRange:
      // Prices beyond the representable range clamp to the usable ticks.
      if (!placed_) range_ = env.TargetForPrices(0.0, 1e300);
      break;
    case LpBaseline::kFixed:
      if (!placed_)
        range_ = env.TargetForPrices(p * (1 - pct_), p * (1 + pct_));
      break;
    case LpBaseline::kTauReset: {
      const int32_t tick = env.market().pool().slot0().tick;
      const bool out = tick < range_.tick_lower || tick >= range_.tick_upper;
      if (!placed_ || out)
        range_ = env.TargetForPrices(p * (1 - pct_), p * (1 + pct_));
      break;
    }
  }
  placed_ = true;
  return range_;
}

}  // namespace trainyard::env
