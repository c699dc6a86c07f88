// UniswapV3LP-v0 stepping speed on one core with the default market
// (WETH/USDT, one market block per step). Prints env steps/s for a policy
// that keeps its range (the common case once trained), one that re-places
// its range every step (burn + collect + mint each step), and the bare
// market step rate measured in the same run as the baseline ratio.
// Usage: taskset -c 0 build/<dir>/bench/ilp_env_bench [steps]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/rng.h"
#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "market/market.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Steps with actions from `next`; resets on episode end.
template <typename Next>
double StepsPerSecond(trainyard::env::UniswapV3LpEnv& env, long steps,
                      Next next) {
  std::vector<float> obs(trainyard::env::UniswapV3LpEnv::kObservationSize);
  env.Reset(1, obs);
  float action[2];
  const auto start = Clock::now();
  for (long t = 0; t < steps; ++t) {
    next(t, action);
    trainyard::env::StepResult r = env.Step(action, obs);
    if (r.terminated || r.truncated || env.last_record().step >= 1000)
      env.Reset(std::nullopt, obs);
  }
  return steps / Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  const long steps = argc > 1 ? std::atol(argv[1]) : 200000;
  trainyard::env::UniswapV3LpConfig config;
  config.max_steps = 0;
  auto env = trainyard::env::UniswapV3LpEnv::Create(config);
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return 1;
  }
  // Baseline: the market alone, one block per step.
  auto market = trainyard::market::Market::Create(
      trainyard::market::DefaultMarketConfig(trainyard::env::kDefaultLpPool)
          .value(),
      1);
  const auto start = Clock::now();
  for (long t = 0; t < steps; ++t) market->Step();
  const double market_sps = steps / Seconds(start);

  const double keep = StepsPerSecond(**env, steps, [](long, float* a) {
    a[0] = 0.5f;  // a ±45%/50% range: within the keep tolerance as P moves
    a[1] = 0.5f;
  });
  trainyard::Rng rng(3);
  const double replace = StepsPerSecond(**env, steps / 4, [&](long, float* a) {
    a[0] = static_cast<float>(rng.Uniform());
    a[1] = static_cast<float>(rng.Uniform());
  });
  std::printf("market step (baseline)      %10.0f steps/s\n", market_sps);
  std::printf("env step, range kept        %10.0f steps/s  (%.2fx market)\n",
              keep, keep / market_sps);
  std::printf("env step, random ranges     %10.0f steps/s  (%.2fx market)\n",
              replace, replace / market_sps);
  return 0;
}
