// SqrtPriceMath of v3-core: how a Q64.96 sqrt price moves when token amounts
// enter or leave a liquidity range, and the token amounts between two prices,
// each with the contract's rounding direction and revert conditions.
#pragma once

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// Price after adding (add) or removing token0, rounding up. Fails with
// kSqrtPrice if removing more than the virtual reserve, kSafeCast if the
// result exceeds 160 bits, kSafeMath/kMulDiv on intermediate overflow.
Revert GetNextSqrtPriceFromAmount0RoundingUp(const U256& sqrt_p, u128 liquidity,
                                             const U256& amount, bool add,
                                             U256* out);
// Price after adding or removing token1, rounding down. REQUIRES-like checks
// of the contract return kSqrtPrice (liquidity == 0, price underflow).
Revert GetNextSqrtPriceFromAmount1RoundingDown(const U256& sqrt_p,
                                               u128 liquidity,
                                               const U256& amount, bool add,
                                               U256* out);
// Price after swapping amount_in of token0 (zero_for_one) or token1 in.
// Fails with kSqrtPrice if sqrt_p or liquidity is zero.
Revert GetNextSqrtPriceFromInput(const U256& sqrt_p, u128 liquidity,
                                 const U256& amount_in, bool zero_for_one,
                                 U256* out);
// Price after taking amount_out of token1 (zero_for_one) or token0 out.
Revert GetNextSqrtPriceFromOutput(const U256& sqrt_p, u128 liquidity,
                                  const U256& amount_out, bool zero_for_one,
                                  U256* out);

// Token0 between two prices for `liquidity`, rounded up or down.
// Fails with kSqrtPrice if the lower price is zero.
Revert GetAmount0Delta(U256 sqrt_a, U256 sqrt_b, u128 liquidity, bool round_up,
                       U256* amount0);
// Token1 between two prices for `liquidity`, rounded up or down.
Revert GetAmount1Delta(U256 sqrt_a, U256 sqrt_b, u128 liquidity, bool round_up,
                       U256* amount1);
// True only if `amount` is certainly below GetAmount0Delta(sqrt_a, sqrt_b,
// liquidity, round_up) for either rounding, judged from a double-precision
// estimate with a wide safety margin (false when unsure, including for a
// zero price). Lets SwapMath skip an exact delta whose only use is that
// comparison. Never fails; the exact delta between these prices cannot
// revert for a nonzero lower price.
bool Amount0DeltaCertainlyExceeds(const U256& sqrt_a, const U256& sqrt_b,
                                  u128 liquidity, const U256& amount);
// Signed variants for a liquidity change: positive deltas round up (owed to
// the pool), negative deltas round down and negate. kSafeCast if >= 2^255.
Revert GetAmount0DeltaSigned(const U256& sqrt_a, const U256& sqrt_b,
                             i128 liquidity, I256* amount0);
Revert GetAmount1DeltaSigned(const U256& sqrt_a, const U256& sqrt_b,
                             i128 liquidity, I256* amount1);

}  // namespace trainyard::univ3
