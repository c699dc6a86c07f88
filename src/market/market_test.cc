#include "market/market.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "market/price_csv.h"

// Counts heap allocations so a test can prove Step() does not allocate.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace
void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace trainyard::market {
namespace {

Market MakeMarket(const std::string& preset, uint64_t seed) {
  Result<MarketConfig> config = DefaultMarketConfig(preset);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  Result<Market> market = Market::Create(*config, seed);
  EXPECT_TRUE(market.ok()) << market.status().ToString();
  return std::move(market).value();
}

TEST(MarketTest, SameSeedReproducesEveryReport) {
  Market a = MakeMarket("WETH/USDC", 11);
  Market b = MakeMarket("WETH/USDC", 11);
  for (int i = 0; i < 300; ++i) {
    const StepReport& ra = a.Step();
    const StepReport& rb = b.Step();
    ASSERT_EQ(ra.sqrt_price_x96, rb.sqrt_price_x96) << i;
    ASSERT_EQ(ra.external_price, rb.external_price);
    ASSERT_EQ(ra.volume0, rb.volume0);
    ASSERT_EQ(ra.fee_growth_global0_x128, rb.fee_growth_global0_x128);
    ASSERT_EQ(ra.positions.size(), rb.positions.size());
  }
  // Reset with the same seed replays the same path.
  a.Reset(11);
  Market c = MakeMarket("WETH/USDC", 11);
  for (int i = 0; i < 50; ++i) ASSERT_EQ(a.Step().sqrt_price_x96, c.Step().sqrt_price_x96);
}

TEST(MarketTest, DifferentSeedsGiveDifferentPaths) {
  Market a = MakeMarket("ETH/DAI", 1);
  Market b = MakeMarket("ETH/DAI", 2);
  double diff = 0;
  for (int i = 0; i < 50; ++i) diff += std::fabs(a.Step().external_price - b.Step().external_price);
  EXPECT_GT(diff, 0.0);
}

// After every step the arbitrageur leaves the pool price inside the no-
// arbitrage band [E(1-fee), E/(1-fee)], widened by its min_edge.
TEST(MarketTest, ArbitrageurKeepsPoolPriceWithinFeeBand) {
  for (const char* preset : {"WETH/USDC", "BTC/USDT", "BTC/WETH", "ETH/DAI"}) {
    Market m = MakeMarket(preset, 3);
    const double fee = m.config().preset.fee / 1e6;
    const double band = -std::log(1.0 - fee) + m.config().arbitrageur.min_edge + 1e-9;
    int arbitrages = 0;
    for (int i = 0; i < 2000; ++i) {
      const StepReport& r = m.Step();
      ASSERT_LE(std::fabs(std::log(r.pool_price / r.external_price)), band)
          << preset << " step " << i;
      arbitrages += r.arbitrage_swaps;
    }
    EXPECT_GT(arbitrages, 100) << preset;
  }
}

// Every unit of liquidity belongs to a reported position, so the fees the
// positions earned in a step add up to the fees the swaps paid.
TEST(MarketTest, FeesByPositionAddUpToSwapFees) {
  Market m = MakeMarket("WETH/USDC", 5);
  double paid0 = 0, paid1 = 0, earned0 = 0, earned1 = 0;
  int rebalance_steps = 0;
  for (int i = 0; i < 1000; ++i) {
    const StepReport& r = m.Step();
    double step_earned0 = 0, step_earned1 = 0;
    for (const PositionReport& p : r.positions) {
      step_earned0 += p.fees_earned0;
      step_earned1 += p.fees_earned1;
    }
    // A re-centred LP's old position leaves the report with its fees, and
    // its new one starts from zero: never more than was paid.
    ASSERT_LE(step_earned0, r.fees0 * (1 + 1e-9) + 1e-12) << i;
    ASSERT_LE(step_earned1, r.fees1 * (1 + 1e-9) + 1e-12) << i;
    if (r.lp_rebalances > 0) {
      ++rebalance_steps;
      continue;
    }
    paid0 += r.fees0;
    paid1 += r.fees1;
    earned0 += step_earned0;
    earned1 += step_earned1;
  }
  EXPECT_GT(rebalance_steps, 0);
  ASSERT_GT(paid0, 0.0);
  ASSERT_GT(paid1, 0.0);
  EXPECT_NEAR(earned0 / paid0, 1.0, 1e-6);
  EXPECT_NEAR(earned1 / paid1, 1.0, 1e-6);
}

TEST(MarketTest, OutsideAgentPositionEarnsFeesAndIsReported) {
  Market m = MakeMarket("WETH/USDC", 8);
  const int32_t tick = m.pool().slot0().tick;
  const int32_t lower = (tick / 60 - 20) * 60, upper = (tick / 60 + 20) * 60;
  Result<univ3::u128> liquidity = m.LiquidityForAmounts(lower, upper, 10.0, 20000.0);
  ASSERT_TRUE(liquidity.ok());
  Result<univ3::ModifyResult> minted = m.Mint(42, lower, upper, *liquidity);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_LE(m.ToWhole0(minted->amount0), 10.0 + 1e-9);
  EXPECT_LE(m.ToWhole1(minted->amount1), 20000.0 + 1e-6);
  double earned1 = 0;
  for (int i = 0; i < 200; ++i) {
    const StepReport& r = m.Step();
    const PositionReport& mine = r.positions.back();
    ASSERT_EQ(mine.owner, 42u);
    earned1 += mine.fees_earned1;
  }
  const univ3::PositionValue v = m.Value(42, lower, upper);
  EXPECT_GT(v.fees0 + v.fees1, 0u);
  // Per-step reports floor once per step: at most one raw unit (1e-6 USDC)
  // below the single floor of the whole period per step.
  const double total1 = m.ToWhole1(univ3::U256::FromU128(v.fees1));
  EXPECT_GE(total1 + 1e-9, earned1);
  EXPECT_LE(total1 - earned1, 200 * 1e-6);
  ASSERT_TRUE(m.Burn(42, lower, upper, *liquidity).ok());
  Result<univ3::CollectResult> collected = m.Collect(42, lower, upper);
  ASSERT_TRUE(collected.ok());
  EXPECT_GE(collected->amount1, v.fees1);
  EXPECT_FALSE(m.Mint(Market::kReservedOwnerBase, lower, upper, 1).ok());
}

TEST(MarketTest, RemovingAFinishedPositionDropsItFromPoolAndReports) {
  Market m = MakeMarket("WETH/USDC", 8);
  const int32_t tick = m.pool().slot0().tick;
  const int32_t lower = (tick / 60 - 20) * 60, upper = (tick / 60 + 20) * 60;
  Result<univ3::u128> liquidity = m.LiquidityForAmounts(lower, upper, 10.0, 20000.0);
  ASSERT_TRUE(liquidity.ok());
  ASSERT_TRUE(m.Mint(42, lower, upper, *liquidity).ok());
  const size_t with_mine = m.Step().positions.size();
  // Still holding liquidity: refused, nothing changes.
  EXPECT_FALSE(m.RemoveEmptyPosition(42, lower, upper));
  ASSERT_NE(m.pool().GetPosition(42, lower, upper), nullptr);
  ASSERT_TRUE(m.Burn(42, lower, upper, *liquidity).ok());
  // Burned but tokens still owed: refused.
  EXPECT_FALSE(m.RemoveEmptyPosition(42, lower, upper));
  ASSERT_TRUE(m.Collect(42, lower, upper).ok());
  EXPECT_TRUE(m.RemoveEmptyPosition(42, lower, upper));
  EXPECT_EQ(m.pool().GetPosition(42, lower, upper), nullptr);
  const StepReport& r = m.Step();
  EXPECT_EQ(r.positions.size(), with_mine - 1);
  for (const PositionReport& p : r.positions) EXPECT_NE(p.owner, 42u);
  // Removing what is not there is a no-op success.
  EXPECT_TRUE(m.RemoveEmptyPosition(42, lower, upper));
}

TEST(MarketTest, RemovedPositionsFreeTheirTrackingSlots) {
  Market m = MakeMarket("WETH/USDC", 8);
  const int32_t tick = m.pool().slot0().tick / 60 * 60;
  // Far more distinct ranges than tracking slots, one at a time.
  for (int i = 0; i < 3 * static_cast<int>(Market::kMaxTrackedPositions); ++i) {
    const int32_t lower = tick - 600 - 60 * i, upper = tick + 600 + 60 * i;
    Result<univ3::u128> l = m.LiquidityForAmounts(lower, upper, 1.0, 2000.0);
    ASSERT_TRUE(l.ok());
    ASSERT_TRUE(m.Mint(7, lower, upper, *l).ok());
    const StepReport& r = m.Step();
    ASSERT_EQ(r.positions.back().owner, 7u) << "range " << i << " untracked";
    ASSERT_TRUE(m.Burn(7, lower, upper, *l).ok());
    ASSERT_TRUE(m.Collect(7, lower, upper).ok());
    ASSERT_TRUE(m.RemoveEmptyPosition(7, lower, upper));
  }
}

TEST(MarketTest, GasCostIsGasTimesGweiTimesEthPrice) {
  Market m = MakeMarket("WETH/USDC", 1);
  // 130,000 gas * 30 gwei * 1e-9 ETH/gwei * 2000 USD/ETH = 7.8 USD.
  EXPECT_NEAR(m.GasCostUsd(GasOp::kSwap), 7.8, 1e-9);
  EXPECT_NEAR(m.GasCostUsd(GasOp::kMint), 15.0, 1e-9);
  EXPECT_GT(m.Step().gas_usd, 0.0);
}

TEST(MarketTest, PresetsCoverTheTrainingPools) {
  ASSERT_EQ(Presets().size(), 9u);
  const char* training[] = {"WETH/USDC", "ETH/DAI", "BTC/USDT", "BTC/WETH", "WETH/USDT"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(Presets()[i].name, training[i]);
    EXPECT_EQ(Presets()[i].fee, 3000u) << training[i];
    EXPECT_EQ(Presets()[i].gas_price_gwei, 0.0) << training[i];
  }
  for (const PoolPreset& p : Presets()) {
    Market m = MakeMarket(p.name, 1);
    EXPECT_NEAR(m.pool_price() / p.price, 1.0, 1e-9) << p.name;
    EXPECT_GT(m.pool().liquidity(), 0u) << p.name;
    EXPECT_GT(m.Step().swaps, 0) << p.name;
  }
  Result<PoolPreset> usdt = FindPreset("0x4e68ccd3e89f51c3074ca5072bbac773960dfa36");
  ASSERT_TRUE(usdt.ok());
  EXPECT_EQ(usdt->decimals0, 18);
  EXPECT_EQ(usdt->decimals1, 6);
  EXPECT_EQ(FindPreset("DOGE/SHIB").status().code(), ErrorCode::kNotFound);
}

TEST(MarketTest, AMisspeltPresetNameNamesTheNearestPreset) {
  Result<PoolPreset> typo = FindPreset("BTC/USTD");
  ASSERT_EQ(typo.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(typo.status().message().find("did you mean \"BTC/USDT\"?"),
            std::string::npos)
      << typo.status().message();
  EXPECT_EQ(FindPreset("DOGE/SHIB").status().message().find("did you mean"),
            std::string::npos);
}

TEST(MarketTest, RegimePresetsHaveTheirFeeTierAndGasPrice) {
  const PoolPreset busy = FindPreset("WETH/USDC-0.05").value();
  EXPECT_EQ(busy.fee, 500u);
  EXPECT_EQ(busy.tick_spacing, 10);
  EXPECT_EQ(FindPreset("wstETH/WETH")->fee, 100u);
  EXPECT_EQ(FindPreset("USDC/USDT")->tick_spacing, 1);
  // 250,000 gas * 5 gwei * 1e-9 * 2000 USD/ETH (the default ETH price for a
  // pair without ETH) = 2.5 USD.
  EXPECT_NEAR(MakeMarket("USDC/USDT", 1).GasCostUsd(GasOp::kMint), 2.5, 1e-9);
  // wstETH/WETH: ETH priced by token1 (2000 USD).
  EXPECT_NEAR(MakeMarket("wstETH/WETH", 1).GasCostUsd(GasOp::kMint), 2.5, 1e-9);
  // 10 gwei at the pool's 2000 USD/ETH.
  EXPECT_NEAR(MakeMarket("WETH/USDC-0.05", 1).GasCostUsd(GasOp::kMint), 5.0, 1e-9);
  // No gas price in the preset: GasConfig's 30 gwei.
  EXPECT_NEAR(MakeMarket("WETH/USDC-calm", 1).GasCostUsd(GasOp::kMint), 15.0, 1e-9);
}

TEST(MarketTest, ReplayedPricesDriveTheExternalPrice) {
  Result<std::vector<PriceRow>> rows =
      ParsePriceCsv("timestamp,price\n1,2000\n2,2100\n3,1900\n4,1950\n");
  ASSERT_TRUE(rows.ok());
  MarketConfig c = DefaultMarketConfig("WETH/USDT").value();
  c.process.kind = ProcessKind::kReplay;
  for (const PriceRow& r : *rows) c.process.replay_prices.push_back(r.price);
  Market m = Market::Create(c, 1).value();
  EXPECT_DOUBLE_EQ(m.Step().external_price, 2100.0);
  EXPECT_DOUBLE_EQ(m.Step().external_price, 1900.0);
  EXPECT_NEAR(m.last_report().pool_price / 1900.0, 1.0, 0.004);
}

TEST(MarketTest, InvalidConfigNamesTheField) {
  MarketConfig c = DefaultMarketConfig("WETH/USDC").value();
  c.lps.count = -1;
  EXPECT_EQ(Market::Create(c, 1).status().details()[0].field, "lps.count");
  c = DefaultMarketConfig("WETH/USDC").value();
  c.process.volatility = -0.1;
  EXPECT_EQ(Market::Create(c, 1).status().details()[0].field, "volatility");
}

TEST(MarketTest, StepDoesNotAllocateAfterWarmUp) {
  Market m = MakeMarket("WETH/USDC", 4);
  for (int i = 0; i < 2000; ++i) m.Step();  // let tables reach steady size
  const long before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) m.Step();
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace trainyard::market
