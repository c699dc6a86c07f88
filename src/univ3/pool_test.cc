#include "univ3/pool.h"

#include <gtest/gtest.h>

#include "core/rng.h"
#include "univ3/full_math.h"
#include "univ3/test_fixtures.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

using testing::I;
using testing::L128;
using testing::SdkVectors;
using testing::U;

const U256 kPrice1 = U256(1) << 96;
constexpr u128 kOneEther = 1000000000000000000ULL;

Pool MakePool(uint32_t fee, int32_t spacing, const U256& price) {
  Result<Pool> pool = Pool::Create(fee, spacing);
  EXPECT_TRUE(pool.ok());
  EXPECT_TRUE(pool->Initialize(price).ok());
  return std::move(pool).value();
}

std::string Reason(const Status& s) { return s.message(); }

U256 NoLimit(bool zero_for_one) {
  return zero_for_one ? kMinSqrtRatio + U256(1) : kMaxSqrtRatio - U256(1);
}

// ---- Reference swap sequences from @uniswap/v3-sdk (v3Swap) ----

TEST(PoolTest, MintAmountsAndSwapSequencesMatchSdk) {
  const auto& scenarios = SdkVectors()["swap_sequences"];
  ASSERT_EQ(scenarios.size(), 4u);
  int crossings = 0;
  for (const auto& sc : scenarios) {
    Pool pool =
        MakePool(sc["fee"].get<uint32_t>(), sc["tick_spacing"].get<int32_t>(),
                 U(sc["sqrt_price_x96"]));
    ASSERT_EQ(pool.slot0().tick, sc["tick"].get<int32_t>());
    const auto& positions = sc["positions"];
    for (size_t i = 0; i < positions.size(); ++i) {
      const auto& p = positions[i];
      Result<ModifyResult> mint =
          pool.Mint(i + 1, p["tick_lower"].get<int32_t>(),
                    p["tick_upper"].get<int32_t>(), L128(p["liquidity"]));
      ASSERT_TRUE(mint.ok()) << mint.status().ToString();
      EXPECT_EQ(mint->amount0, U(sc["mint_amounts"][i]["amount0"])) << i;
      EXPECT_EQ(mint->amount1, U(sc["mint_amounts"][i]["amount1"])) << i;
    }
    ASSERT_EQ(pool.liquidity(), L128(sc["liquidity"]));
    for (const auto& s : sc["swaps"]) {
      const bool zfo = s["zero_for_one"].get<bool>();
      const I256 amount = I(s["amount_specified"]);
      const U256 limit = s["sqrt_price_limit_x96"].is_null()
                             ? NoLimit(zfo)
                             : U(s["sqrt_price_limit_x96"]);
      Result<SwapResult> r = pool.Swap(zfo, amount, limit);
      ASSERT_TRUE(r.ok()) << r.status().ToString() << " " << s.dump();
      const bool exact_in = !IsNegative(amount);
      const I256& calculated = (zfo == exact_in) ? r->amount1 : r->amount0;
      EXPECT_EQ(ToSignedDecimal(calculated),
                s["amount_calculated"].get<std::string>())
          << s.dump();
      EXPECT_EQ(pool.slot0().sqrt_price_x96, U(s["sqrt_price_x96"]))
          << s.dump();
      EXPECT_EQ(pool.slot0().tick, s["tick"].get<int32_t>()) << s.dump();
      EXPECT_EQ(pool.liquidity(), L128(s["liquidity"])) << s.dump();
      crossings += r->ticks_crossed;
    }
  }
  EXPECT_GT(crossings, 10);  // the sequences really cross initialized ticks
}

TEST(PoolTest, FeeGrowthOfSingleStepSwapIsFeeTimesQ128OverLiquidity) {
  for (const auto& v : SdkVectors()["fee_growth"]) {
    const uint32_t fee = v["fee"].get<uint32_t>();
    const int32_t spacing = DefaultTickSpacing(fee);
    Pool pool = MakePool(fee, spacing, kPrice1);
    const int32_t lower = (kMinTick / spacing) * spacing;
    const int32_t upper = (kMaxTick / spacing) * spacing;
    ASSERT_TRUE(pool.Mint(1, lower, upper, L128(v["liquidity"])).ok());
    const bool zfo = v["zero_for_one"].get<bool>();
    Result<SwapResult> r =
        pool.Swap(zfo, U(v["amount_specified"]), NoLimit(zfo));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->fee_amount, U(v["fee_amount"])) << v.dump();
    const U256& growth =
        zfo ? pool.fee_growth_global0_x128() : pool.fee_growth_global1_x128();
    EXPECT_EQ(growth, U(v["fee_growth_x128"])) << v.dump();
  }
}

