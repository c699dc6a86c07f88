// FullMath and UnsafeMath of v3-core: a*b/d with a 512-bit intermediate, in
// the rounding-down and rounding-up flavours, failing exactly where the
// contract reverts (zero denominator, result >= 2^256).
#pragma once

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// floor(a*b/d). Fails with kMulDiv if d == 0 or the result overflows 256 bits.
inline Revert MulDiv(const U256& a, const U256& b, const U256& d, U256* out);

// ceil(a*b/d). Fails like MulDiv, plus kMulDivRoundUp if the rounded result
// would be 2^256.
inline Revert MulDivRoundingUp(const U256& a, const U256& b, const U256& d,
                               U256* out);

// UnsafeMath.divRoundingUp: ceil(x/y) with the EVM's x/0 == 0.
inline U256 DivRoundingUp(const U256& x, const U256& y);

// FullMath.mulDiv(a, 2^128, d) for a < 2^128 — the fee growth per unit of
// liquidity of a swap step — with a reciprocal of d kept for the divisors
// seen last: the active liquidity changes only when a swap crosses a tick,
// and a price moving back and forth keeps meeting the same few values.
// A value type (copy it with its pool); not thread-safe.
class Q128Divider {
 public:
  // floor(a * 2^128 / d), exactly. REQUIRES: d > 0 (a < 2^128 by type, so
  // the quotient fits 256 bits and mulDiv cannot fail).
  U256 Divide(u128 a, u128 d);

 private:
  static constexpr int kLogSlots = 2;
  struct Entry {
    u128 divisor = 0;  // 0: empty (never a valid divisor)
    U256 reciprocal;   // floor((2^256 - 1) / divisor)
  };
  Entry entries_[1 << kLogSlots];
};

// ---- Implementation: inline, as these run several times per swap step ----

namespace full_math_internal {

// Full 256-bit product of two 128-bit values.
inline U256 MulU128(u128 a, u128 b) {
  const uint64_t a0 = static_cast<uint64_t>(a);
  const uint64_t a1 = static_cast<uint64_t>(a >> 64);
  const uint64_t b0 = static_cast<uint64_t>(b);
  const uint64_t b1 = static_cast<uint64_t>(b >> 64);
  const u128 p00 = static_cast<u128>(a0) * b0;
  const u128 p01 = static_cast<u128>(a0) * b1;
  const u128 p10 = static_cast<u128>(a1) * b0;
  const u128 p11 = static_cast<u128>(a1) * b1;
  // Middle column: high half of p00 plus the low halves of the cross terms.
  const u128 mid =
      (p00 >> 64) + static_cast<uint64_t>(p01) + static_cast<uint64_t>(p10);
  const u128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return U256::FromLimbs(static_cast<uint64_t>(hi >> 64),
                         static_cast<uint64_t>(hi), static_cast<uint64_t>(mid),
                         static_cast<uint64_t>(p00));
}

// Quotient and remainder of a*b by d, false if the quotient needs > 256 bits.
// REQUIRES: !d.IsZero().
inline bool MulDivMod(const U256& a, const U256& b, const U256& d, U256* q,
                      U256* r) {
  // Most pool arithmetic (amounts, liquidity, fee factors) has 128-bit
  // operands: their product is below 2^256, so the quotient fits too and a
  // 256-bit division does without the 512-bit numerator.
  if (a.FitsU128() && b.FitsU128()) {
    DivMod(MulU128(a.Low128(), b.Low128()), d, q, r);
    return true;
  }
  return DivMod512(MulWide(a, b), d, q, r);
}

}  // namespace full_math_internal

inline Revert MulDiv(const U256& a, const U256& b, const U256& d, U256* out) {
  if (d.IsZero()) return Revert::kMulDiv;
  U256 r;
  if (!full_math_internal::MulDivMod(a, b, d, out, &r)) return Revert::kMulDiv;
  return Revert::kOk;
}

inline Revert MulDivRoundingUp(const U256& a, const U256& b, const U256& d,
                               U256* out) {
  if (d.IsZero()) return Revert::kMulDiv;
  U256 r;
  if (!full_math_internal::MulDivMod(a, b, d, out, &r)) return Revert::kMulDiv;
  if (!r.IsZero()) {
    if (*out == U256::Max()) return Revert::kMulDivRoundUp;
    *out = *out + U256(1);
  }
  return Revert::kOk;
}

inline U256 DivRoundingUp(const U256& x, const U256& y) {
  if (y.IsZero()) return U256();
  U256 q, r;
  DivMod(x, y, &q, &r);
  return r.IsZero() ? q : q + U256(1);
}

inline U256 Q128Divider::Divide(u128 a, u128 d) {
  const uint64_t hash =
      static_cast<uint64_t>(d) ^ static_cast<uint64_t>(d >> 64);
  Entry& e = entries_[(hash * 0x9E3779B97F4A7C15ULL) >> (64 - kLogSlots)];
  if (e.divisor != d) [[unlikely]] {
    e.divisor = d;
    e.reciprocal = U256::Max() / U256::FromU128(d);
  }
  // With R = e.reciprocal > 2^256/d - 2, the estimate floor(a*R / 2^128) is
  // never above the quotient q and (a < 2^128) at most 2 below it; the
  // remainder a*2^128 - estimate*d (< 3d, so exact in wrapping 256-bit
  // arithmetic) tells how many divisors are left.
  const U512 product = MulWide(U256::FromU128(a), e.reciprocal);
  U256 q =
      U256::FromLimbs(product.w[5], product.w[4], product.w[3], product.w[2]);
  const U256 divisor = U256::FromU128(d);
  U256 rem = U256::FromLimbs(static_cast<uint64_t>(a >> 64),
                             static_cast<uint64_t>(a), 0, 0) -
             q * divisor;
  while (rem >= divisor) {
    q = q + U256(1);
    rem = rem - divisor;
  }
  return q;
}

}  // namespace trainyard::univ3
