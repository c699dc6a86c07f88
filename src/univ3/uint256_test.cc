#include "univ3/uint256.h"

#include <gtest/gtest.h>

namespace trainyard::univ3 {
namespace {

// 2^256 - 1, from the definition of uint256.max.
constexpr char kMaxDecimal[] =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

TEST(Uint256Test, DecimalRoundTripOfMaxValue) {
  EXPECT_EQ(ToDecimal(U256::Max()), kMaxDecimal);
  EXPECT_EQ(ParseU256(kMaxDecimal), U256::Max());
}

TEST(Uint256Test, PowersOfTwoPrintAsKnownDecimals) {
  EXPECT_EQ(ToDecimal(U256(1) << 96), "79228162514264337593543950336");
  EXPECT_EQ(ToDecimal(U256(1) << 128), "340282366920938463463374607431768211456");
  EXPECT_EQ(ToDecimal(U256(0)), "0");
  EXPECT_EQ(ToDecimal(U256(10000000000000000000ULL)), "10000000000000000000");
}

TEST(Uint256Test, ParseRejectsOverflowAndJunk) {
  // 2^256 exactly.
  EXPECT_FALSE(ParseU256(
      "115792089237316195423570985008687907853269984665640564039457584007913129639936"));
  EXPECT_FALSE(ParseU256(""));
  EXPECT_FALSE(ParseU256("12a"));
  EXPECT_FALSE(ParseU256("-1"));
}

TEST(Uint256Test, ArithmeticWrapsModulo2To256) {
  EXPECT_EQ(U256::Max() + U256(1), U256(0));
  EXPECT_EQ(U256(0) - U256(1), U256::Max());
  U256 out;
  EXPECT_FALSE(CheckedAdd(U256::Max(), U256(1), &out));
  EXPECT_FALSE(CheckedSub(U256(1), U256(2), &out));
}

TEST(Uint256Test, DivisionMatchesHandComputedValues) {
  // (2^256 - 1) / (2^128 + 1) = 2^128 - 1 exactly.
  EXPECT_EQ(U256::Max() / ((U256(1) << 128) + U256(1)),
            (U256(1) << 128) - U256(1));
  // 10^30 / 7 = 142857142857142857142857142857 remainder 1.
  const U256 ten30 = *ParseU256("1000000000000000000000000000000");
  EXPECT_EQ(ToDecimal(ten30 / U256(7)), "142857142857142857142857142857");
  EXPECT_EQ(ten30 % U256(7), U256(1));
}

TEST(Uint256Test, SignedParsingAndPrinting) {
  EXPECT_EQ(ToSignedDecimal(*ParseI256("-44731")), "-44731");
  // int256.min = -2^255 is representable, +2^255 is not.
  const std::string two255 =
      "57896044618658097711785492504343953926634992332820282019728792003956564819968";
  EXPECT_TRUE(ParseI256("-" + two255).has_value());
  EXPECT_FALSE(ParseI256(two255).has_value());
  EXPECT_TRUE(SignedLess(*ParseI256("-5"), *ParseI256("3")));
}

TEST(Uint256Test, SignedCheckedAddDetectsOverflow) {
  const I256 max = (U256(1) << 255) - U256(1);
  I256 out;
  EXPECT_FALSE(CheckedSignedAdd(max, U256(1), &out));
  EXPECT_TRUE(CheckedSignedAdd(max, I256FromInt64(-1), &out));
  EXPECT_FALSE(CheckedSignedSub(U256(1) << 255, U256(1), &out));
}

}  // namespace
}  // namespace trainyard::univ3