// ---- Revert reasons ----

TEST(PoolTest, OperationsBeforeInitializeFailWithLOK) {
  Result<Pool> pool = Pool::Create(3000, 60);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(Reason(pool->Mint(1, -60, 60, 100).status()), "LOK");
  EXPECT_EQ(Reason(pool->Swap(true, U256(100), NoLimit(true)).status()), "LOK");
  EXPECT_EQ(Reason(pool->Burn(1, -60, 60, 0).status()), "LOK");
  EXPECT_EQ(Reason(pool->Collect(1, -60, 60, 1, 1).status()), "LOK");
}

TEST(PoolTest, InitializeTwiceFailsWithAIAndBadPriceWithR) {
  Pool pool = MakePool(3000, 60, kPrice1);
  EXPECT_EQ(Reason(pool.Initialize(kPrice1)), "AI");
  Result<Pool> fresh = Pool::Create(3000, 60);
  EXPECT_EQ(Reason(fresh->Initialize(U256(1))), "R");
  EXPECT_EQ(Reason(fresh->Initialize(kMaxSqrtRatio)), "R");
}

TEST(PoolTest, MintChecksTicks) {
  Pool pool = MakePool(3000, 60, kPrice1);
  EXPECT_EQ(Reason(pool.Mint(1, 60, 60, 1).status()), "TLU");
  EXPECT_EQ(Reason(pool.Mint(1, 120, 60, 1).status()), "TLU");
  EXPECT_EQ(Reason(pool.Mint(1, kMinTick - 1, 60, 1).status()), "TLM");
  EXPECT_EQ(Reason(pool.Mint(1, -60, kMaxTick + 1, 1).status()), "TUM");
  EXPECT_FALSE(pool.Mint(1, -61, 60, 1).ok());  // not a multiple of spacing
  EXPECT_FALSE(pool.Mint(1, -60, 60, 0).ok());  // require(amount > 0)
}

TEST(PoolTest, MintAboveMaxLiquidityPerTickFailsWithLOAndChangesNothing) {
  Pool pool = MakePool(3000, 60, kPrice1);
  const u128 max = pool.max_liquidity_per_tick();
  // v3-core: maxLiquidityPerTick for spacing 60 is
  // 11505743598341114571880798222544994.
  EXPECT_EQ(ToDecimal(U256::FromU128(max)),
            "11505743598341114571880798222544994");
  ASSERT_TRUE(pool.Mint(1, -60, 60, max - 10).ok());
  EXPECT_EQ(Reason(pool.Mint(2, -60, 120, 11).status()), "LO");
  EXPECT_EQ(pool.GetTick(120), nullptr);
  EXPECT_FALSE(pool.IsTickInitialized(120));
  EXPECT_EQ(pool.GetTick(-60)->liquidity_gross, max - 10);
  EXPECT_EQ(pool.GetPosition(2, -60, 120), nullptr);
}

TEST(PoolTest, BurnMoreThanPositionFailsWithLSAndPokeOfEmptyWithNP) {
  Pool pool = MakePool(3000, 60, kPrice1);
  ASSERT_TRUE(pool.Mint(1, -60, 60, 1000).ok());
  ASSERT_TRUE(pool.Mint(2, -60, 60, 1000).ok());
  EXPECT_EQ(Reason(pool.Burn(1, -60, 60, 1001).status()), "LS");
  EXPECT_EQ(pool.GetPosition(1, -60, 60)->liquidity, 1000u);
  EXPECT_EQ(pool.GetTick(-60)->liquidity_gross, 2000u);
  EXPECT_EQ(Reason(pool.Burn(3, -60, 60, 0).status()), "NP");
}

TEST(PoolTest, SwapChecksAmountAndPriceLimit) {
  Pool pool = MakePool(3000, 60, kPrice1);
  EXPECT_EQ(Reason(pool.Swap(true, U256(0), NoLimit(true)).status()), "AS");
  EXPECT_EQ(Reason(pool.Swap(true, U256(10), kPrice1).status()), "SPL");
  EXPECT_EQ(Reason(pool.Swap(true, U256(10), kMinSqrtRatio).status()), "SPL");
  EXPECT_EQ(Reason(pool.Swap(false, U256(10), kMaxSqrtRatio).status()), "SPL");
  EXPECT_EQ(Reason(pool.Swap(false, U256(10), kPrice1 - U256(1)).status()),
            "SPL");
}

