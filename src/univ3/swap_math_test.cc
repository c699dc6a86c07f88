#include "univ3/swap_math.h"

#include <gtest/gtest.h>

#include "univ3/test_fixtures.h"

namespace trainyard::univ3 {
namespace {

using testing::I;
using testing::L128;
using testing::SdkVectors;
using testing::U;

// v3-core test/SwapMath.spec.ts: "exact amount in that gets capped at price
// target in one for zero".
TEST(SwapMathTest, ExactInCappedAtPriceTarget) {
  const U256 price = U256(1) << 96;                     // encodePriceSqrt(1, 1)
  const U256 target = U("79623317895830914510639640423");  // encodePriceSqrt(101, 100)
  SwapStep step;
  ASSERT_EQ(ComputeSwapStep(price, target, 2000000000000000000ULL,
                            U256(1000000000000000000ULL), 600, &step),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(step.amount_in), "9975124224178055");
  EXPECT_EQ(ToDecimal(step.fee_amount), "5988667735148");
  EXPECT_EQ(ToDecimal(step.amount_out), "9925619580021728");
  EXPECT_EQ(step.sqrt_price_next_x96, target);
}

// v3-core: "entire input amount taken as fee".
TEST(SwapMathTest, DustInputIsEntirelyFee) {
  SwapStep step;
  ASSERT_EQ(ComputeSwapStep(U256(2413), U("79887613182836312"),
                            U("1985041575832132834610021537970").Low128(), U256(10), 1872,
                            &step),
            Revert::kOk);
  EXPECT_EQ(step.amount_in, U256(0));
  EXPECT_EQ(step.fee_amount, U256(10));
  EXPECT_EQ(step.amount_out, U256(0));
  EXPECT_EQ(step.sqrt_price_next_x96, U256(2413));
}

TEST(SwapMathTest, MatchesSdkVectors) {
  const auto& vectors = SdkVectors()["swap_step"];
  ASSERT_GE(vectors.size(), 400u);
  for (const auto& v : vectors) {
    SwapStep step;
    const Revert r = ComputeSwapStep(U(v["sqrt_price"]), U(v["sqrt_target"]),
                                     L128(v["liquidity"]),
                                     I(v["amount_remaining"]),
                                     v["fee"].get<uint32_t>(), &step);
    if (v["result"].is_null()) {
      EXPECT_NE(r, Revert::kOk) << v.dump();
      continue;
    }
    ASSERT_EQ(r, Revert::kOk) << v.dump();
    const auto& want = v["result"];
    EXPECT_EQ(step.sqrt_price_next_x96, U(want["sqrt_next"])) << v.dump();
    EXPECT_EQ(step.amount_in, U(want["amount_in"])) << v.dump();
    EXPECT_EQ(step.amount_out, U(want["amount_out"])) << v.dump();
    EXPECT_EQ(step.fee_amount, U(want["fee_amount"])) << v.dump();
  }
}

}  // namespace
}  // namespace trainyard::univ3
