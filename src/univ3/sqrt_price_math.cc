#include "univ3/sqrt_price_math.h"

#include <bit>
#include <utility>

#include "univ3/full_math.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

constexpr U256 kU160Max = (U256(1) << 160) - U256(1);

bool ProductFits256(const U256& a, const U256& b, U256* product) {
  if (a.FitsU128() && b.FitsU128()) {
    *product = full_math_internal::MulU128(a.Low128(), b.Low128());
    return true;
  }
  if (a.BitLength() + b.BitLength() <= 256) {
    *product = a * b;
    return true;
  }
  U512 wide = MulWide(a, b);
  *product = U256::FromLimbs(wide.w[3], wide.w[2], wide.w[1], wide.w[0]);
  return (wide.w[4] | wide.w[5] | wide.w[6] | wide.w[7]) == 0;
}

// liquidity * diff / 2^96 as mulDiv / mulDivRoundingUp with a power-of-two
// denominator: a shift of the 288-bit product, which always fits the result.
U256 MulShift96(u128 liquidity, const U256& diff, bool round_up) {
  if (diff.FitsU128()) {  // prices below 2^128: a 256-bit product
    const U256 p = full_math_internal::MulU128(liquidity, diff.Low128());
    const U256 q = p >> 96;
    const bool inexact = (p.w[0] | (p.w[1] & 0xffffffffULL)) != 0;
    return round_up && inexact ? q + U256(1) : q;
  }
  if (diff.w[3] == 0) {
    // Prices are below 2^160, so diff < 2^192 and the product has at most
    // five limbs: multiply them directly instead of the general MulWide.
    const uint64_t l0 = static_cast<uint64_t>(liquidity);
    const uint64_t l1 = static_cast<uint64_t>(liquidity >> 64);
    uint64_t p[5];
    u128 c = 0;
    for (int i = 0; i < 3; ++i) {
      c += static_cast<u128>(l0) * diff.w[i];
      p[i] = static_cast<uint64_t>(c);
      c >>= 64;
    }
    p[3] = static_cast<uint64_t>(c);
    c = 0;
    for (int i = 0; i < 3; ++i) {
      c += static_cast<u128>(l1) * diff.w[i] + p[i + 1];
      p[i + 1] = static_cast<uint64_t>(c);
      c >>= 64;
    }
    p[4] = static_cast<uint64_t>(c);
    const U256 q = U256::FromLimbs(p[4] >> 32, (p[3] >> 32) | (p[4] << 32),
                                   (p[2] >> 32) | (p[3] << 32),
                                   (p[1] >> 32) | (p[2] << 32));
    const bool inexact = (p[0] | (p[1] & 0xffffffffULL)) != 0;
    return round_up && inexact ? q + U256(1) : q;
  }
  U512 p = MulWide(U256::FromU128(liquidity), diff);
  U256 lo = U256::FromLimbs(p.w[3], p.w[2], p.w[1], p.w[0]);
  U256 hi = U256::FromLimbs(p.w[7], p.w[6], p.w[5], p.w[4]);
  U256 q = (lo >> 96) | (hi << 160);
  const bool inexact = (p.w[0] | (p.w[1] & 0xffffffffULL)) != 0;
  return round_up && inexact ? q + U256(1) : q;
}

}  // namespace

Revert GetNextSqrtPriceFromAmount0RoundingUp(const U256& sqrt_p, u128 liquidity,
                                             const U256& amount, bool add,
                                             U256* out) {
  if (amount.IsZero()) {
    *out = sqrt_p;
    return Revert::kOk;
  }
  const U256 numerator1 = U256::FromU128(liquidity) << 96;
  U256 product;
  const bool product_fits = ProductFits256(amount, sqrt_p, &product);
  if (add) {
    if (product_fits) {
      const U256 denominator = numerator1 + product;
      if (denominator >= numerator1) {
        U256 r;
        Revert err = MulDivRoundingUp(numerator1, sqrt_p, denominator, &r);
        if (err != Revert::kOk) return err;
        *out = r & kU160Max;  // uint160(): always fits, per the contract
        return Revert::kOk;
      }
    }
    if (sqrt_p.IsZero()) return Revert::kSqrtPrice;  // Solidity division check
    U256 denominator;
    if (!CheckedAdd(numerator1 / sqrt_p, amount, &denominator)) {
      return Revert::kSafeMath;
    }
    *out = DivRoundingUp(numerator1, denominator) & kU160Max;
    return Revert::kOk;
  }
  if (!product_fits || numerator1 <= product) return Revert::kSqrtPrice;
  U256 r;
  Revert err = MulDivRoundingUp(numerator1, sqrt_p, numerator1 - product, &r);
  if (err != Revert::kOk) return err;
  if (r > kU160Max) return Revert::kSafeCast;
  *out = r;
  return Revert::kOk;
}

