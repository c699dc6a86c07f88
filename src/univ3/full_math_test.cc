#include "univ3/full_math.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/rng.h"
#include "univ3/test_fixtures.h"

namespace trainyard::univ3 {
namespace {

using testing::SdkVectors;
using testing::U;

const U256 kQ128 = U256(1) << 128;

// Cases from v3-core test/FullMath.spec.ts.
TEST(FullMathTest, RevertsOnZeroDenominator) {
  U256 out;
  EXPECT_EQ(MulDiv(kQ128, U256(5), U256(0), &out), Revert::kMulDiv);
  EXPECT_EQ(MulDivRoundingUp(kQ128, U256(5), U256(0), &out), Revert::kMulDiv);
}

TEST(FullMathTest, RevertsWhenOutputOverflows) {
  U256 out;
  EXPECT_EQ(MulDiv(kQ128, kQ128, U256(1), &out), Revert::kMulDiv);
  EXPECT_EQ(MulDiv(U256::Max(), U256::Max(), U256::Max() - U256(1), &out),
            Revert::kMulDiv);
}

TEST(FullMathTest, AllMaxInputsGiveMax) {
  U256 out;
  ASSERT_EQ(MulDiv(U256::Max(), U256::Max(), U256::Max(), &out), Revert::kOk);
  EXPECT_EQ(out, U256::Max());
}

TEST(FullMathTest, AccurateWithPhantomOverflow) {
  U256 out;
  // Q128 * 35*Q128 / 8*Q128 = 4375 * Q128 / 1000.
  ASSERT_EQ(MulDiv(kQ128, U256(35) * kQ128, U256(8) * kQ128, &out),
            Revert::kOk);
  EXPECT_EQ(out, U256(4375) * kQ128 / U256(1000));
  // With a repeating decimal: Q128 * 1000*Q128 / 3000*Q128 = Q128 / 3.
  ASSERT_EQ(MulDiv(kQ128, U256(1000) * kQ128, U256(3000) * kQ128, &out),
            Revert::kOk);
  EXPECT_EQ(out, kQ128 / U256(3));
  ASSERT_EQ(
      MulDivRoundingUp(kQ128, U256(1000) * kQ128, U256(3000) * kQ128, &out),
      Revert::kOk);
  EXPECT_EQ(out, kQ128 / U256(3) + U256(1));
}

TEST(FullMathTest, RoundingUpRevertsWhenResultWouldBe2To256) {
  // v3-core: mulDivRoundingUp(535006138814359,
  // 432862656469423142931042426214547535783388063929571229938474969, 2)
  U256 out;
  EXPECT_EQ(
      MulDivRoundingUp(
          U256(535006138814359ULL),
          U("432862656469423142931042426214547535783388063929571229938474969"),
          U256(2), &out),
      Revert::kMulDivRoundUp);
}

// Random vectors whose expected values are plain BigInt floor/ceil.
TEST(FullMathTest, MatchesBigIntReferenceVectors) {
  int checked = 0;
  for (const auto& v : SdkVectors()["full_math"]) {
    U256 out;
    const U256 a = U(v["a"]), b = U(v["b"]), d = U(v["d"]);
    const Revert floor = MulDiv(a, b, d, &out);
    if (v["floor"].is_null()) {
      EXPECT_NE(floor, Revert::kOk) << v.dump();
    } else {
      ASSERT_EQ(floor, Revert::kOk) << v.dump();
      EXPECT_EQ(out, U(v["floor"])) << v.dump();
    }
    const Revert ceil = MulDivRoundingUp(a, b, d, &out);
    if (v["ceil"].is_null()) {
      EXPECT_NE(ceil, Revert::kOk) << v.dump();
    } else {
      ASSERT_EQ(ceil, Revert::kOk) << v.dump();
      EXPECT_EQ(out, U(v["ceil"])) << v.dump();
    }
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

// Q128Divider against FullMath.mulDiv (itself checked against long division
// in division_test.cc): edge dividends and divisors (1, 2, powers of two and
// their neighbours, the maximum), random widths, and divisors alternating
// faster than its few cached reciprocals can hold.
TEST(FullMathTest, Q128DividerMatchesMulDiv) {
  std::vector<u128> edges = {1, 2, 3, kU128Max, kU128Max - 1, kU128Max >> 1};
  for (int k = 1; k < 128; k += 7) {
    const u128 p = static_cast<u128>(1) << k;
    edges.insert(edges.end(), {p - 1, p, p + 1});
  }
  Rng rng(31);
  auto random_u128 = [&rng] {
    const u128 v = static_cast<u128>(rng.NextU64()) << 64 | rng.NextU64();
    return v >> rng.UniformInt(128);
  };
  Q128Divider divider;
  auto check = [&divider](u128 a, u128 d) {
    U256 expected;
    ASSERT_EQ(MulDiv(U256::FromU128(a), kQ128, U256::FromU128(d), &expected),
              Revert::kOk);
    ASSERT_EQ(divider.Divide(a, d), expected)
        << ToDecimal(U256::FromU128(a)) << " / "
        << ToDecimal(U256::FromU128(d));
  };
  for (u128 d : edges) {
    for (u128 a : edges) check(a, d);
    check(0, d);
  }
  std::vector<u128> divisors;
  for (int i = 0; i < 16; ++i) divisors.push_back(random_u128() | 1);
  for (int i = 0; i < 20000; ++i) {
    const u128 d = rng.UniformInt(2) == 0
                       ? divisors[rng.UniformInt(divisors.size())]
                       : (random_u128() | 1);
    check(random_u128(), d);
  }
}

}  // namespace
}  // namespace trainyard::univ3
