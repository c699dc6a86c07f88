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

// GetTickAtSqrtRatio computed faster: a double-precision logarithm gives the
// tick whenever the price is not within 1e-6 ticks of a tick boundary (the
// logarithm's error is below 1e-9 ticks and TickMath's below 1e-30), and the
// exact routine decides the rare remaining cases. Same result and reverts as
// GetTickAtSqrtRatio.
Revert FastTickAtSqrtRatio(const U256& sqrt_price_x96, int32_t* tick);

// Memoizes GetSqrtRatioAtTick for recently used ticks (swaps keep asking
// for the same range boundaries): a direct-mapped table indexed by a hash of
// the tick. One instance per pool; not thread-safe.
class SqrtRatioCache {
 public:
  // GetSqrtRatioAtTick(tick), from the cache when possible.
  Revert Get(int32_t tick, U256* sqrt_price_x96) {
    Entry& e = entries_[Slot(tick)];
    // The bound keeps an out-of-range tick from matching an empty slot.
    if (e.tick == tick && tick <= kMaxTick) [[likely]] {
      *sqrt_price_x96 = e.sqrt_price_x96;
      return Revert::kOk;
    }
    return Fill(tick, &e, sqrt_price_x96);
  }

 private:
  static constexpr int kLogSize = 6;
  struct Entry {
    int32_t tick = kMaxTick + 1;  // never a valid key
    U256 sqrt_price_x96;
  };
  // Fibonacci hashing: ticks are multiples of the spacing, so their low bits
  // alone would leave most slots unused.
  static uint32_t Slot(int32_t tick) {
    return (static_cast<uint32_t>(tick) * 2654435769u) >> (32 - kLogSize);
  }
  Revert Fill(int32_t tick, Entry* e, U256* sqrt_price_x96);

  Entry entries_[1 << kLogSize];
};

}  // namespace trainyard::univ3
