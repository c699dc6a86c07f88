#include "univ3/liquidity_amounts.h"

#include <cmath>

#include <gtest/gtest.h>

#include "univ3/price.h"
#include "univ3/test_fixtures.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

using testing::L128;
using testing::SdkVectors;
using testing::U;

TEST(LiquidityAmountsTest, LiquidityForAmountsMatchesSdkVectors) {
  const auto& vectors = SdkVectors()["liquidity_amounts"];
  ASSERT_GE(vectors.size(), 200u);
  for (const auto& v : vectors) {
    u128 l = 0;
    const Revert r = GetLiquidityForAmounts(U(v["sqrt_price"]), U(v["sqrt_a"]),
                                            U(v["sqrt_b"]), U(v["amount0"]),
                                            U(v["amount1"]), &l);
    if (v["liquidity"].is_null()) {
      EXPECT_NE(r, Revert::kOk) << v.dump();
    } else {
      ASSERT_EQ(r, Revert::kOk) << v.dump();
      EXPECT_EQ(l, L128(v["liquidity"])) << v.dump();
    }
  }
}

TEST(LiquidityAmountsTest, AmountsForLiquidityMatchSdkVectors) {
  for (const auto& v : SdkVectors()["liquidity_amounts"]) {
    const auto& want = v["amounts_for"];
    U256 a0, a1;
    GetAmountsForLiquidity(U(v["sqrt_price"]), U(v["sqrt_a"]), U(v["sqrt_b"]),
                           L128(want["liquidity"]), &a0, &a1);
    EXPECT_EQ(a0, U(want["amount0"])) << v.dump();
    EXPECT_EQ(a1, U(want["amount1"])) << v.dump();
  }
}

// encodeSqrtRatioX96 of the training presets' prices (v3-sdk).
TEST(PriceTest, PriceToSqrtPriceMatchesSdkEncoding) {
  for (const auto& v : SdkVectors()["prices"]) {
    const double price = v["price"].get<double>();
    const int d0 = v["decimals0"].get<int>(), d1 = v["decimals1"].get<int>();
    Result<U256> sqrt = PriceToSqrtPriceX96(price, d0, d1);
    ASSERT_TRUE(sqrt.ok());
    const double want = ToDouble(U(v["sqrt_price_x96"]));
    EXPECT_NEAR(ToDouble(*sqrt) / want, 1.0, 1e-12) << v.dump();
    Result<int32_t> tick = PriceToTick(price, d0, d1);
    ASSERT_TRUE(tick.ok());
    EXPECT_EQ(*tick, v["tick"].get<int32_t>()) << v.dump();
    EXPECT_NEAR(SqrtPriceX96ToPrice(*sqrt, d0, d1) / price, 1.0, 1e-12);
  }
}

TEST(PriceTest, TickToPriceIsPowerOfOnePointZeroZeroZeroOne) {
  EXPECT_DOUBLE_EQ(TickToPrice(0, 18, 18), 1.0);
  EXPECT_NEAR(TickToPrice(6932, 18, 18), 2.0, 1e-3);  // ln 2 / ln 1.0001
  EXPECT_NEAR(TickToPrice(-200312, 18, 6), 2000.0, 0.2);
}

TEST(PriceTest, RejectsNonPositivePrices) {
  EXPECT_FALSE(PriceToSqrtPriceX96(0.0, 18, 18).ok());
  EXPECT_FALSE(PriceToSqrtPriceX96(-1.0, 18, 18).ok());
  EXPECT_FALSE(PriceToSqrtPriceX96(1e300, 18, 18).ok());
}

TEST(PriceTest, NearestUsableTickRoundsToSpacing) {
  EXPECT_EQ(NearestUsableTick(89, 60), 60);
  EXPECT_EQ(NearestUsableTick(91, 60), 120);
  EXPECT_EQ(NearestUsableTick(-91, 60), -120);
  EXPECT_EQ(NearestUsableTick(kMinTick, 60), -887220);
  EXPECT_EQ(NearestUsableTick(kMaxTick, 60), 887220);
}

// Holding 1 token0 + 1 token1 at price 1, a full-range style position that
// ends at price 4 is worth 2*sqrt(4)=4 against 5 held: IL = -20%.
TEST(PositionValueTest, ImpermanentLossOfConstantProductAtFourTimesPrice) {
  EXPECT_NEAR(ImpermanentLoss(4.0, 1.0, 1.0, 4.0), -0.2, 1e-12);
  EXPECT_DOUBLE_EQ(ImpermanentLoss(2.0, 1.0, 1.0, 1.0), 0.0);
}

TEST(PositionValueTest, ValueIncludesPrincipalAndFees) {
  Result<Pool> pool = Pool::Create(3000, 60);
  ASSERT_TRUE(pool->Initialize(U256(1) << 96).ok());
  ASSERT_TRUE(pool->Mint(1, -600, 600, 1000000000000000000ULL).ok());
  ASSERT_TRUE(pool->Swap(true, U256(1000000000000000ULL),
                         kMinSqrtRatio + U256(1)).ok());
  const PositionValue v = ValuePosition(*pool, 1, -600, 600);
  EXPECT_GT(v.fees0, 0u);
  EXPECT_EQ(v.fees1, 0u);
  // Principal after the swap equals what burning everything would return.
  Pool copy = *pool;
  Result<ModifyResult> burned = copy.Burn(1, -600, 600, 1000000000000000000ULL);
  ASSERT_TRUE(burned.ok());
  EXPECT_EQ(v.amount0, burned->amount0);
  EXPECT_EQ(v.amount1, burned->amount1);
  const double price = SqrtPriceX96ToRawPrice(pool->slot0().sqrt_price_x96);
  EXPECT_NEAR(v.value_in_token1,
              (ToDouble(v.amount0) + v.fees0) * price + ToDouble(v.amount1), 1.0);
  EXPECT_EQ(ValuePosition(*pool, 99, -600, 600).value_in_token1, 0.0);
}

}  // namespace
}  // namespace trainyard::univ3
