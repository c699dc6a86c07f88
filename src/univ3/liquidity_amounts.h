// LiquidityAmounts of v3-periphery plus position valuation: converting token
// amounts to the largest liquidity they fund in a range and back, the value
// of a position with its uncollected fees, and impermanent loss versus
// holding the deposited tokens.
#pragma once

#include <cstdint>

#include "univ3/pool.h"
#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// Liquidity funded by amount0 (resp. amount1) over [sqrt_a, sqrt_b], rounded
// down. kSafeCast if it exceeds uint128, kMulDiv on overflow.
Revert GetLiquidityForAmount0(U256 sqrt_a, U256 sqrt_b, const U256& amount0,
                              u128* liquidity);
Revert GetLiquidityForAmount1(U256 sqrt_a, U256 sqrt_b, const U256& amount1,
                              u128* liquidity);
// The largest liquidity that both amounts can fund at price sqrt_price.
Revert GetLiquidityForAmounts(const U256& sqrt_price, U256 sqrt_a, U256 sqrt_b,
                              const U256& amount0, const U256& amount1,
                              u128* liquidity);
// Token amounts held by `liquidity` over [sqrt_a, sqrt_b] at sqrt_price,
// rounded down (what a burn would return).
void GetAmountsForLiquidity(const U256& sqrt_price, U256 sqrt_a, U256 sqrt_b,
                            u128 liquidity, U256* amount0, U256* amount1);

// A position's holdings and worth at the pool's current price.
struct PositionValue {
  U256 amount0;      // principal of token0 if burned now (rounded down)
  U256 amount1;
  u128 fees0 = 0;    // uncollected fees plus tokens owed
  u128 fees1 = 0;
  double value_in_token1 = 0.0;  // raw units: (amount0+fees0)*price + ...
};

// Values `owner`'s position in `pool`; all zero if it does not exist.
PositionValue ValuePosition(const Pool& pool, OwnerId owner, int32_t tick_lower,
                            int32_t tick_upper);

// Impermanent loss of a position against holding: position_value /
// hold_value - 1 (<= 0 without fees), where hold_value values the deposited
// amounts at `price` (token1 per token0, raw units). REQUIRES: hold > 0.
double ImpermanentLoss(double position_value_token1, double deposited0,
                       double deposited1, double price);

}  // namespace trainyard::univ3
