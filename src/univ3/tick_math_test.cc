#include "univ3/tick_math.h"

#include <gtest/gtest.h>

#include "univ3/test_fixtures.h"

namespace trainyard::univ3 {
namespace {

using testing::SdkVectors;
using testing::U;

U256 AtTick(int32_t tick) {
  U256 out;
  EXPECT_EQ(GetSqrtRatioAtTick(tick, &out), Revert::kOk) << tick;
  return out;
}

// Published constants of TickMath.sol and values from test/TickMath.spec.ts.
TEST(TickMathTest, BoundsMatchPublishedConstants) {
  EXPECT_EQ(AtTick(kMinTick), U256(4295128739ULL));
  EXPECT_EQ(AtTick(kMinTick + 1), U256(4295343490ULL));
  EXPECT_EQ(ToDecimal(AtTick(kMaxTick)),
            "1461446703485210103287273052203988822378723970342");
  EXPECT_EQ(ToDecimal(AtTick(kMaxTick - 1)),
            "1461373636630004318706518188784493106690254656249");
  EXPECT_EQ(AtTick(kMaxTick), kMaxSqrtRatio);
}

TEST(TickMathTest, TickZeroIsExactly2To96) { EXPECT_EQ(AtTick(0), U256(1) << 96); }

TEST(TickMathTest, RejectsTicksOutsideRangeWithT) {
  U256 out;
  EXPECT_EQ(GetSqrtRatioAtTick(kMinTick - 1, &out), Revert::kT);
  EXPECT_EQ(GetSqrtRatioAtTick(kMaxTick + 1, &out), Revert::kT);
}

TEST(TickMathTest, RejectsPricesOutsideRangeWithR) {
  int32_t tick;
  EXPECT_EQ(GetTickAtSqrtRatio(kMinSqrtRatio - U256(1), &tick), Revert::kR);
  EXPECT_EQ(GetTickAtSqrtRatio(kMaxSqrtRatio, &tick), Revert::kR);
}

TEST(TickMathTest, TickAtPriceBoundsMatchesSpec) {
  int32_t tick;
  ASSERT_EQ(GetTickAtSqrtRatio(kMinSqrtRatio, &tick), Revert::kOk);
  EXPECT_EQ(tick, kMinTick);
  ASSERT_EQ(GetTickAtSqrtRatio(kMaxSqrtRatio - U256(1), &tick), Revert::kOk);
  EXPECT_EQ(tick, kMaxTick - 1);
}

TEST(TickMathTest, SqrtRatioAtTickMatchesSdkVectors) {
  const auto& vectors = SdkVectors()["tick_math"]["at_tick"];
  ASSERT_GT(vectors.size(), 200u);
  for (const auto& v : vectors) {
    EXPECT_EQ(AtTick(v["tick"].get<int32_t>()), U(v["sqrt_price_x96"])) << v.dump();
  }
}

TEST(TickMathTest, TickAtSqrtRatioMatchesSdkVectors) {
  const auto& vectors = SdkVectors()["tick_math"]["at_price"];
  ASSERT_GT(vectors.size(), 300u);
  for (const auto& v : vectors) {
    int32_t tick;
    ASSERT_EQ(GetTickAtSqrtRatio(U(v["sqrt_price_x96"]), &tick), Revert::kOk);
    EXPECT_EQ(tick, v["tick"].get<int32_t>()) << v.dump();
  }
}

// The cache must answer exactly like TickMath (itself checked against the
// SDK above) for prices at, near and far from the hinted tick.
TEST(TickMathTest, CacheAgreesWithTickMathAroundTheHint) {
  SqrtRatioCache cache;
  for (const auto& v : SdkVectors()["tick_math"]["at_price"]) {
    const U256 price = U(v["sqrt_price_x96"]);
    const int32_t want = v["tick"].get<int32_t>();
    for (int32_t hint : {want, want - 1, want + 1, want - 2, want + 2, 0}) {
      int32_t got;
      ASSERT_EQ(cache.TickAt(price, hint, &got), Revert::kOk);
      EXPECT_EQ(got, want) << v.dump() << " hint " << hint;
    }
    U256 at;
    ASSERT_EQ(cache.Get(want, &at), Revert::kOk);
    EXPECT_EQ(at, AtTick(want));
  }
}

}  // namespace
}  // namespace trainyard::univ3
