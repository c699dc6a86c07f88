// The fast division paths (reciprocal-based schoolbook division, the
// narrow-operand shortcuts in DivMod and MulDiv) against a bit-at-a-time
// restoring division, which is slow but obviously right. Inputs are random
// at every operand width plus the edge values where such code goes wrong:
// maximum values, powers of two and their neighbours, divisors near
// 2^64/2^128/2^160/2^192, numerators just below a multiple of the divisor
// (the estimated quotient limb is one too big), and numerators whose top
// limbs equal the divisor's.
#include <gtest/gtest.h>

#include <vector>

#include "core/rng.h"
#include "univ3/full_math.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {
namespace {

struct Reference {
  U512 quotient;
  U256 remainder;
  bool quotient_fits_256 = true;
};

// Restoring binary long division of a 512-bit numerator.
Reference RestoringDivide(const U512& n, const U256& d) {
  Reference out;
  U256 r;
  for (int bit = 511; bit >= 0; --bit) {
    const bool carry = r.Bit(255);
    r = r << 1;
    r.w[0] |= (n.w[bit >> 6] >> (bit & 63)) & 1;
    if (carry || r >= d) {
      r = r - d;  // wraps back below 2^256 when carry is set
      out.quotient.w[bit >> 6] |= 1ULL << (bit & 63);
    }
  }
  out.remainder = r;
  for (int i = 4; i < 8; ++i) {
    if (out.quotient.w[i] != 0) out.quotient_fits_256 = false;
  }
  return out;
}

U256 Low256(const U512& v) {
  return U256::FromLimbs(v.w[3], v.w[2], v.w[1], v.w[0]);
}
U512 Widen(const U256& v) {
  U512 r;
  for (int i = 0; i < 4; ++i) r.w[i] = v.w[i];
  return r;
}

// A random value of exactly `bits` significant bits (0 gives zero), with
// random limbs sometimes replaced by all-ones or zero to reach the carry
// and correction branches.
U256 RandomBits(Rng& rng, int bits) {
  U256 v;
  for (int i = 0; i < 4; ++i) {
    switch (rng.UniformInt(6)) {
      case 0:
        v.w[i] = ~0ULL;
        break;
      case 1:
        v.w[i] = 0;
        break;
      default:
        v.w[i] = rng.NextU64();
    }
  }
  if (bits == 0) return U256();
  if (bits < 256) v = v & ((U256(1) << bits) - U256(1));
  return v | (U256(1) << (bits - 1));
}

// Edge values: 0, 1, 2^k - 1, 2^k, 2^k + 1 for k = 1..255, the maximum.
std::vector<U256> EdgeValues() {
  std::vector<U256> out = {U256(0), U256(1), U256::Max(),
                           U256::Max() - U256(1)};
  for (int k = 1; k < 256; k += 7) {
    const U256 p = U256(1) << k;
    out.push_back(p - U256(1));
    out.push_back(p);
    out.push_back(p + U256(1));
  }
  for (int k : {64, 96, 128, 160, 192, 224}) {
    const U256 p = U256(1) << k;
    for (uint64_t delta : {1ULL, 2ULL, 12345ULL}) {
      out.push_back(p - U256(delta));
      out.push_back(p + U256(delta));
    }
  }
  return out;
}

void ExpectDivMod512Matches(const U512& n, const U256& d) {
  const Reference want = RestoringDivide(n, d);
  U256 q, r;
  const bool fits = DivMod512(n, d, &q, &r);
  ASSERT_EQ(fits, want.quotient_fits_256);
  ASSERT_EQ(q, Low256(want.quotient));
  ASSERT_EQ(r, want.remainder);
}

void ExpectDivModMatches(const U256& n, const U256& d) {
  const Reference want = RestoringDivide(Widen(n), d);
  U256 q, r;
  DivMod(n, d, &q, &r);
  ASSERT_EQ(q, Low256(want.quotient));
  ASSERT_EQ(r, want.remainder);
  ASSERT_EQ(n / d, q);
  ASSERT_EQ(n % d, r);
}

void ExpectMulDivMatches(const U256& a, const U256& b, const U256& d) {
  const Reference want = RestoringDivide(MulWide(a, b), d);
  U256 down, up;
  const Revert down_err = MulDiv(a, b, d, &down);
  const Revert up_err = MulDivRoundingUp(a, b, d, &up);
  if (!want.quotient_fits_256) {
    ASSERT_EQ(down_err, Revert::kMulDiv);
    ASSERT_EQ(up_err, Revert::kMulDiv);
    return;
  }
  const U256 q = Low256(want.quotient);
  ASSERT_EQ(down_err, Revert::kOk);
  ASSERT_EQ(down, q);
  if (want.remainder.IsZero()) {
    ASSERT_EQ(up_err, Revert::kOk);
    ASSERT_EQ(up, q);
  } else if (q == U256::Max()) {
    ASSERT_EQ(up_err, Revert::kMulDivRoundUp);
  } else {
    ASSERT_EQ(up_err, Revert::kOk);
    ASSERT_EQ(up, q + U256(1));
  }
}

TEST(DivisionTest, DivMod512MatchesLongDivisionOnRandomWidths) {
  Rng rng(7);
  for (int i = 0; i < 20000; ++i) {
    const U256 d = RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(256)));
    U512 n;
    const U256 hi = RandomBits(rng, static_cast<int>(rng.UniformInt(257)));
    const U256 lo = RandomBits(rng, 256);
    for (int k = 0; k < 4; ++k) {
      n.w[k] = lo.w[k];
      n.w[k + 4] = rng.UniformInt(2) == 0 ? hi.w[k] : 0;
    }
    ExpectDivMod512Matches(n, d);
  }
}

