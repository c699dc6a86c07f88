// Human prices versus the pool's representations: price (token1 per token0
// in whole tokens, adjusted for decimals) <-> sqrtPriceX96 <-> tick. These
// are floating-point conveniences for users and the market simulator; the
// pool itself only ever sees the exact integers.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// Nearest double to an unsigned 256-bit value.
double ToDouble(const U256& v);
// floor(v) as a U256. REQUIRES: 0 <= v < 2^256.
U256 FromDouble(double v);

// Raw price (token1 base units per token0 base unit) of a sqrtPriceX96.
double SqrtPriceX96ToRawPrice(const U256& sqrt_price_x96);
// Human price: raw price * 10^(decimals0 - decimals1).
double SqrtPriceX96ToPrice(const U256& sqrt_price_x96, int decimals0,
                           int decimals1);
// sqrtPriceX96 of a human price (> 0); VALIDATION_ERROR if the price is not
// positive/finite or lies outside the pool's representable range.
Result<U256> PriceToSqrtPriceX96(double price, int decimals0, int decimals1);
// Human price at a tick: 1.0001^tick * 10^(decimals0 - decimals1).
double TickToPrice(int32_t tick, int decimals0, int decimals1);
// The tick whose range contains the price (GetTickAtSqrtRatio of its sqrt).
Result<int32_t> PriceToTick(double price, int decimals0, int decimals1);
// The multiple of tick_spacing nearest to tick, kept within MIN..MAX.
int32_t NearestUsableTick(int32_t tick, int32_t tick_spacing);

}  // namespace trainyard::univ3
