#include "univ3/tick_math.h"

#include <gtest/gtest.h>

#include "core/rng.h"

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

// The fast path must answer exactly like TickMath (itself checked against
// the SDK above), including prices exactly on and just below tick bounds.
TEST(TickMathTest, FastTickAtSqrtRatioAgreesWithTickMath) {
  for (const auto& v : SdkVectors()["tick_math"]["at_price"]) {
    int32_t got;
    ASSERT_EQ(FastTickAtSqrtRatio(U(v["sqrt_price_x96"]), &got), Revert::kOk);
    EXPECT_EQ(got, v["tick"].get<int32_t>()) << v.dump();
  }
  Rng rng(3);
  for (int i = 0; i < 200000; ++i) {
    const int32_t t = static_cast<int32_t>(rng.UniformInt(2 * kMaxTick)) - kMaxTick;
    U256 at = AtTick(t);
    // On the boundary, one below it, and a random point inside the tick.
    for (const U256& p : {at, at - U256(1), at + U256(rng.NextU64() >> (i % 64))}) {
      int32_t want, got;
      if (GetTickAtSqrtRatio(p, &want) != Revert::kOk) continue;
      ASSERT_EQ(FastTickAtSqrtRatio(p, &got), Revert::kOk);
      ASSERT_EQ(got, want) << ToDecimal(p);
    }
  }
  int32_t tick;
  EXPECT_EQ(FastTickAtSqrtRatio(kMaxSqrtRatio, &tick), Revert::kR);
  EXPECT_EQ(FastTickAtSqrtRatio(kMinSqrtRatio - U256(1), &tick), Revert::kR);
}

TEST(TickMathTest, SqrtRatioCacheReturnsTickMathValues) {
  SqrtRatioCache cache;
  for (int32_t t : {0, 60, -60, 0, 887272, -887272, 60, 123, 0}) {
    U256 got;
    ASSERT_EQ(cache.Get(t, &got), Revert::kOk);
    EXPECT_EQ(got, AtTick(t));
  }
  U256 out;
  EXPECT_EQ(cache.Get(kMaxTick + 1, &out), Revert::kT);
}

}  // namespace
}  // namespace trainyard::univ3