// The state a chain snapshot carries (no positions) is enough for swaps.
PoolState StateOf(const Pool& pool) {
  PoolState st;
  st.fee = pool.fee();
  st.tick_spacing = pool.tick_spacing();
  st.slot0 = pool.slot0();
  st.liquidity = pool.liquidity();
  st.fee_growth_global0_x128 = pool.fee_growth_global0_x128();
  st.fee_growth_global1_x128 = pool.fee_growth_global1_x128();
  st.protocol_fees0 = pool.protocol_fees0();
  st.protocol_fees1 = pool.protocol_fees1();
  for (int32_t t : pool.InitializedTicks())
    st.ticks.emplace_back(t, *pool.GetTick(t));
  return st;
}

TEST(PoolTest, FromStateSwapsExactlyLikeTheOriginal) {
  Pool pool = MakePool(3000, 60, kPrice1);
  ASSERT_TRUE(pool.SetFeeProtocol(4, 5).ok());
  ASSERT_TRUE(pool.Mint(1, -600, 600, 10 * kOneEther).ok());
  ASSERT_TRUE(pool.Mint(2, -120, 1200, 3 * kOneEther).ok());
  ASSERT_TRUE(pool.Swap(true, U256(kOneEther), NoLimit(true)).ok());
  Result<Pool> copy = Pool::FromState(StateOf(pool));
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  for (int i = 0; i < 6; ++i) {
    const bool zero_for_one = i % 2 == 1;
    const I256 amount =
        i % 3 == 0 ? Negate(U256(kOneEther / 3)) : U256(2 * kOneEther);
    Result<SwapResult> a =
        pool.Swap(zero_for_one, amount, NoLimit(zero_for_one));
    Result<SwapResult> b =
        copy->Swap(zero_for_one, amount, NoLimit(zero_for_one));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->amount0, b->amount0);
    EXPECT_EQ(a->amount1, b->amount1);
    EXPECT_EQ(pool.slot0().sqrt_price_x96, copy->slot0().sqrt_price_x96);
    EXPECT_EQ(pool.fee_growth_global0_x128(), copy->fee_growth_global0_x128());
    EXPECT_EQ(pool.protocol_fees1(), copy->protocol_fees1());
  }
}

TEST(PoolTest, FromStateRejectsInconsistentState) {
  Pool pool = MakePool(3000, 60, kPrice1);
  ASSERT_TRUE(pool.Mint(1, -600, 600, kOneEther).ok());
  PoolState st = StateOf(pool);
  PoolState off_spacing = st;
  off_spacing.ticks[0].first += 1;
  EXPECT_FALSE(Pool::FromState(off_spacing).ok());
  PoolState repeated = st;
  repeated.ticks.push_back(st.ticks[0]);
  EXPECT_FALSE(Pool::FromState(repeated).ok());
  PoolState no_price = st;
  no_price.slot0.sqrt_price_x96 = U256(0);
  EXPECT_FALSE(Pool::FromState(no_price).ok());
}

TEST(PoolTest, MintOfLiquidityAboveInt128FailsSafeCast) {
  Pool pool = MakePool(3000, 60, kPrice1);
  EXPECT_FALSE(pool.Mint(1, -60, 60, static_cast<u128>(1) << 127).ok());
}

TEST(PoolTest, CreateRejectsBadFeeAndSpacing) {
  EXPECT_FALSE(Pool::Create(1000000, 60).ok());
  EXPECT_FALSE(Pool::Create(3000, 0).ok());
  EXPECT_FALSE(Pool::Create(3000, 16384).ok());
  EXPECT_EQ(DefaultTickSpacing(500), 10);
  EXPECT_EQ(DefaultTickSpacing(3000), 60);
  EXPECT_EQ(DefaultTickSpacing(10000), 200);
}

// ---- Burn, collect, protocol fee ----

