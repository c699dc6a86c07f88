#include "univ3/swap_math.h"

#include "univ3/full_math.h"
#include "univ3/sqrt_price_math.h"

namespace trainyard::univ3 {

Revert ComputeSwapStep(const U256& sqrt_price, const U256& sqrt_target,
                       u128 liquidity, const I256& amount_remaining,
                       uint32_t fee_pips, SwapStep* step) {
  constexpr uint64_t kPipsPerUnit = 1000000;
  const bool zero_for_one = sqrt_price >= sqrt_target;
  const bool exact_in = !IsNegative(amount_remaining);
  const U256 remaining_abs = Abs(amount_remaining);
  U256 amount_in, amount_out, sqrt_next;

  // The amount0 delta to the target is only compared with the amount when
  // the target is not reached, and recomputed to the new price after. When
  // a safe estimate already shows the amount falls short, it is skipped
  // (and computed later if the new price lands on the target anyway).
  bool skipped_delta_to_target = false;
  if (exact_in) {
    U256 remaining_less_fee;
    TY_UNIV3_TRY(MulDiv(remaining_abs, U256(kPipsPerUnit - fee_pips),
                        U256(kPipsPerUnit), &remaining_less_fee));
    if (zero_for_one) {
      skipped_delta_to_target = Amount0DeltaCertainlyExceeds(
          sqrt_price, sqrt_target, liquidity, remaining_less_fee);
      if (!skipped_delta_to_target) {
        TY_UNIV3_TRY(GetAmount0Delta(sqrt_price, sqrt_target, liquidity, true,
                                     &amount_in));
      }
    } else {
      TY_UNIV3_TRY(GetAmount1Delta(sqrt_price, sqrt_target, liquidity, true,
                                   &amount_in));
    }
    if (!skipped_delta_to_target && remaining_less_fee >= amount_in) {
      sqrt_next = sqrt_target;
    } else {
      TY_UNIV3_TRY(GetNextSqrtPriceFromInput(
          sqrt_price, liquidity, remaining_less_fee, zero_for_one, &sqrt_next));
    }
  } else {
    if (zero_for_one) {
      TY_UNIV3_TRY(GetAmount1Delta(sqrt_target, sqrt_price, liquidity, false,
                                   &amount_out));
    } else {
      skipped_delta_to_target = Amount0DeltaCertainlyExceeds(
          sqrt_target, sqrt_price, liquidity, remaining_abs);
      if (!skipped_delta_to_target) {
        TY_UNIV3_TRY(GetAmount0Delta(sqrt_target, sqrt_price, liquidity, false,
                                     &amount_out));
      }
    }
    if (!skipped_delta_to_target && remaining_abs >= amount_out) {
      sqrt_next = sqrt_target;
    } else {
      TY_UNIV3_TRY(GetNextSqrtPriceFromOutput(
          sqrt_price, liquidity, remaining_abs, zero_for_one, &sqrt_next));
    }
  }

  // A skipped delta to the target equals the delta to sqrt_next == target.
  const bool reached_target =
      sqrt_target == sqrt_next && !skipped_delta_to_target;
  if (zero_for_one) {
    if (!(reached_target && exact_in)) {
      TY_UNIV3_TRY(
          GetAmount0Delta(sqrt_price, sqrt_next, liquidity, true, &amount_in));
    }
    if (!(reached_target && !exact_in)) {
      TY_UNIV3_TRY(GetAmount1Delta(sqrt_next, sqrt_price, liquidity, false,
                                   &amount_out));
    }
  } else {
    if (!(reached_target && exact_in)) {
      TY_UNIV3_TRY(
          GetAmount1Delta(sqrt_price, sqrt_next, liquidity, true, &amount_in));
    }
    if (!(reached_target && !exact_in)) {
      TY_UNIV3_TRY(GetAmount0Delta(sqrt_next, sqrt_price, liquidity, false,
                                   &amount_out));
    }
  }

  if (!exact_in && amount_out > remaining_abs) amount_out = remaining_abs;

  if (exact_in && sqrt_next != sqrt_target) {
    // Target not reached: the rest of the input is the fee.
    step->fee_amount = remaining_abs - amount_in;
  } else {
    TY_UNIV3_TRY(MulDivRoundingUp(amount_in, U256(fee_pips),
                                  U256(kPipsPerUnit - fee_pips),
                                  &step->fee_amount));
  }
  step->sqrt_price_next_x96 = sqrt_next;
  step->amount_in = amount_in;
  step->amount_out = amount_out;
  return Revert::kOk;
}

}  // namespace trainyard::univ3
