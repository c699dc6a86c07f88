#include "univ3/liquidity_amounts.h"

#include <utility>

#include "univ3/full_math.h"
#include "univ3/price.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

Revert ToU128(const U256& v, u128* out) {
  if (!v.FitsU128()) return Revert::kSafeCast;
  *out = v.Low128();
  return Revert::kOk;
}

void Sort(U256* a, U256* b) {
  if (*a > *b) std::swap(*a, *b);
}

U256 Amount0ForLiquidity(const U256& a, const U256& b, u128 liquidity) {
  U256 r;
  // Cannot overflow: (L << 96) * (b - a) / b < L << 96.
  MulDiv(U256::FromU128(liquidity) << 96, b - a, b, &r);
  return r / a;
}

U256 Amount1ForLiquidity(const U256& a, const U256& b, u128 liquidity) {
  U256 r;
  MulDiv(U256::FromU128(liquidity), b - a, kQ96, &r);
  return r;
}

}  // namespace

Revert GetLiquidityForAmount0(U256 sqrt_a, U256 sqrt_b, const U256& amount0,
                              u128* liquidity) {
  Sort(&sqrt_a, &sqrt_b);
  U256 intermediate, l;
  TY_UNIV3_TRY(MulDiv(sqrt_a, sqrt_b, kQ96, &intermediate));
  TY_UNIV3_TRY(MulDiv(amount0, intermediate, sqrt_b - sqrt_a, &l));
  return ToU128(l, liquidity);
}

Revert GetLiquidityForAmount1(U256 sqrt_a, U256 sqrt_b, const U256& amount1,
                              u128* liquidity) {
  Sort(&sqrt_a, &sqrt_b);
  U256 l;
  TY_UNIV3_TRY(MulDiv(amount1, kQ96, sqrt_b - sqrt_a, &l));
  return ToU128(l, liquidity);
}

Revert GetLiquidityForAmounts(const U256& sqrt_price, U256 sqrt_a, U256 sqrt_b,
                              const U256& amount0, const U256& amount1,
                              u128* liquidity) {
  Sort(&sqrt_a, &sqrt_b);
  if (sqrt_price <= sqrt_a) {
    return GetLiquidityForAmount0(sqrt_a, sqrt_b, amount0, liquidity);
  }
  if (sqrt_price < sqrt_b) {
    u128 l0, l1;
    TY_UNIV3_TRY(GetLiquidityForAmount0(sqrt_price, sqrt_b, amount0, &l0));
    TY_UNIV3_TRY(GetLiquidityForAmount1(sqrt_a, sqrt_price, amount1, &l1));
    *liquidity = l0 < l1 ? l0 : l1;
    return Revert::kOk;
  }
  return GetLiquidityForAmount1(sqrt_a, sqrt_b, amount1, liquidity);
}

void GetAmountsForLiquidity(const U256& sqrt_price, U256 sqrt_a, U256 sqrt_b,
                            u128 liquidity, U256* amount0, U256* amount1) {
  Sort(&sqrt_a, &sqrt_b);
  *amount0 = U256();
  *amount1 = U256();
  if (sqrt_a.IsZero()) return;
  if (sqrt_price <= sqrt_a) {
    *amount0 = Amount0ForLiquidity(sqrt_a, sqrt_b, liquidity);
  } else if (sqrt_price < sqrt_b) {
    *amount0 = Amount0ForLiquidity(sqrt_price, sqrt_b, liquidity);
    *amount1 = Amount1ForLiquidity(sqrt_a, sqrt_price, liquidity);
  } else {
    *amount1 = Amount1ForLiquidity(sqrt_a, sqrt_b, liquidity);
  }
}

PositionValue ValuePosition(const Pool& pool, OwnerId owner, int32_t tick_lower,
                            int32_t tick_upper) {
  PositionValue v;
  const PositionInfo* p = pool.GetPosition(owner, tick_lower, tick_upper);
  if (p == nullptr) return v;
  U256 sqrt_a, sqrt_b;
  if (GetSqrtRatioAtTick(tick_lower, &sqrt_a) != Revert::kOk ||
      GetSqrtRatioAtTick(tick_upper, &sqrt_b) != Revert::kOk) {
    return v;
  }
  GetAmountsForLiquidity(pool.slot0().sqrt_price_x96, sqrt_a, sqrt_b,
                         p->liquidity, &v.amount0, &v.amount1);
  pool.UncollectedFees(owner, tick_lower, tick_upper, &v.fees0, &v.fees1);
  const double price = SqrtPriceX96ToRawPrice(pool.slot0().sqrt_price_x96);
  v.value_in_token1 =
      (ToDouble(v.amount0) + static_cast<double>(v.fees0)) * price +
      ToDouble(v.amount1) + static_cast<double>(v.fees1);
  return v;
}

double ImpermanentLoss(double position_value_token1, double deposited0,
                       double deposited1, double price) {
  const double hold = deposited0 * price + deposited1;
  return position_value_token1 / hold - 1.0;
}

}  // namespace trainyard::univ3