TEST(PoolTest, BurnThenCollectReturnsMintedTokensLessRounding) {
  Pool pool = MakePool(3000, 60, kPrice1);
  Result<ModifyResult> minted = pool.Mint(7, -600, 1200, 123456789012345678ULL);
  ASSERT_TRUE(minted.ok());
  Result<ModifyResult> burned = pool.Burn(7, -600, 1200, 123456789012345678ULL);
  ASSERT_TRUE(burned.ok());
  // Mint rounds up, burn rounds down: at most one wei apart.
  EXPECT_LE(burned->amount0, minted->amount0);
  EXPECT_LE(minted->amount0 - burned->amount0, U256(1));
  EXPECT_LE(burned->amount1, minted->amount1);
  EXPECT_LE(minted->amount1 - burned->amount1, U256(1));
  Result<CollectResult> collected =
      pool.Collect(7, -600, 1200, kU128Max, kU128Max);
  ASSERT_TRUE(collected.ok());
  EXPECT_EQ(U256::FromU128(collected->amount0), burned->amount0);
  EXPECT_EQ(U256::FromU128(collected->amount1), burned->amount1);
  // Ticks no longer referenced are cleared.
  EXPECT_EQ(pool.GetTick(-600), nullptr);
  EXPECT_FALSE(pool.IsTickInitialized(1200));
  EXPECT_EQ(pool.liquidity(), 0u);
}

TEST(PoolTest, CollectPaysAtMostWhatIsOwed) {
  Pool pool = MakePool(3000, 60, kPrice1);
  ASSERT_TRUE(pool.Mint(1, -60, 60, kOneEther).ok());
  Result<ModifyResult> burned = pool.Burn(1, -60, 60, kOneEther);
  ASSERT_TRUE(burned.ok());
  Result<CollectResult> part = pool.Collect(1, -60, 60, 5, 0);
  EXPECT_EQ(part->amount0, 5u);
  EXPECT_EQ(part->amount1, 0u);
  Result<CollectResult> rest = pool.Collect(1, -60, 60, kU128Max, kU128Max);
  EXPECT_EQ(U256::FromU128(rest->amount0), burned->amount0 - U256(5));
  EXPECT_EQ(U256::FromU128(rest->amount1), burned->amount1);
  EXPECT_EQ(pool.Collect(1, -60, 60, kU128Max, kU128Max)->amount0, 0u);
}

TEST(PoolTest, ProtocolFeeTakesOneNthOfEachStepFee) {
  Pool pool = MakePool(3000, 60, kPrice1);
  ASSERT_TRUE(pool.Mint(1, -6000, 6000, kOneEther).ok());
  ASSERT_TRUE(pool.SetFeeProtocol(4, 5).ok());
  EXPECT_FALSE(pool.SetFeeProtocol(3, 0).ok());
  EXPECT_FALSE(pool.SetFeeProtocol(0, 11).ok());
  Result<SwapResult> r =
      pool.Swap(true, U256(1000000000000000ULL), NoLimit(true));
  ASSERT_TRUE(r.ok());
  // One step within the range: protocol share is floor(fee / 4).
  EXPECT_EQ(U256::FromU128(pool.protocol_fees0()), r->fee_amount / U256(4));
  U256 growth;
  ASSERT_EQ(MulDiv(r->fee_amount - r->fee_amount / U256(4), kQ128,
                   U256::FromU128(kOneEther), &growth),
            Revert::kOk);
  EXPECT_EQ(pool.fee_growth_global0_x128(), growth);
  // collectProtocol leaves one wei behind.
  const u128 before = pool.protocol_fees0();
  Result<CollectResult> c = pool.CollectProtocol(kU128Max, kU128Max);
  EXPECT_EQ(c->amount0, before - 1);
  EXPECT_EQ(pool.protocol_fees0(), 1u);
}

// Hand-computed from the flash rules of UniswapV3Pool.sol: fee =
// ceil(amount * fee / 1e6); what is paid back accrues to in-range liquidity.
TEST(PoolTest, FlashChargesRoundedUpFeeAndCreditsLiquidity) {
  Pool pool = MakePool(3000, 60, kPrice1);
  EXPECT_EQ(Reason(pool.Flash(U256(1000), U256(0), U256(3), U256(0)).status()),
            "L");
  ASSERT_TRUE(pool.Mint(1, -600, 600, kOneEther).ok());
  // 1001 * 0.003 = 3.003 -> 4; 2000 * 0.003 = 6 exactly.
  Result<ModifyResult> fees =
      pool.Flash(U256(1001), U256(2000), U256(4), U256(6));
  ASSERT_TRUE(fees.ok());
  EXPECT_EQ(fees->amount0, U256(4));
  EXPECT_EQ(fees->amount1, U256(6));
  EXPECT_EQ(pool.fee_growth_global0_x128(),
            (U256(4) << 128) / U256::FromU128(kOneEther));
  EXPECT_EQ(Reason(pool.Flash(U256(1001), U256(0), U256(3), U256(0)).status()),
            "F0");
  EXPECT_EQ(Reason(pool.Flash(U256(0), U256(2000), U256(0), U256(5)).status()),
            "F1");
  // Protocol fee 1/4 of what is paid.
  ASSERT_TRUE(pool.SetFeeProtocol(4, 4).ok());
  ASSERT_TRUE(pool.Flash(U256(0), U256(0), U256(100), U256(0)).ok());
  EXPECT_EQ(pool.protocol_fees0(), 25u);
}

