// TickMath of v3-core: the exact conversions between a tick and the Q64.96
// square-root price sqrt(1.0001^tick) * 2^96, bit-for-bit as on chain.
#pragma once

#include <cstdint>

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

inline constexpr int32_t kMinTick = -887272;
inline constexpr int32_t kMaxTick = 887272;
inline constexpr U256 kMinSqrtRatio = U256(4295128739ULL);
inline constexpr U256 kMaxSqrtRatio =
    U256::FromHex("fffd8963efd1fc6a506488495d951d5263988d26");
inline constexpr U256 kQ96 = U256(1) << 96;
inline constexpr U256 kQ128 = U256(1) << 128;

// sqrt(1.0001^tick) * 2^96 rounded as the contract does. Fails with kT if
// |tick| > kMaxTick.
Revert GetSqrtRatioAtTick(int32_t tick, U256* sqrt_price_x96);

// The greatest tick whose ratio is <= sqrt_price_x96. Fails with kR unless
// kMinSqrtRatio <= sqrt_price_x96 < kMaxSqrtRatio.
Revert GetTickAtSqrtRatio(const U256& sqrt_price_x96, int32_t* tick);

}  // namespace trainyard::univ3
