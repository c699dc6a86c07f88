// One Uniswap V3 pool with the semantics of UniswapV3Pool.sol (v3-core
// v1.0.0): initialize, mint, burn, collect, swap, protocol fee. Token
// transfers are implicit: callers are assumed to pay what the pool asks, so
// the balance checks (M0, M1, IIA) always pass. The oracle is not modelled.
// A failed operation leaves the pool unchanged, as a reverted transaction.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "univ3/flat_map.h"
#include "univ3/full_math.h"
#include "univ3/position.h"
#include "univ3/revert.h"
#include "univ3/tick.h"
#include "univ3/tick_bitmap.h"
#include "univ3/tick_math.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// Tick spacing of the fee tiers enabled by the factory: 500 -> 10,
// 3000 -> 60, 10000 -> 200 (and 100 -> 1). 0 for other fees.
int32_t DefaultTickSpacing(uint32_t fee);

struct Slot0 {
  U256 sqrt_price_x96;
  int32_t tick = 0;
  uint8_t fee_protocol = 0;  // token0 denominator in low 4 bits, token1 high
  bool unlocked = false;     // false until initialized
};

// Amounts of a mint (owed to the pool) or burn (credited to the position).
struct ModifyResult {
  U256 amount0;
  U256 amount1;
};

struct CollectResult {
  u128 amount0 = 0;
  u128 amount1 = 0;
};

struct SwapResult {
  // Pool balance deltas: positive = paid into the pool, negative = paid out.
  I256 amount0;
  I256 amount1;
  // Total fee charged on the input token, protocol share included.
  U256 fee_amount;
  int32_t ticks_crossed = 0;
};

// Everything UniswapV3Pool stores that a swap, mint or burn reads, except
// the oracle: what a snapshot read from a chain carries. Positions are
// optional: a replay that starts mid-history needs the positions its burns
// and collects touch (their fee growth inside at the last update and tokens
// owed), the rest need none.
struct PoolState {
  uint32_t fee = 0;
  int32_t tick_spacing = 0;
  Slot0 slot0;
  u128 liquidity = 0;
  U256 fee_growth_global0_x128;
  U256 fee_growth_global1_x128;
  u128 protocol_fees0 = 0;
  u128 protocol_fees1 = 0;
  // The initialized ticks (any order), each with initialized = true.
  std::vector<std::pair<int32_t, TickInfo>> ticks;
  // Positions (any order, keys unique).
  std::vector<std::pair<PositionKey, PositionInfo>> positions;
};

// Not thread-safe; a value type (copying snapshots the whole pool).
class Pool {
 public:
  // A pool with the given fee (hundredths of a bip, < 1e6) and tick spacing
  // (1..16383). VALIDATION_ERROR for other values.
  static Result<Pool> Create(uint32_t fee, int32_t tick_spacing);

  // A pool in exactly `state` (slot0 taken verbatim: on chain the tick may
  // sit one below the price's tick after a swap that ended on a boundary).
  // VALIDATION_ERROR for a bad fee/spacing, an uninitialized or out-of-range
  // price or tick, a tick off the spacing or repeated, a tick record that
  // is not initialized, or a position with an invalid or repeated range.
  static Result<Pool> FromState(const PoolState& state);

  // UniswapV3Pool.initialize. Errors: "AI" if already initialized, "R" if
  // the price is outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO).
  Status Initialize(const U256& sqrt_price_x96);

  // UniswapV3Pool.mint for `owner`; returns the token amounts to pay.
  // Errors: "LOK", amount 0, "TLU", "TLM", "TUM", "LO", "LA", tick spacing.
  Result<ModifyResult> Mint(OwnerId owner, int32_t tick_lower,
                            int32_t tick_upper, u128 amount);

  // UniswapV3Pool.burn; the amounts are added to the position's tokens owed.
  // amount 0 "pokes" the position to update its fees. Errors: "LOK", "TLU",
  // "TLM", "TUM", "LS", "NP".
  Result<ModifyResult> Burn(OwnerId owner, int32_t tick_lower,
                            int32_t tick_upper, u128 amount);

  // UniswapV3Pool.collect: pays min(requested, owed) of each token.
  // Errors: "LOK".
  Result<CollectResult> Collect(OwnerId owner, int32_t tick_lower,
                                int32_t tick_upper, u128 amount0_requested,
                                u128 amount1_requested);

  // UniswapV3Pool.swap. amount_specified > 0 is exact input, < 0 exact
  // output. Errors: "AS", "LOK", "SPL", and the math reverts ("LS", ...).
  Result<SwapResult> Swap(bool zero_for_one, const I256& amount_specified,
                          const U256& sqrt_price_limit_x96);

  // Fee accounting of UniswapV3Pool.flash: borrowing amount0/amount1 costs
  // fee0/fee1 = ceil(amount * fee / 1e6); paid0/paid1 are what the borrower
  // pays back beyond the loan (>= the fees), which is distributed to in-range
  // liquidity (less the protocol share). Returns the fees due.
  // Errors: "LOK", "L" (no liquidity), "F0"/"F1" (paid less than the fee).
  Result<ModifyResult> Flash(const U256& amount0, const U256& amount1,
                             const U256& paid0, const U256& paid1);

