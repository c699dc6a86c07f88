// SwapMath.computeSwapStep of v3-core: one step of a swap inside a single
// initialized-tick range, giving the new price, amounts in/out and the fee.
#pragma once

#include <cstdint>

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

struct SwapStep {
  U256 sqrt_price_next_x96;
  U256 amount_in;   // excludes the fee
  U256 amount_out;
  U256 fee_amount;
};

// Swaps from sqrt_price towards sqrt_target (the direction follows from the
// two prices) with `amount_remaining` (> = 0 exact input, < 0 exact output)
// and a fee in hundredths of a bip. Fails with the reverts of SqrtPriceMath
// and FullMath. REQUIRES: fee_pips < 1'000'000.
Revert ComputeSwapStep(const U256& sqrt_price, const U256& sqrt_target,
                       u128 liquidity, const I256& amount_remaining,
                       uint32_t fee_pips, SwapStep* step);

}  // namespace trainyard::univ3