// n = q*d + r with r in {0, 1, d-1} and n = q*d - 1: the estimated quotient
// limb lands on both sides of the true one.
TEST(DivisionTest, DivMod512NearExactMultiples) {
  Rng rng(11);
  for (int i = 0; i < 20000; ++i) {
    const U256 d = RandomBits(rng, 65 + static_cast<int>(rng.UniformInt(192)));
    const U256 q = RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(256)));
    const U512 qd = MulWide(q, d);
    for (const U256& r : {U256(0), U256(1), d - U256(1)}) {
      U512 n = qd;
      unsigned __int128 carry = 0;
      for (int k = 0; k < 8; ++k) {
        carry += static_cast<unsigned __int128>(n.w[k]) + (k < 4 ? r.w[k] : 0);
        n.w[k] = static_cast<uint64_t>(carry);
        carry >>= 64;
      }
      ExpectDivMod512Matches(n, d);
    }
    U512 below = qd;  // q*d - 1 (q, d >= 1 so no wrap)
    for (int k = 0; k < 8 && below.w[k]-- == 0; ++k) {
    }
    ExpectDivMod512Matches(below, d);
  }
}

// Numerators whose top limbs equal the divisor's top limbs force the
// quotient limb 2^64 - 1.
TEST(DivisionTest, DivMod512TopLimbsEqualToDivisor) {
  Rng rng(13);
  for (int i = 0; i < 5000; ++i) {
    const int limbs = 3 + static_cast<int>(rng.UniformInt(2));
    U256 d = RandomBits(rng, 64 * limbs);
    U512 n;
    const int shift = static_cast<int>(rng.UniformInt(5 - limbs));
    for (int k = 0; k < 8; ++k) n.w[k] = rng.NextU64();
    for (int k = 0; k < limbs; ++k) n.w[k + shift + 1] = d.w[k];
    for (int k = limbs + shift + 1; k < 8; ++k) n.w[k] = 0;
    n.w[shift + 1] = rng.NextU64();  // only the top two limbs must match
    ExpectDivMod512Matches(n, d);
  }
}

TEST(DivisionTest, DivMod512EdgeValues) {
  const std::vector<U256> edges = EdgeValues();
  for (const U256& d : edges) {
    if (d.IsZero()) continue;
    for (const U256& a : edges) {
      for (const U256& b : {U256(1), U256::Max(), U256(1) << 96}) {
        ExpectDivMod512Matches(MulWide(a, b), d);
      }
    }
  }
}

TEST(DivisionTest, DivMod256MatchesLongDivision) {
  Rng rng(17);
  for (int i = 0; i < 20000; ++i) {
    const U256 d = RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(256)));
    const U256 n = RandomBits(rng, static_cast<int>(rng.UniformInt(257)));
    ExpectDivModMatches(n, d);
  }
  const std::vector<U256> edges = EdgeValues();
  for (const U256& d : edges) {
    if (d.IsZero()) continue;
    for (const U256& n : edges) ExpectDivModMatches(n, d);
  }
}

// Pool-shaped operands: sqrt prices up to 160 bits, liquidity up to 128
// bits (shifted by 96), small fee factors, and random widths.
TEST(DivisionTest, MulDivMatchesLongDivision) {
  Rng rng(19);
  for (int i = 0; i < 30000; ++i) {
    const U256 a = RandomBits(rng, static_cast<int>(rng.UniformInt(257)));
    const U256 b = RandomBits(rng, static_cast<int>(rng.UniformInt(257)));
    const U256 d = RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(256)));
    ExpectMulDivMatches(a, b, d);
    const U256 liquidity_q96 =
        RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(128))) << 96;
    const U256 price =
        RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(160)));
    const U256 price2 =
        RandomBits(rng, 1 + static_cast<int>(rng.UniformInt(160)));
    ExpectMulDivMatches(liquidity_q96, price, price2);
    ExpectMulDivMatches(liquidity_q96, price, liquidity_q96 + price2);
    ExpectMulDivMatches(RandomBits(rng, static_cast<int>(rng.UniformInt(129))),
                        U256(997000), U256(1000000));
    ExpectMulDivMatches(RandomBits(rng, static_cast<int>(rng.UniformInt(129))),
                        U256(3000), U256(997000));
  }
  const std::vector<U256> edges = EdgeValues();
  for (const U256& d : edges) {
    if (d.IsZero()) continue;
    for (const U256& a : edges) {
      for (const U256& b : {U256(1), U256(3), U256::Max(), U256(1) << 96,
                            (U256(1) << 160) - U256(1)}) {
        ExpectMulDivMatches(a, b, d);
      }
    }
  }
}

}  // namespace
}  // namespace trainyard::univ3