Revert GetNextSqrtPriceFromAmount1RoundingDown(const U256& sqrt_p,
                                               u128 liquidity,
                                               const U256& amount, bool add,
                                               U256* out) {
  if (liquidity == 0) return Revert::kSqrtPrice;  // Solidity division check
  const U256 l = U256::FromU128(liquidity);
  U256 quotient;
  if (add) {
    if (amount <= kU160Max) {
      quotient = (amount << 96) / l;
    } else {
      Revert err = MulDiv(amount, kQ96, l, &quotient);
      if (err != Revert::kOk) return err;
    }
    U256 sum;
    if (!CheckedAdd(sqrt_p, quotient, &sum)) return Revert::kSafeMath;
    if (sum > kU160Max) return Revert::kSafeCast;
    *out = sum;
    return Revert::kOk;
  }
  if (amount <= kU160Max) {
    quotient = DivRoundingUp(amount << 96, l);
  } else {
    Revert err = MulDivRoundingUp(amount, kQ96, l, &quotient);
    if (err != Revert::kOk) return err;
  }
  if (sqrt_p <= quotient) return Revert::kSqrtPrice;
  *out = sqrt_p - quotient;
  return Revert::kOk;
}

Revert GetNextSqrtPriceFromInput(const U256& sqrt_p, u128 liquidity,
                                 const U256& amount_in, bool zero_for_one,
                                 U256* out) {
  if (sqrt_p.IsZero() || liquidity == 0) return Revert::kSqrtPrice;
  return zero_for_one ? GetNextSqrtPriceFromAmount0RoundingUp(
                            sqrt_p, liquidity, amount_in, true, out)
                      : GetNextSqrtPriceFromAmount1RoundingDown(
                            sqrt_p, liquidity, amount_in, true, out);
}

Revert GetNextSqrtPriceFromOutput(const U256& sqrt_p, u128 liquidity,
                                  const U256& amount_out, bool zero_for_one,
                                  U256* out) {
  if (sqrt_p.IsZero() || liquidity == 0) return Revert::kSqrtPrice;
  return zero_for_one ? GetNextSqrtPriceFromAmount1RoundingDown(
                            sqrt_p, liquidity, amount_out, false, out)
                      : GetNextSqrtPriceFromAmount0RoundingUp(
                            sqrt_p, liquidity, amount_out, false, out);
}

Revert GetAmount0Delta(U256 sqrt_a, U256 sqrt_b, u128 liquidity, bool round_up,
                       U256* amount0) {
  if (sqrt_a > sqrt_b) std::swap(sqrt_a, sqrt_b);
  if (sqrt_a.IsZero()) return Revert::kSqrtPrice;
  const U256 numerator1 = U256::FromU128(liquidity) << 96;
  const U256 numerator2 = sqrt_b - sqrt_a;
  if (sqrt_b.FitsU128()) {
    // The contract divides twice, by sqrt_b and then by sqrt_a. Nested floor
    // (ceil) divisions by positive integers equal one floor (ceil) division
    // by their product: ceil(ceil(x/m)/n) = floor((floor((x+m-1)/m)+n-1)/n)
    // = floor((x+mn-1)/(mn)). Neither contract step can overflow (the first
    // quotient is below numerator1 since numerator2 < sqrt_b), so one
    // division by sqrt_a*sqrt_b (< 2^256 here) gives the same amount.
    // numerator1 * numerator2 = (liquidity * numerator2) << 96.
    const U256 p = full_math_internal::MulU128(liquidity, numerator2.Low128());
    U512 product;
    product.w[1] = p.w[0] << 32;
    product.w[2] = (p.w[1] << 32) | (p.w[0] >> 32);
    product.w[3] = (p.w[2] << 32) | (p.w[1] >> 32);
    product.w[4] = (p.w[3] << 32) | (p.w[2] >> 32);
    product.w[5] = p.w[3] >> 32;
    U256 q, r;
    DivMod512(product,
              full_math_internal::MulU128(sqrt_a.Low128(), sqrt_b.Low128()), &q,
              &r);
    *amount0 = round_up && !r.IsZero() ? q + U256(1) : q;
    return Revert::kOk;
  }
  U256 r;
  if (round_up) {
    Revert err = MulDivRoundingUp(numerator1, numerator2, sqrt_b, &r);
    if (err != Revert::kOk) return err;
    *amount0 = DivRoundingUp(r, sqrt_a);
    return Revert::kOk;
  }
  Revert err = MulDiv(numerator1, numerator2, sqrt_b, &r);
  if (err != Revert::kOk) return err;
  *amount0 = r / sqrt_a;
  return Revert::kOk;
}

