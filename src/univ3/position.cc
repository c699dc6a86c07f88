#include "univ3/position.h"

#include "univ3/full_math.h"
#include "univ3/liquidity_math.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {

void PendingFees(const PositionInfo& self, const U256& fee_growth_inside0_x128,
                 const U256& fee_growth_inside1_x128, u128* fees0,
                 u128* fees1) {
  const U256 liquidity = U256::FromU128(self.liquidity);
  U256 owed0, owed1;
  // Cannot fail: (growth < 2^256) * (liquidity < 2^128) / 2^128 < 2^256.
  MulDiv(fee_growth_inside0_x128 - self.fee_growth_inside0_last_x128,
         liquidity, kQ128, &owed0);
  MulDiv(fee_growth_inside1_x128 - self.fee_growth_inside1_last_x128,
         liquidity, kQ128, &owed1);
  *fees0 = owed0.Low128();  // uint128() truncation, as on chain
  *fees1 = owed1.Low128();
}

Revert UpdatePosition(PositionInfo* self, i128 liquidity_delta,
                      const U256& fee_growth_inside0_x128,
                      const U256& fee_growth_inside1_x128) {
  u128 liquidity_next = self->liquidity;
  if (liquidity_delta == 0) {
    if (self->liquidity == 0) return Revert::kNP;
  } else {
    TY_UNIV3_TRY(
        AddLiquidityDelta(self->liquidity, liquidity_delta, &liquidity_next));
  }
  u128 owed0, owed1;
  PendingFees(*self, fee_growth_inside0_x128, fee_growth_inside1_x128, &owed0,
              &owed1);
  self->liquidity = liquidity_next;
  self->fee_growth_inside0_last_x128 = fee_growth_inside0_x128;
  self->fee_growth_inside1_last_x128 = fee_growth_inside1_x128;
  // Overflow is acceptable on chain: owners must collect before 2^128.
  self->tokens_owed0 += owed0;
  self->tokens_owed1 += owed1;
  return Revert::kOk;
}

}  // namespace trainyard::univ3
