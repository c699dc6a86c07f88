// Why a v3-core operation reverted. The math libraries report a compact code
// (cheap to return from the hot path); the pool turns it into a Status whose
// message is the contract's reason string ("TLU", "SPL", ...) or, for bare
// `require`s without a reason, a short description of the failed check.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace trainyard::univ3 {

enum class Revert : uint8_t {
  kOk = 0,
  // Reason strings of UniswapV3Pool and its libraries (v3-core v1.0.0).
  kLOK,  // pool locked / not initialized
  kTLU,  // tickLower >= tickUpper
  kTLM,  // tickLower < MIN_TICK
  kTUM,  // tickUpper > MAX_TICK
  kAI,   // already initialized
  kM0,   // mint: token0 not paid
  kM1,   // mint: token1 not paid
  kAS,   // swap amountSpecified == 0
  kSPL,  // swap sqrtPriceLimit out of range
  kIIA,  // swap: insufficient input amount
  kL,    // flash with no liquidity
  kF0,   // flash: token0 fee not paid
  kF1,   // flash: token1 fee not paid
  kLO,   // tick liquidityGross above maxLiquidityPerTick
  kLS,   // LiquidityMath.addDelta subtraction underflow
  kLA,   // LiquidityMath.addDelta addition overflow
  kNP,   // poke of a position with zero liquidity
  kT,    // TickMath: |tick| > MAX_TICK
  kR,    // TickMath: sqrt ratio out of [MIN_SQRT_RATIO, MAX_SQRT_RATIO)
  // Bare `require`s (no reason string on chain).
  kMulDiv,          // FullMath.mulDiv: zero denominator or result >= 2^256
  kMulDivRoundUp,   // FullMath.mulDivRoundingUp: result + 1 overflows
  kSafeCast,        // SafeCast.toUint160/toInt128/toInt256 out of range
  kSafeMath,        // LowGasSafeMath add/sub overflow
  kSqrtPrice,       // SqrtPriceMath: price or liquidity zero, price underflow
  kTickSpacing,     // TickBitmap.flipTick: tick not a multiple of spacing
  kZeroAmount,      // mint with amount == 0
  kFeeProtocol,     // setFeeProtocol: value not 0 or 4..10
};

// The on-chain reason string ("TLU") or a description of a bare require.
const char* RevertReason(Revert r);

// A VALIDATION_ERROR Status whose message is RevertReason(r).
// REQUIRES: r != Revert::kOk.
Status RevertStatus(Revert r);

}  // namespace trainyard::univ3

// Returns the Revert of `expr` from the enclosing function unless it is kOk.
#define TY_UNIV3_TRY(expr)                                   \
  do {                                                       \
    const ::trainyard::univ3::Revert ty_univ3_err_ = (expr); \
    if (ty_univ3_err_ != ::trainyard::univ3::Revert::kOk) {  \
      return ty_univ3_err_;                                  \
    }                                                        \
  } while (0)
