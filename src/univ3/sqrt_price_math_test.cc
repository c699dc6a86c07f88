#include "univ3/sqrt_price_math.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "core/rng.h"
#include "univ3/full_math.h"
#include "univ3/test_fixtures.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

using testing::L128;
using testing::SdkVectors;
using testing::U;

const U256 kPrice1 = U256(1) << 96;  // encodePriceSqrt(1, 1)
constexpr u128 kOneEther = 1000000000000000000ULL;

// Values from v3-core test/SqrtPriceMath.spec.ts (re-checked with v3-sdk).
TEST(SqrtPriceMathTest, InputOfTenthToken1RaisesPrice) {
  U256 out;
  ASSERT_EQ(GetNextSqrtPriceFromInput(kPrice1, kOneEther,
                                      U256(100000000000000000ULL), false, &out),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(out), "87150978765690771352898345369");
}

TEST(SqrtPriceMathTest, InputOfTenthToken0LowersPrice) {
  U256 out;
  ASSERT_EQ(GetNextSqrtPriceFromInput(kPrice1, kOneEther,
                                      U256(100000000000000000ULL), true, &out),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(out), "72025602285694852357767227579");
}

TEST(SqrtPriceMathTest, HugeToken0InputWithTinyLiquidityReachesOne) {
  U256 out;
  ASSERT_EQ(
      GetNextSqrtPriceFromInput(kPrice1, 1, U256::Max() / U256(2), true, &out),
      Revert::kOk);
  EXPECT_EQ(out, U256(1));
}

TEST(SqrtPriceMathTest, ZeroAmountLeavesPriceUnchanged) {
  U256 out;
  ASSERT_EQ(
      GetNextSqrtPriceFromInput(kPrice1, kOneEther / 10, U256(0), true, &out),
      Revert::kOk);
  EXPECT_EQ(out, kPrice1);
}

TEST(SqrtPriceMathTest, FailsForZeroPriceOrLiquidity) {
  U256 out;
  EXPECT_EQ(GetNextSqrtPriceFromInput(U256(0), 1, U256(1), true, &out),
            Revert::kSqrtPrice);
  EXPECT_EQ(GetNextSqrtPriceFromInput(kPrice1, 0, U256(1), true, &out),
            Revert::kSqrtPrice);
}

TEST(SqrtPriceMathTest, OutputOfExactlyTheVirtualReservesFails) {
  // Price 256 (sqrt 16) with liquidity 1024: reserves are 1024/16 = 64 of
  // token0 and 1024*16 = 16384 of token1 (outcomes re-checked with v3-sdk).
  const U256 price =
      U("1267650600228229401496703205376");  // encodePriceSqrt(256, 1)
  U256 out;
  EXPECT_NE(GetNextSqrtPriceFromOutput(price, 1024, U256(64), false, &out),
            Revert::kOk);
  EXPECT_NE(GetNextSqrtPriceFromOutput(price, 1024, U256(16384), true, &out),
            Revert::kOk);
  ASSERT_EQ(GetNextSqrtPriceFromOutput(price, 1024, U256(63), false, &out),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(out), "81129638414606681695789005144064");
  ASSERT_EQ(GetNextSqrtPriceFromOutput(price, 1024, U256(16383), true, &out),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(out), "77371252455336267181195264");
}

TEST(SqrtPriceMathTest, Amount0DeltaForPriceOneTo121Hundredths) {
  const U256 upper =
      U("87150978765690771352898345369");  // encodePriceSqrt(121, 100)
  U256 up, down;
  ASSERT_EQ(GetAmount0Delta(kPrice1, upper, kOneEther, true, &up), Revert::kOk);
  ASSERT_EQ(GetAmount0Delta(kPrice1, upper, kOneEther, false, &down),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(up), "90909090909090910");
  EXPECT_EQ(ToDecimal(down), "90909090909090909");
}

