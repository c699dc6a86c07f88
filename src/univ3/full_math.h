// FullMath and UnsafeMath of v3-core: a*b/d with a 512-bit intermediate, in
// the rounding-down and rounding-up flavours, failing exactly where the
// contract reverts (zero denominator, result >= 2^256).
#pragma once

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// floor(a*b/d). Fails with kMulDiv if d == 0 or the result overflows 256 bits.
Revert MulDiv(const U256& a, const U256& b, const U256& d, U256* out);

// ceil(a*b/d). Fails like MulDiv, plus kMulDivRoundUp if the rounded result
// would be 2^256.
Revert MulDivRoundingUp(const U256& a, const U256& b, const U256& d, U256* out);

// UnsafeMath.divRoundingUp: ceil(x/y) with the EVM's x/0 == 0.
U256 DivRoundingUp(const U256& x, const U256& y);

}  // namespace trainyard::univ3