namespace {

// v as a double, within a relative error of 2^-52: its top 64 bits, rounded
// to 53, times an exact power of two.
inline double ToDouble(const U256& v) {
  int i = 3;
  while (i > 0 && v.w[i] == 0) --i;
  if (i == 0) return static_cast<double>(v.w[0]);
  const int lead = __builtin_clzll(v.w[i]);
  const uint64_t top =
      (v.w[i] << lead) | (lead == 0 ? 0 : v.w[i - 1] >> (64 - lead));
  // top = v >> shift with 1 <= shift <= 192; 2^shift from its exponent bits.
  const int shift = 64 * i - lead;
  const double scale =
      std::bit_cast<double>(static_cast<uint64_t>(1023 + shift) << 52);
  return static_cast<double>(top) * scale;
}

}  // namespace

bool Amount0DeltaCertainlyExceeds(const U256& sqrt_a, const U256& sqrt_b,
                                  u128 liquidity, const U256& amount) {
  if (sqrt_a.IsZero() || sqrt_b.IsZero()) return false;
  const U256& lo = sqrt_a < sqrt_b ? sqrt_a : sqrt_b;
  const U256& hi = sqrt_a < sqrt_b ? sqrt_b : sqrt_a;
  // The real value L * 2^96 * (hi - lo) / (hi * lo) is at most 2 above the
  // rounded-down delta and never above the rounded-up one. Seven rounded
  // double operations put the estimate within 1e-15 of it, so the 1e-9
  // margin (and 4 absolute) leaves no doubt.
  constexpr double kTwo96 = 79228162514264337593543950336.0;
  const double estimate = static_cast<double>(liquidity) * kTwo96 *
                          ToDouble(hi - lo) / (ToDouble(hi) * ToDouble(lo));
  return ToDouble(amount) + 4.0 < estimate * (1.0 - 1e-9);
}

Revert GetAmount1Delta(U256 sqrt_a, U256 sqrt_b, u128 liquidity, bool round_up,
                       U256* amount1) {
  if (sqrt_a > sqrt_b) std::swap(sqrt_a, sqrt_b);
  *amount1 = MulShift96(liquidity, sqrt_b - sqrt_a, round_up);
  return Revert::kOk;
}

namespace {

u128 Magnitude(i128 v) {
  return v < 0 ? static_cast<u128>(0) - static_cast<u128>(v)
               : static_cast<u128>(v);
}

Revert ToSignedAmount(Revert err, const U256& magnitude, bool negative,
                      I256* out) {
  if (err != Revert::kOk) return err;
  I256 v;
  if (!ToInt256(magnitude, &v)) return Revert::kSafeCast;
  *out = negative ? Negate(v) : v;
  return Revert::kOk;
}

}  // namespace

Revert GetAmount0DeltaSigned(const U256& sqrt_a, const U256& sqrt_b,
                             i128 liquidity, I256* amount0) {
  U256 magnitude;
  const bool negative = liquidity < 0;
  Revert err = GetAmount0Delta(sqrt_a, sqrt_b, Magnitude(liquidity), !negative,
                               &magnitude);
  return ToSignedAmount(err, magnitude, negative, amount0);
}

Revert GetAmount1DeltaSigned(const U256& sqrt_a, const U256& sqrt_b,
                             i128 liquidity, I256* amount1) {
  U256 magnitude;
  const bool negative = liquidity < 0;
  Revert err = GetAmount1Delta(sqrt_a, sqrt_b, Magnitude(liquidity), !negative,
                               &magnitude);
  return ToSignedAmount(err, magnitude, negative, amount1);
}

}  // namespace trainyard::univ3