TEST(SqrtPriceMathTest, Amount1DeltaForPriceOneTo121Hundredths) {
  const U256 upper = U("87150978765690771352898345369");
  U256 up, down;
  ASSERT_EQ(GetAmount1Delta(kPrice1, upper, kOneEther, true, &up), Revert::kOk);
  ASSERT_EQ(GetAmount1Delta(kPrice1, upper, kOneEther, false, &down),
            Revert::kOk);
  EXPECT_EQ(ToDecimal(up), "100000000000000000");
  EXPECT_EQ(ToDecimal(down), "99999999999999999");
}

TEST(SqrtPriceMathTest, AmountDeltasMatchSdkVectors) {
  const auto& vectors = SdkVectors()["sqrt_price_math"]["deltas"];
  ASSERT_GE(vectors.size(), 300u);
  for (const auto& v : vectors) {
    U256 a0, a1;
    const bool up = v["round_up"].get<bool>();
    ASSERT_EQ(GetAmount0Delta(U(v["sqrt_a"]), U(v["sqrt_b"]),
                              L128(v["liquidity"]), up, &a0),
              Revert::kOk);
    ASSERT_EQ(GetAmount1Delta(U(v["sqrt_a"]), U(v["sqrt_b"]),
                              L128(v["liquidity"]), up, &a1),
              Revert::kOk);
    EXPECT_EQ(a0, U(v["amount0"])) << v.dump();
    EXPECT_EQ(a1, U(v["amount1"])) << v.dump();
  }
}

TEST(SqrtPriceMathTest, NextPricesMatchSdkVectors) {
  const auto& vectors = SdkVectors()["sqrt_price_math"]["next"];
  ASSERT_GE(vectors.size(), 300u);
  int failures_checked = 0;
  for (const auto& v : vectors) {
    const U256 p = U(v["sqrt_price"]), amount = U(v["amount"]);
    const u128 l = L128(v["liquidity"]);
    const bool zfo = v["zero_for_one"].get<bool>();
    U256 out;
    const Revert in = GetNextSqrtPriceFromInput(p, l, amount, zfo, &out);
    if (v["from_input"].is_null()) {
      EXPECT_NE(in, Revert::kOk) << v.dump();
      ++failures_checked;
    } else {
      ASSERT_EQ(in, Revert::kOk) << v.dump();
      EXPECT_EQ(out, U(v["from_input"])) << v.dump();
    }
    const Revert outcome = GetNextSqrtPriceFromOutput(p, l, amount, zfo, &out);
    if (v["from_output"].is_null()) {
      EXPECT_NE(outcome, Revert::kOk) << v.dump();
      ++failures_checked;
    } else {
      ASSERT_EQ(outcome, Revert::kOk) << v.dump();
      EXPECT_EQ(out, U(v["from_output"])) << v.dump();
    }
  }
  EXPECT_GT(failures_checked, 0);
}

// The shortcut SwapMath uses to skip an exact amount0 delta: whenever it
// claims the delta exceeds an amount, the exact deltas (both roundings) do;
// and it does fire for amounts clearly below the delta, so it is not inert.
TEST(SqrtPriceMathTest, Amount0DeltaCertainlyExceedsAgreesWithExactDelta) {
  Rng rng(23);
  int fired = 0, near_misses_checked = 0;
  for (int i = 0; i < 20000; ++i) {
    auto random_price = [&rng] {
      const int bits = 33 + static_cast<int>(rng.UniformInt(128));
      U256 p = U256(rng.NextU64()) | (U256(rng.NextU64()) << 64) |
               (U256(rng.NextU64()) << 128);
      p = p & ((U256(1) << bits) - U256(1));
      return p | (U256(1) << (bits - 1));
    };
    const U256 a = random_price();
    const U256 b = rng.UniformInt(2) == 0 ? random_price()
                                          : a + U256(rng.UniformInt(1000000));
    const u128 liquidity =
        (static_cast<u128>(rng.NextU64()) << 64 | rng.NextU64()) >>
        (1 + rng.UniformInt(127));
    U256 up, down;
    if (GetAmount0Delta(a, b, liquidity, true, &up) != Revert::kOk) continue;
    ASSERT_EQ(GetAmount0Delta(a, b, liquidity, false, &down), Revert::kOk);
    // Amounts just below, at and above the delta, and far below it.
    for (const U256& amount :
         {down, down - U256(1), down - U256(2), down - U256(5), up,
          up + U256(1), down >> 1, down >> 40, down - (down >> 20)}) {
      if (amount > up) continue;  // down - k wrapped below zero
      if (Amount0DeltaCertainlyExceeds(a, b, liquidity, amount)) {
        ASSERT_LT(amount, down) << ToDecimal(a) << " " << ToDecimal(b);
        ++fired;
      } else if (amount < down) {
        ++near_misses_checked;
      }
    }
    if (down >= U256(1000)) {
      EXPECT_TRUE(Amount0DeltaCertainlyExceeds(a, b, liquidity, down >> 1));
    }
  }
  EXPECT_GT(fired, 10000);
  EXPECT_GT(near_misses_checked, 1000);
  EXPECT_FALSE(Amount0DeltaCertainlyExceeds(U256(0), kPrice1, 1, U256(0)));
}

