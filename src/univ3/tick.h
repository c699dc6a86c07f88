// Tick library of v3-core: per-tick liquidity and fee-growth-outside records,
// their update on mint/burn, crossing during swaps, and the fee growth
// inside a range. TickTable stores the initialized ticks of one pool.
#pragma once

#include <cstdint>
#include <vector>

#include "univ3/flat_map.h"
#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

struct TickInfo {
  u128 liquidity_gross = 0;  // total liquidity of positions using this tick
  i128 liquidity_net = 0;    // added when crossed left to right
  U256 fee_growth_outside0_x128;
  U256 fee_growth_outside1_x128;
  bool initialized = false;
};

// Tick.tickSpacingToMaxLiquidityPerTick. REQUIRES: tick_spacing > 0.
u128 MaxLiquidityPerTick(int32_t tick_spacing);

// The ticks of one pool, with the operations of Tick.sol. Missing ticks read
// as all-zero, like an unset Solidity mapping entry. Thread-compatible.
class TickTable {
 public:
  // nullptr if the tick has no record.
  const TickInfo* Find(int32_t tick) const { return map_.Find(tick); }

  // Tick.update: applies liquidity_delta to `tick`; *flipped says whether it
  // went from uninitialized to initialized or back. Fails with kLS/kLA
  // (gross liquidity), kLO (above max_liquidity) or kSafeCast (net liquidity
  // outside int128), leaving the table unchanged.
  Revert Update(int32_t tick, int32_t tick_current, i128 liquidity_delta,
                const U256& fee_growth_global0, const U256& fee_growth_global1,
                bool upper, u128 max_liquidity, bool* flipped);

  // Tick.clear.
  void Clear(int32_t tick) { map_.Erase(tick); }

  // Tick.cross: flips the fee growth outside and returns liquidity_net.
  // REQUIRES: the tick has a record.
  i128 Cross(int32_t tick, const U256& fee_growth_global0,
             const U256& fee_growth_global1);

  // Tick.getFeeGrowthInside for the range [lower, upper).
  void FeeGrowthInside(int32_t lower, int32_t upper, int32_t tick_current,
                       const U256& fee_growth_global0,
                       const U256& fee_growth_global1, U256* inside0,
                       U256* inside1) const;

  // Overwrites or removes a record; for rolling back a failed operation.
  void Restore(int32_t tick, const TickInfo* saved);

  size_t size() const { return map_.size(); }
  size_t MemoryBytes() const { return map_.MemoryBytes(); }
  void Reserve(size_t n) { map_.Reserve(n); }
  // All ticks with a record, ascending. Allocates; not for hot loops.
  std::vector<int32_t> SortedTicks() const;

 private:
  struct TickHash {
    uint64_t operator()(int32_t t) const {
      return static_cast<uint64_t>(static_cast<uint32_t>(t)) *
             0x9E3779B97F4A7C15ULL;
    }
  };
  FlatMap<int32_t, TickInfo, TickHash> map_;
};

}  // namespace trainyard::univ3
