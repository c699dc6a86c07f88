// Speed of the exact Uniswap V3 engine and the market simulator (issue 4
// goals, one core): >= 1M exact-input swaps/s inside one tick range, >= 200k
// swaps/s crossing initialized ticks, >= 100k market steps/s, and a pool
// with 10,000 initialized ticks under 10 MB.
#include <benchmark/benchmark.h>

#include "market/market.h"
#include "univ3/full_math.h"
#include "univ3/pool.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

const U256 kPrice1 = U256(1) << 96;
constexpr u128 kOneEther = 1000000000000000000ULL;

Pool MakePool() {
  Pool pool = Pool::Create(3000, 60).value();
  pool.Initialize(kPrice1);
  return pool;
}

// Alternating small exact-input swaps that never leave one initialized range.
void BM_SwapWithinRange(benchmark::State& state) {
  Pool pool = MakePool();
  pool.Mint(1, -887220, 887220, 1000 * kOneEther);
  const U256 amount(1000000000000000ULL);  // 0.001 token: ~0.0002% price move
  const U256 lo = kMinSqrtRatio + U256(1), hi = kMaxSqrtRatio - U256(1);
  SwapResult r;
  bool zero_for_one = true;
  for (auto _ : state) {
    pool.TrySwap(zero_for_one, amount, zero_for_one ? lo : hi, &r);
    zero_for_one = !zero_for_one;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SwapWithinRange);

// Swaps back and forth across a ladder of positions one tick spacing apart,
// crossing several initialized ticks each time.
void BM_SwapCrossingTicks(benchmark::State& state) {
  Pool pool = MakePool();
  pool.Mint(1, -887220, 887220, kOneEther);
  for (int i = -100; i < 100; ++i) pool.Mint(2, i * 60, i * 60 + 60, kOneEther);
  const U256 amount(30000000000000000ULL);  // ~0.03 token: ~5 spacings
  const U256 lo = kMinSqrtRatio + U256(1), hi = kMaxSqrtRatio - U256(1);
  SwapResult r;
  bool zero_for_one = true;
  int64_t crossed = 0;
  for (auto _ : state) {
    pool.TrySwap(zero_for_one, amount, zero_for_one ? lo : hi, &r);
    crossed += r.ticks_crossed;
    zero_for_one = !zero_for_one;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ticks_crossed_per_swap"] =
      static_cast<double>(crossed) / state.iterations();
}
BENCHMARK(BM_SwapCrossingTicks);

void BM_GetSqrtRatioAtTick(benchmark::State& state) {
  int32_t tick = -400000;
  U256 out;
  for (auto _ : state) {
    GetSqrtRatioAtTick(tick, &out);
    benchmark::DoNotOptimize(out);
    tick = tick >= 400000 ? -400000 : tick + 7919;
  }
}
BENCHMARK(BM_GetSqrtRatioAtTick);

void BM_GetTickAtSqrtRatio(benchmark::State& state) {
  U256 price;
  GetSqrtRatioAtTick(123456, &price);
  int32_t tick;
  for (auto _ : state) {
    GetTickAtSqrtRatio(price, &tick);
    benchmark::DoNotOptimize(tick);
    price = price + U256(987654321);
  }
}
BENCHMARK(BM_GetTickAtSqrtRatio);

void BM_MulDivPhantomOverflow(benchmark::State& state) {
  const U256 a = (U256(1) << 200) + U256(12345);
  const U256 b = (U256(1) << 150) + U256(777);
  const U256 d = (U256(1) << 160) + U256(99);
  U256 out;
  for (auto _ : state) {
    MulDiv(a, b, d, &out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_MulDivPhantomOverflow);

// Memory of a pool with 10,000 initialized ticks (5,000 positions).
void BM_PoolWithTenThousandTicks(benchmark::State& state) {
  for (auto _ : state) {
    Pool pool = Pool::Create(500, 10).value();
    pool.Initialize(kPrice1);
    for (int i = 0; i < 5000; ++i) pool.Mint(i, -50000 - 10 * i, 10 + 10 * i, 1000000);
    state.counters["pool_bytes"] = static_cast<double>(pool.MemoryBytes());
    state.counters["initialized_ticks"] =
        static_cast<double>(pool.InitializedTicks().size());
  }
}
BENCHMARK(BM_PoolWithTenThousandTicks)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace trainyard::univ3

namespace trainyard::market {
namespace {

// One market step: price move, ~10 noise trades, arbitrage, LP changes.
void BM_MarketStep(benchmark::State& state) {
  Market m = Market::Create(DefaultMarketConfig("WETH/USDC").value(), 1).value();
  int64_t swaps = 0;
  for (auto _ : state) {
    const StepReport& r = m.Step();
    swaps += r.swaps;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["swaps_per_step"] = static_cast<double>(swaps) / state.iterations();
}
BENCHMARK(BM_MarketStep);

}  // namespace
}  // namespace trainyard::market

BENCHMARK_MAIN();
