// LiquidityMath.addDelta of v3-core: applies a signed liquidity change to an
// unsigned amount, reverting with "LS" (underflow) or "LA" (overflow).
#pragma once

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

inline Revert AddLiquidityDelta(u128 x, i128 y, u128* z) {
  if (y < 0) {
    const u128 magnitude = static_cast<u128>(0) - static_cast<u128>(y);
    if (magnitude > x) return Revert::kLS;
    *z = x - magnitude;
    return Revert::kOk;
  }
  const u128 sum = x + static_cast<u128>(y);
  if (sum < x) return Revert::kLA;
  *z = sum;
  return Revert::kOk;
}

}  // namespace trainyard::univ3
