// Position library of v3-core: a liquidity position keyed by owner and tick
// range, with the fee growth inside it at the last update and the tokens
// owed to its owner (burned principal plus fees, until collected).
#pragma once

#include <cstdint>

#include "univ3/revert.h"
#include "univ3/uint256.h"

namespace trainyard::univ3 {

// Owners are opaque 64-bit ids (an address on chain). Scenario files map
// names to ids; the market gives each agent one.
using OwnerId = uint64_t;

struct PositionKey {
  OwnerId owner = 0;
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  friend bool operator==(const PositionKey&, const PositionKey&) = default;
};

struct PositionInfo {
  u128 liquidity = 0;
  U256 fee_growth_inside0_last_x128;
  U256 fee_growth_inside1_last_x128;
  u128 tokens_owed0 = 0;
  u128 tokens_owed1 = 0;
};

// Position.update: credits fees earned since the last update to tokens owed
// and applies liquidity_delta. Fails with kNP (poke of an empty position) or
// kLS/kLA without modifying *self.
Revert UpdatePosition(PositionInfo* self, i128 liquidity_delta,
                      const U256& fee_growth_inside0_x128,
                      const U256& fee_growth_inside1_x128);

// Fees earned since the last update, truncated to uint128 as the contract
// does; the uncollected-fee view of a position.
void PendingFees(const PositionInfo& self, const U256& fee_growth_inside0_x128,
                 const U256& fee_growth_inside1_x128, u128* fees0,
                 u128* fees1);

}  // namespace trainyard::univ3
