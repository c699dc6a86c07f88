#include "univ3/full_math.h"

namespace trainyard::univ3 {
namespace {

// Quotient and remainder of a*b by d, false if the quotient needs > 256 bits.
// REQUIRES: !d.IsZero().
bool MulDivImpl(const U256& a, const U256& b, const U256& d, U256* q,
                U256* r) {
  if (a.FitsU64() && b.FitsU128() && d.FitsU128()) {
    // Most pool arithmetic: the product usually fits 192 bits.
    U256 product = a * b;
    if (product.FitsU128()) {
      u128 p = product.Low128(), dd = d.Low128();
      *q = U256::FromU128(p / dd);
      *r = U256::FromU128(p % dd);
      return true;
    }
  }
  return DivMod512(MulWide(a, b), d, q, r);
}

}  // namespace

Revert MulDiv(const U256& a, const U256& b, const U256& d, U256* out) {
  if (d.IsZero()) return Revert::kMulDiv;
  U256 r;
  if (!MulDivImpl(a, b, d, out, &r)) return Revert::kMulDiv;
  return Revert::kOk;
}

Revert MulDivRoundingUp(const U256& a, const U256& b, const U256& d,
                        U256* out) {
  if (d.IsZero()) return Revert::kMulDiv;
  U256 r;
  if (!MulDivImpl(a, b, d, out, &r)) return Revert::kMulDiv;
  if (!r.IsZero()) {
    if (*out == U256::Max()) return Revert::kMulDivRoundUp;
    *out = *out + U256(1);
  }
  return Revert::kOk;
}

U256 DivRoundingUp(const U256& x, const U256& y) {
  if (y.IsZero()) return U256();
  U256 q, r;
  DivMod(x, y, &q, &r);
  return r.IsZero() ? q : q + U256(1);
}

}  // namespace trainyard::univ3