  // UniswapV3Pool.setFeeProtocol (the factory-owner check is the caller's).
  // Each value 0 or 4..10. Errors: "LOK", fee protocol range.
  Status SetFeeProtocol(uint8_t fee_protocol0, uint8_t fee_protocol1);

  // UniswapV3Pool.collectProtocol. Errors: "LOK".
  Result<CollectResult> CollectProtocol(u128 amount0_requested,
                                        u128 amount1_requested);

  // Allocation-free forms of the operations for simulation loops: same
  // semantics, the revert code instead of a Status.
  Revert TryMint(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                 u128 amount, ModifyResult* out);
  Revert TryBurn(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                 u128 amount, ModifyResult* out);
  Revert TryCollect(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                    u128 amount0_requested, u128 amount1_requested,
                    CollectResult* out);
  Revert TrySwap(bool zero_for_one, const I256& amount_specified,
                 const U256& sqrt_price_limit_x96, SwapResult* out);

  // ---- State (the contract's public getters) ----
  uint32_t fee() const { return fee_; }
  int32_t tick_spacing() const { return tick_spacing_; }
  u128 max_liquidity_per_tick() const { return max_liquidity_per_tick_; }
  const Slot0& slot0() const { return slot0_; }
  u128 liquidity() const { return liquidity_; }
  const U256& fee_growth_global0_x128() const { return fee_growth_global0_; }
  const U256& fee_growth_global1_x128() const { return fee_growth_global1_; }
  u128 protocol_fees0() const { return protocol_fees0_; }
  u128 protocol_fees1() const { return protocol_fees1_; }
  // nullptr if the tick has no record.
  const TickInfo* GetTick(int32_t tick) const { return ticks_.Find(tick); }
  bool IsTickInitialized(int32_t tick) const { return bitmap_.IsSet(tick); }
  // nullptr if the position was never created.
  const PositionInfo* GetPosition(OwnerId owner, int32_t tick_lower,
                                  int32_t tick_upper) const {
    return positions_.Find({owner, tick_lower, tick_upper});
  }
  // Fee growth per unit of liquidity inside [lower, upper) now.
  void FeeGrowthInside(int32_t tick_lower, int32_t tick_upper, U256* inside0,
                       U256* inside1) const;
  // Tokens owed plus fees not yet credited, as a burn(0)+collect would pay.
  void UncollectedFees(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                       u128* fees0, u128* fees1) const;
  // Initialized ticks in ascending order. Allocates.
  std::vector<int32_t> InitializedTicks() const { return ticks_.SortedTicks(); }
  // Approximate heap bytes held by the pool's tables.
  size_t MemoryBytes() const;
  // Drops the record of a position with no liquidity and nothing owed. Such
  // a record is observationally empty (a later mint computes exactly what
  // the contract would), so this only reclaims memory in long simulations.
  // Returns false, changing nothing, if the position is not empty.
  bool PruneEmptyPosition(OwnerId owner, int32_t tick_lower,
                          int32_t tick_upper);
  // Pre-sizes the tables so later mints do not allocate.
  void Reserve(size_t ticks, size_t positions);

 private:
  struct PositionHash {
    uint64_t operator()(const PositionKey& k) const {
      uint64_t h = k.owner * 0x9E3779B97F4A7C15ULL;
      h ^= (static_cast<uint64_t>(static_cast<uint32_t>(k.tick_lower)) << 32 |
            static_cast<uint32_t>(k.tick_upper)) +
           0x7F4A7C159E3779B9ULL + (h << 6) + (h >> 2);
      return h * 0xBF58476D1CE4E5B9ULL;
    }
  };
  struct CrossRecord {
    int32_t tick;
    U256 outside0;
    U256 outside1;
  };

  Pool(uint32_t fee, int32_t tick_spacing);
  Revert ModifyPosition(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                        i128 liquidity_delta, PositionInfo** position,
                        I256* amount0, I256* amount1);
  Revert UpdatePositionAndTicks(const PositionKey& key, i128 liquidity_delta,
                                PositionInfo** position);
  Revert SwapLoop(bool zero_for_one, const I256& amount_specified,
                  const U256& sqrt_price_limit_x96, SwapResult* out);
  void UndoCrosses();

  uint32_t fee_;
  int32_t tick_spacing_;
  u128 max_liquidity_per_tick_;
  Slot0 slot0_;
  U256 fee_growth_global0_;
  U256 fee_growth_global1_;
  u128 protocol_fees0_ = 0;
  u128 protocol_fees1_ = 0;
  u128 liquidity_ = 0;
  TickTable ticks_;
  TickBitmap bitmap_;
  FlatMap<PositionKey, PositionInfo, PositionHash> positions_;
  std::vector<CrossRecord> crossed_;  // scratch for undoing a failed swap
  SqrtRatioCache sqrt_cache_;         // memo of TickMath for swaps
  Q128Divider fee_divider_;           // fee growth divisions by liquidity
};

}  // namespace trainyard::univ3