// ---- Properties ----

// Random mints, burns and swaps: fee growth never decreases and the
// liquidity net of all initialized ticks sums to zero.
TEST(PoolTest, RandomOperationsKeepInvariants) {
  Pool pool = MakePool(3000, 60, kPrice1);
  Rng rng(42);
  U256 last0, last1;
  for (int i = 0; i < 3000; ++i) {
    const uint64_t op = rng.UniformInt(10);
    const OwnerId owner = 1 + rng.UniformInt(5);
    const int32_t lower = (static_cast<int32_t>(rng.UniformInt(60)) - 40) * 60;
    const int32_t upper =
        lower + 60 * (1 + static_cast<int32_t>(rng.UniformInt(20)));
    if (op < 3) {
      pool.Mint(owner, lower, upper, 1 + rng.UniformInt(1ULL << 60));
    } else if (op < 5) {
      const PositionInfo* p = pool.GetPosition(owner, lower, upper);
      if (p != nullptr && p->liquidity > 0) {
        ASSERT_TRUE(pool.Burn(owner, lower, upper, p->liquidity / 2 + 1).ok());
      }
    } else {
      const bool zfo = rng.UniformInt(2) == 0;
      I256 amount = U256(1 + rng.UniformInt(1ULL << 50));
      if (rng.UniformInt(3) == 0) amount = Negate(amount);
      pool.Swap(zfo, amount, NoLimit(zfo));  // may legitimately fail
    }
    ASSERT_GE(pool.fee_growth_global0_x128(), last0);
    ASSERT_GE(pool.fee_growth_global1_x128(), last1);
    last0 = pool.fee_growth_global0_x128();
    last1 = pool.fee_growth_global1_x128();
  }
  i128 net_sum = 0;
  u128 active = 0;
  for (int32_t t : pool.InitializedTicks()) {
    const TickInfo* info = pool.GetTick(t);
    EXPECT_TRUE(pool.IsTickInitialized(t));
    net_sum += info->liquidity_net;
    if (t <= pool.slot0().tick)
      active += static_cast<u128>(info->liquidity_net);
  }
  EXPECT_EQ(net_sum, 0);
  // The in-range liquidity is the net liquidity of all ticks at or below.
  EXPECT_EQ(active, pool.liquidity());
  EXPECT_GT(last0, U256(0));
  EXPECT_GT(last1, U256(0));
}

// Track the pool's token balances through random mints and swaps; after
// every LP burns and collects everything, the pool keeps only rounding dust
// (never a deficit): positions get back their tokens plus fees, within
// rounding.
TEST(PoolTest, BurningEverythingThenCollectingLeavesOnlyDust) {
  Pool pool = MakePool(3000, 60, kPrice1);
  Rng rng(7);
  I256 balance0, balance1;
  struct Range {
    OwnerId owner;
    int32_t lower, upper;
  };
  std::vector<Range> ranges;
  int ops = 0;
  for (int i = 0; i < 50; ++i) {
    const int32_t lower = (static_cast<int32_t>(rng.UniformInt(40)) - 20) * 60;
    const Range r{static_cast<OwnerId>(i), lower,
                  lower + 60 * (1 + static_cast<int32_t>(rng.UniformInt(30)))};
    Result<ModifyResult> m =
        pool.Mint(r.owner, r.lower, r.upper, 1 + rng.UniformInt(1ULL << 62));
    ASSERT_TRUE(m.ok());
    balance0 = balance0 + m->amount0;
    balance1 = balance1 + m->amount1;
    ranges.push_back(r);
    ++ops;
  }
  for (int i = 0; i < 500; ++i) {
    const bool zfo = rng.UniformInt(2) == 0;
    I256 amount = U256(1 + rng.UniformInt(1ULL << 58));
    if (rng.UniformInt(2) == 0) amount = Negate(amount);
    Result<SwapResult> r = pool.Swap(zfo, amount, NoLimit(zfo));
    if (!r.ok()) continue;
    balance0 = balance0 + r->amount0;
    balance1 = balance1 + r->amount1;
    ++ops;
  }
  for (const Range& r : ranges) {
    const u128 l = pool.GetPosition(r.owner, r.lower, r.upper)->liquidity;
    ASSERT_TRUE(pool.Burn(r.owner, r.lower, r.upper, l).ok());
    Result<CollectResult> c =
        pool.Collect(r.owner, r.lower, r.upper, kU128Max, kU128Max);
    ASSERT_TRUE(c.ok());
    balance0 = balance0 - U256::FromU128(c->amount0);
    balance1 = balance1 - U256::FromU128(c->amount1);
    ops += 2;
  }
  EXPECT_EQ(pool.liquidity(), 0u);
  EXPECT_FALSE(IsNegative(balance0)) << ToSignedDecimal(balance0);
  EXPECT_FALSE(IsNegative(balance1)) << ToSignedDecimal(balance1);
  // Each operation rounds at most a few wei in the pool's favour.
  EXPECT_LE(balance0, U256(4 * ops));
  EXPECT_LE(balance1, U256(4 * ops));
}

