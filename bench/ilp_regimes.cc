// Calibration of the market presets used by the ILP learning check: for
// each preset, the simulated pool's daily volume, TVL, volume/TVL, fee APR
// on TVL and realised volatility (to compare with mainnet figures,
// docs/market.md), and what the four baselines earn over the check's test
// episodes (fee income - impermanent loss - gas, USD per episode) for
// several ranges. The HODL baseline (always 0) is the reference each LP
// baseline is measured against in the same run.
// Usage: build/<dir>/bench/ilp_regimes [episodes] [steps] [preset ...]
//   ILP_REGIMES_DETAIL=1 also prints fees / IL / gas of every baseline.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "env/uniswap_v3_lp/baselines.h"
#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "market/market.h"
#include "market/presets.h"

namespace {

using trainyard::env::LpBaseline;
using trainyard::env::LpBaselineStrategy;
using trainyard::env::UniswapV3LpConfig;
using trainyard::env::UniswapV3LpEnv;

constexpr double kStepsPerDay = 24.0;  // one market block = one hour

struct PoolFigures {
  double volume_usd_per_day = 0.0;
  double tvl_usd = 0.0;
  double fee_apr = 0.0;
  double realised_vol = 0.0;  // annualised, from block log returns
};

// Runs the bare market for `steps` blocks on a few seeds.
PoolFigures MeasurePool(const std::string& preset, int episodes, int steps) {
  PoolFigures f;
  auto config = trainyard::market::DefaultMarketConfig(preset).value();
  double volume = 0.0, fees = 0.0, tvl = 0.0, ss = 0.0;
  long n = 0;
  for (int e = 0; e < episodes; ++e) {
    auto market = trainyard::market::Market::Create(config, 1000 + e).value();
    double last = market.pool_price();
    for (int t = 0; t < steps; ++t) {
      const auto& r = market.Step();
      volume += r.volume_usd;
      fees += r.fees_usd;
      double value = 0.0;
      for (const auto& p : r.positions) value += p.value_token1;
      tvl += value * config.preset.token1_usd;
      const double lr = std::log(r.pool_price / last);
      ss += lr * lr;
      last = r.pool_price;
      ++n;
    }
  }
  f.volume_usd_per_day = volume / n * kStepsPerDay;
  f.tvl_usd = tvl / n;
  f.fee_apr = fees / n * kStepsPerDay * 365.0 / f.tvl_usd;
  f.realised_vol = std::sqrt(ss / n * kStepsPerDay * 365.0);
  return f;
}

struct Outcome {
  double reward = 0.0, fees = 0.0, il = 0.0, gas = 0.0;  // USD per episode
};

// Mean reward_usd per episode of a baseline on the evaluation's seeds.
Outcome BaselineMean(const std::string& preset, LpBaseline kind, double range,
                    int episodes, int steps) {
  UniswapV3LpConfig config;
  config.pools = {preset};
  config.max_steps = steps;
  auto env = UniswapV3LpEnv::Create(config).value();
  LpBaselineStrategy strategy(kind, range);
  std::vector<float> obs(UniswapV3LpEnv::kObservationSize);
  Outcome o;
  for (int e = 0; e < episodes; ++e) {
    env->Reset(static_cast<uint64_t>(100000 + e), obs);
    strategy.BeginEpisode();
    for (int t = 0; t < steps; ++t) {
      const auto r = env->StepTarget(strategy.Next(*env), obs);
      const auto& rec = env->last_record();
      o.reward += rec.reward_usd / episodes;
      o.fees += rec.fee_income_usd / episodes;
      o.il += rec.impermanent_loss_usd / episodes;
      o.gas += rec.gas_usd / episodes;
      if (r.terminated) break;
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const int episodes = argc > 1 ? std::atoi(argv[1]) : 10;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 200;
  std::vector<std::string> presets;
  for (int i = 3; i < argc; ++i) presets.push_back(argv[i]);
  if (presets.empty()) {
    for (const auto& p : trainyard::market::Presets()) presets.push_back(p.name);
  }
  const std::vector<double> ranges = {0.005, 0.02, 0.05, 0.1, 0.3};
  std::printf("%d episodes x %d one-hour blocks per preset; baselines: mean "
              "fee income - IL - gas per episode, USD, budget $10,000 "
              "(hodl = 0)\n",
              episodes, steps);
  std::printf("| preset | fee | sigma (realised) | volume/day | TVL | vol/TVL/day "
              "| fee APR | full | ");
  for (double r : ranges) std::printf("fixed %.3f | ", r);
  for (double r : ranges) std::printf("tau %.3f | ", r);
  std::printf("tau 0.10 fees / IL / gas |\n");
  for (const std::string& name : presets) {
    const auto preset = trainyard::market::FindPreset(name).value();
    const PoolFigures f = MeasurePool(name, 3, steps);
    std::printf("| %s | %.2f%% | %.2f (%.2f) | $%.3gM | $%.3gM | %.2f | %.0f%% | %.1f | ",
                name.c_str(), preset.fee / 1e4, preset.volatility,
                f.realised_vol, f.volume_usd_per_day / 1e6, f.tvl_usd / 1e6,
                f.volume_usd_per_day / f.tvl_usd, 100.0 * f.fee_apr,
                BaselineMean(name, LpBaseline::kFullRange, 0.1, episodes, steps).reward);
    for (double r : ranges)
      std::printf("%.1f | ", BaselineMean(name, LpBaseline::kFixed, r, episodes, steps).reward);
    for (double r : ranges)
      std::printf("%.1f | ", BaselineMean(name, LpBaseline::kTauReset, r, episodes, steps).reward);
    const Outcome tau = BaselineMean(name, LpBaseline::kTauReset, 0.1, episodes, steps);
    std::printf("%.1f / %.1f / %.1f |\n", tau.fees, tau.il, tau.gas);
    if (std::getenv("ILP_REGIMES_DETAIL") != nullptr) {
      for (LpBaseline kind : {LpBaseline::kFixed, LpBaseline::kTauReset}) {
        for (double r : ranges) {
          const Outcome o = BaselineMean(name, kind, r, episodes, steps);
          std::printf("    %s %s %.3f: reward %.1f = fees %.1f - IL %.1f - gas %.1f\n",
                      name.c_str(), kind == LpBaseline::kFixed ? "fixed" : "tau",
                      r, o.reward, o.fees, o.il, o.gas);
        }
      }
    }
    std::fflush(stdout);
  }
  return 0;
}