// GetAmount0Delta divides once by sqrt_a * sqrt_b where the contract divides
// by sqrt_b and then by sqrt_a; the contract's two steps (FullMath and
// UnsafeMath, checked against long division in division_test.cc) are the
// reference, on prices of every width up to 160 bits, equal prices,
// neighbours, the price bounds and extreme liquidity.
TEST(SqrtPriceMathTest, Amount0DeltaEqualsTheContractsTwoDivisions) {
  auto contract = [](U256 a, U256 b, u128 liquidity, bool round_up) {
    if (a > b) std::swap(a, b);
    const U256 n1 = U256::FromU128(liquidity) << 96;
    U256 r;
    if (round_up) {
      EXPECT_EQ(MulDivRoundingUp(n1, b - a, b, &r), Revert::kOk);
      return DivRoundingUp(r, a);
    }
    EXPECT_EQ(MulDiv(n1, b - a, b, &r), Revert::kOk);
    return r / a;
  };
  Rng rng(29);
  auto random_bits = [&rng](int bits) {
    U256 v = U256(rng.NextU64()) | (U256(rng.NextU64()) << 64) |
             (U256(rng.NextU64()) << 128);
    v = v & ((U256(1) << bits) - U256(1));
    return v | (U256(1) << (bits - 1));
  };
  const U256 kTwo128 = U256(1) << 128;
  std::vector<std::pair<U256, U256>> prices = {
      {kMinSqrtRatio, kMaxSqrtRatio},
      {kMinSqrtRatio, kMinSqrtRatio + U256(1)},
      {kTwo128 - U256(1), kTwo128},
      {kTwo128 - U256(2), kTwo128 - U256(1)},
      {U256(1), kTwo128 - U256(1)},
      {U256(1), U256(2)},
      {kPrice1, kPrice1}};
  for (int i = 0; i < 20000; ++i) {
    const U256 a = random_bits(1 + static_cast<int>(rng.UniformInt(160)));
    const U256 b = rng.UniformInt(3) == 0
                       ? a + U256(rng.UniformInt(1000))
                       : random_bits(1 + static_cast<int>(rng.UniformInt(160)));
    prices.push_back({a, b});
  }
  const size_t edge_pairs = 7;  // the listed pairs get every edge liquidity
  for (size_t i = 0; i < prices.size(); ++i) {
    const auto& [a, b] = prices[i];
    std::vector<u128> liquidities = {
        (static_cast<u128>(rng.NextU64()) << 64 | rng.NextU64()) >>
        rng.UniformInt(128)};
    if (i < edge_pairs) {
      liquidities = {1, kOneEther, kU128Max >> 1, kU128Max};
    }
    for (const u128 l : liquidities) {
      for (bool round_up : {false, true}) {
        U256 got;
        ASSERT_EQ(GetAmount0Delta(a, b, l, round_up, &got), Revert::kOk);
        ASSERT_EQ(got, contract(a, b, l, round_up))
            << ToDecimal(a) << " " << ToDecimal(b) << " " << round_up;
      }
    }
  }
}

}  // namespace
}  // namespace trainyard::univ3