// With the fee switched off a round trip returns the input less rounding;
// with a fee the shortfall is the fee (to a few parts per million).
TEST(PoolTest, RoundTripSwapLosesExactlyTheFee) {
  for (uint32_t fee : {0u, 3000u}) {
    Pool pool = MakePool(fee, 60, kPrice1);
    ASSERT_TRUE(pool.Mint(1, -60000, 60000, 1000 * kOneEther).ok());
    const U256 amount_in(1000000000000000000ULL);
    Result<SwapResult> there = pool.Swap(true, amount_in, NoLimit(true));
    ASSERT_TRUE(there.ok());
    const U256 received1 = Negate(there->amount1);
    Result<SwapResult> back = pool.Swap(false, received1, NoLimit(false));
    ASSERT_TRUE(back.ok());
    const U256 returned0 = Negate(back->amount0);
    ASSERT_LE(returned0, amount_in);
    const U256 loss = amount_in - returned0;
    if (fee == 0) {
      EXPECT_LE(loss, U256(2));
    } else {
      // Fee on the way in is fee_amount (token0); on the way back it is
      // charged in token1, worth about the same in token0 at price ~1.
      const double expected = static_cast<double>(there->fee_amount.Low128()) +
                              static_cast<double>(back->fee_amount.Low128());
      EXPECT_NEAR(static_cast<double>(loss.Low128()) / expected, 1.0, 2e-3);
    }
  }
}

TEST(PoolTest, SoleLiquidityProviderCollectsTheSwapFees) {
  Pool pool = MakePool(3000, 60, kPrice1);
  ASSERT_TRUE(pool.Mint(1, -600, 600, kOneEther).ok());
  Result<SwapResult> a =
      pool.Swap(true, U256(1000000000000000ULL), NoLimit(true));
  Result<SwapResult> b =
      pool.Swap(false, U256(2000000000000000ULL), NoLimit(false));
  ASSERT_TRUE(a.ok() && b.ok());
  u128 fees0, fees1;
  pool.UncollectedFees(1, -600, 600, &fees0, &fees1);
  // Fee growth floors once per step and once per position update: the LP
  // gets the fee less at most one wei per step.
  EXPECT_LE(U256::FromU128(fees0), a->fee_amount);
  EXPECT_LE(a->fee_amount - U256::FromU128(fees0), U256(2));
  EXPECT_LE(U256::FromU128(fees1), b->fee_amount);
  EXPECT_LE(b->fee_amount - U256::FromU128(fees1), U256(2));
  ASSERT_TRUE(pool.Burn(1, -600, 600, 0).ok());  // poke
  EXPECT_EQ(pool.GetPosition(1, -600, 600)->tokens_owed0, fees0);
}

TEST(PoolTest, TenThousandInitializedTicksFitInTenMegabytes) {
  Pool pool = MakePool(500, 10, kPrice1);
  for (int i = 0; i < 5000; ++i) {
    ASSERT_TRUE(pool.Mint(i, -50000 - 10 * i, 10 + 10 * i, 1000000).ok());
  }
  EXPECT_EQ(pool.InitializedTicks().size(), 10000u);
  EXPECT_LT(pool.MemoryBytes(), 10u * 1024 * 1024);
}

}  // namespace
}  // namespace trainyard::univ3
