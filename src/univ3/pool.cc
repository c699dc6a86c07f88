#include "univ3/pool.h"

#include <optional>
#include <string>

#include "univ3/full_math.h"
#include "univ3/liquidity_math.h"
#include "univ3/sqrt_price_math.h"
#include "univ3/swap_math.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

constexpr uint32_t kFeeDenominator = 1000000;

// uint256 -> int128 as `int256(uint256(amount)).toInt128()`.
bool AmountToLiquidityDelta(u128 amount, i128* delta) {
  if (amount > static_cast<u128>(kI128Max)) return false;
  *delta = static_cast<i128>(amount);
  return true;
}

Revert CheckTicks(int32_t tick_lower, int32_t tick_upper) {
  if (tick_lower >= tick_upper) return Revert::kTLU;
  if (tick_lower < kMinTick) return Revert::kTLM;
  if (tick_upper > kMaxTick) return Revert::kTUM;
  return Revert::kOk;
}

template <typename T>
Result<T> ToResult(Revert r, T value) {
  if (r != Revert::kOk) return RevertStatus(r);
  return value;
}

}  // namespace

int32_t DefaultTickSpacing(uint32_t fee) {
  switch (fee) {
    case 100:
      return 1;
    case 500:
      return 10;
    case 3000:
      return 60;
    case 10000:
      return 200;
    default:
      return 0;
  }
}

Pool::Pool(uint32_t fee, int32_t tick_spacing)
    : fee_(fee),
      tick_spacing_(tick_spacing),
      max_liquidity_per_tick_(MaxLiquidityPerTick(tick_spacing)),
      bitmap_(tick_spacing) {
  crossed_.reserve(64);
}

Result<Pool> Pool::Create(uint32_t fee, int32_t tick_spacing) {
  if (fee >= kFeeDenominator) {
    return ValidationError("fee must be below 1000000 (hundredths of a bip)",
                           {{"fee", "must be below 1000000"}});
  }
  // The factory enforces 0 < tickSpacing < 16384.
  if (tick_spacing <= 0 || tick_spacing >= 16384) {
    return ValidationError("tick_spacing must be in 1..16383",
                           {{"tick_spacing", "must be in 1..16383"}});
  }
  return Pool(fee, tick_spacing);
}

Result<Pool> Pool::FromState(const PoolState& state) {
  TY_ASSIGN_OR_RETURN(Pool pool, Create(state.fee, state.tick_spacing));
  const Slot0& s = state.slot0;
  if (s.sqrt_price_x96 < kMinSqrtRatio || s.sqrt_price_x96 >= kMaxSqrtRatio) {
    return ValidationError("pool price is uninitialized or out of range");
  }
  if (s.tick < kMinTick || s.tick > kMaxTick) {
    return ValidationError("pool tick out of range");
  }
  pool.slot0_ = s;
  pool.slot0_.unlocked = true;
  pool.liquidity_ = state.liquidity;
  pool.fee_growth_global0_ = state.fee_growth_global0_x128;
  pool.fee_growth_global1_ = state.fee_growth_global1_x128;
  pool.protocol_fees0_ = state.protocol_fees0;
  pool.protocol_fees1_ = state.protocol_fees1;
  pool.ticks_.Reserve(state.ticks.size());
  for (const auto& [tick, info] : state.ticks) {
    if (!info.initialized || info.liquidity_gross == 0) {
      return ValidationError("tick " + std::to_string(tick) +
                             " is not initialized");
    }
    if (tick < kMinTick || tick > kMaxTick) {
      return ValidationError("tick " + std::to_string(tick) + " out of range");
    }
    if (pool.ticks_.Find(tick) != nullptr) {
      return ValidationError("tick " + std::to_string(tick) + " repeated");
    }
    if (pool.bitmap_.FlipTick(tick) != Revert::kOk) {
      return ValidationError("tick " + std::to_string(tick) +
                             " is not a multiple of the tick spacing");
    }
    pool.ticks_.Restore(tick, &info);
  }
  pool.positions_.Reserve(state.positions.size());
  for (const auto& [key, info] : state.positions) {
    if (key.tick_lower >= key.tick_upper || key.tick_lower < kMinTick ||
        key.tick_upper > kMaxTick) {
      return ValidationError("position [" + std::to_string(key.tick_lower) +
                             ", " + std::to_string(key.tick_upper) +
                             ") is not a valid range");
    }
    if (pool.positions_.Find(key) != nullptr) {
      return ValidationError("position [" + std::to_string(key.tick_lower) +
                             ", " + std::to_string(key.tick_upper) +
                             ") of one owner repeated");
    }
    pool.positions_.FindOrInsert(key) = info;
  }
  return pool;
}

Status Pool::Initialize(const U256& sqrt_price_x96) {
  if (!slot0_.sqrt_price_x96.IsZero()) return RevertStatus(Revert::kAI);
  int32_t tick;
  const Revert r = GetTickAtSqrtRatio(sqrt_price_x96, &tick);
  if (r != Revert::kOk) return RevertStatus(r);
  slot0_.sqrt_price_x96 = sqrt_price_x96;
  slot0_.tick = tick;
  slot0_.fee_protocol = 0;
  slot0_.unlocked = true;
  return Status::Ok();
}

Revert Pool::UpdatePositionAndTicks(const PositionKey& key,
                                    i128 liquidity_delta,
                                    PositionInfo** position) {
  const int32_t tick = slot0_.tick;
  // Snapshots so that a revert part-way leaves the pool untouched.
  const TickInfo* lower_ptr = ticks_.Find(key.tick_lower);
  const TickInfo* upper_ptr = ticks_.Find(key.tick_upper);
  const std::optional<TickInfo> saved_lower =
      lower_ptr ? std::optional<TickInfo>(*lower_ptr) : std::nullopt;
  const std::optional<TickInfo> saved_upper =
      upper_ptr ? std::optional<TickInfo>(*upper_ptr) : std::nullopt;
  bool flipped_lower = false, flipped_upper = false;
  bool bitmap_lower = false, bitmap_upper = false;
  auto rollback = [&](Revert r) {
    if (bitmap_upper) bitmap_.FlipTick(key.tick_upper);
    if (bitmap_lower) bitmap_.FlipTick(key.tick_lower);
    ticks_.Restore(key.tick_upper, saved_upper ? &*saved_upper : nullptr);
    ticks_.Restore(key.tick_lower, saved_lower ? &*saved_lower : nullptr);
    return r;
  };

  if (liquidity_delta != 0) {
    Revert r = ticks_.Update(key.tick_lower, tick, liquidity_delta,
                             fee_growth_global0_, fee_growth_global1_, false,
                             max_liquidity_per_tick_, &flipped_lower);
    if (r != Revert::kOk) return rollback(r);
    r = ticks_.Update(key.tick_upper, tick, liquidity_delta,
                      fee_growth_global0_, fee_growth_global1_, true,
                      max_liquidity_per_tick_, &flipped_upper);
    if (r != Revert::kOk) return rollback(r);
    if (flipped_lower) {
      r = bitmap_.FlipTick(key.tick_lower);
      if (r != Revert::kOk) return rollback(r);
      bitmap_lower = true;
    }
    if (flipped_upper) {
      r = bitmap_.FlipTick(key.tick_upper);
      if (r != Revert::kOk) return rollback(r);
      bitmap_upper = true;
    }
  }

  U256 inside0, inside1;
  ticks_.FeeGrowthInside(key.tick_lower, key.tick_upper, tick,
                         fee_growth_global0_, fee_growth_global1_, &inside0,
                         &inside1);
  const PositionInfo* existing = positions_.Find(key);
  PositionInfo updated = existing != nullptr ? *existing : PositionInfo();
  const Revert r = UpdatePosition(&updated, liquidity_delta, inside0, inside1);
  if (r != Revert::kOk) return rollback(r);
  PositionInfo& stored = positions_.FindOrInsert(key);
  stored = updated;
  *position = &stored;

  if (liquidity_delta < 0) {  // clear tick data that is no longer needed
    if (flipped_lower) ticks_.Clear(key.tick_lower);
    if (flipped_upper) ticks_.Clear(key.tick_upper);
  }
  return Revert::kOk;
}

Revert Pool::ModifyPosition(OwnerId owner, int32_t tick_lower,
                            int32_t tick_upper, i128 liquidity_delta,
                            PositionInfo** position, I256* amount0,
                            I256* amount1) {
  TY_UNIV3_TRY(CheckTicks(tick_lower, tick_upper));
  *amount0 = I256();
  *amount1 = I256();
  // The amounts cannot fail for valid ticks (see the contract's comments),
  // but compute them first anyway so that nothing needs undoing if they do.
  u128 liquidity_after = liquidity_;
  if (liquidity_delta != 0) {
    U256 sqrt_lower, sqrt_upper;
    TY_UNIV3_TRY(GetSqrtRatioAtTick(tick_lower, &sqrt_lower));
    TY_UNIV3_TRY(GetSqrtRatioAtTick(tick_upper, &sqrt_upper));
    if (slot0_.tick < tick_lower) {
      TY_UNIV3_TRY(GetAmount0DeltaSigned(sqrt_lower, sqrt_upper,
                                         liquidity_delta, amount0));
    } else if (slot0_.tick < tick_upper) {
      TY_UNIV3_TRY(GetAmount0DeltaSigned(slot0_.sqrt_price_x96, sqrt_upper,
                                         liquidity_delta, amount0));
      TY_UNIV3_TRY(GetAmount1DeltaSigned(sqrt_lower, slot0_.sqrt_price_x96,
                                         liquidity_delta, amount1));
      TY_UNIV3_TRY(
          AddLiquidityDelta(liquidity_, liquidity_delta, &liquidity_after));
    } else {
      TY_UNIV3_TRY(GetAmount1DeltaSigned(sqrt_lower, sqrt_upper,
                                         liquidity_delta, amount1));
    }
  }
  TY_UNIV3_TRY(UpdatePositionAndTicks({owner, tick_lower, tick_upper},
                                      liquidity_delta, position));
  liquidity_ = liquidity_after;
  return Revert::kOk;
}

Revert Pool::TryMint(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                     u128 amount, ModifyResult* out) {
  if (!slot0_.unlocked) return Revert::kLOK;
  if (amount == 0) return Revert::kZeroAmount;
  i128 delta;
  if (!AmountToLiquidityDelta(amount, &delta)) return Revert::kSafeCast;
  PositionInfo* position;
  I256 amount0, amount1;
  TY_UNIV3_TRY(ModifyPosition(owner, tick_lower, tick_upper, delta, &position,
                              &amount0, &amount1));
  out->amount0 = amount0;  // non-negative for a mint
  out->amount1 = amount1;
  return Revert::kOk;
}

Revert Pool::TryBurn(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                     u128 amount, ModifyResult* out) {
  if (!slot0_.unlocked) return Revert::kLOK;
  i128 delta;
  if (!AmountToLiquidityDelta(amount, &delta)) return Revert::kSafeCast;
  PositionInfo* position;
  I256 amount0, amount1;
  TY_UNIV3_TRY(ModifyPosition(owner, tick_lower, tick_upper, -delta, &position,
                              &amount0, &amount1));
  out->amount0 = Negate(amount0);
  out->amount1 = Negate(amount1);
  if (!out->amount0.IsZero() || !out->amount1.IsZero()) {
    // uint128() truncation and unchecked addition, as in the contract.
    position->tokens_owed0 += out->amount0.Low128();
    position->tokens_owed1 += out->amount1.Low128();
  }
  return Revert::kOk;
}

Revert Pool::TryCollect(OwnerId owner, int32_t tick_lower, int32_t tick_upper,
                        u128 amount0_requested, u128 amount1_requested,
                        CollectResult* out) {
  if (!slot0_.unlocked) return Revert::kLOK;
  PositionInfo* position = positions_.Find({owner, tick_lower, tick_upper});
  if (position == nullptr) {
    *out = CollectResult();
    return Revert::kOk;
  }
  out->amount0 = amount0_requested > position->tokens_owed0
                     ? position->tokens_owed0
                     : amount0_requested;
  out->amount1 = amount1_requested > position->tokens_owed1
                     ? position->tokens_owed1
                     : amount1_requested;
  position->tokens_owed0 -= out->amount0;
  position->tokens_owed1 -= out->amount1;
  return Revert::kOk;
}

void Pool::UndoCrosses() {
  for (auto it = crossed_.rbegin(); it != crossed_.rend(); ++it) {
    TickInfo saved = *ticks_.Find(it->tick);
    saved.fee_growth_outside0_x128 = it->outside0;
    saved.fee_growth_outside1_x128 = it->outside1;
    ticks_.Restore(it->tick, &saved);
  }
  crossed_.clear();
}

Revert Pool::TrySwap(bool zero_for_one, const I256& amount_specified,
                     const U256& sqrt_price_limit_x96, SwapResult* out) {
  if (amount_specified.IsZero()) return Revert::kAS;
  if (!slot0_.unlocked) return Revert::kLOK;
  const U256& price = slot0_.sqrt_price_x96;
  const bool limit_ok = zero_for_one ? (sqrt_price_limit_x96 < price &&
                                        sqrt_price_limit_x96 > kMinSqrtRatio)
                                     : (sqrt_price_limit_x96 > price &&
                                        sqrt_price_limit_x96 < kMaxSqrtRatio);
  if (!limit_ok) return Revert::kSPL;
  crossed_.clear();
  const Revert r =
      SwapLoop(zero_for_one, amount_specified, sqrt_price_limit_x96, out);
  if (r != Revert::kOk) UndoCrosses();
  return r;
}

Revert Pool::SwapLoop(bool zero_for_one, const I256& amount_specified,
                      const U256& sqrt_price_limit_x96, SwapResult* out) {
  const uint8_t fee_protocol =
      zero_for_one ? (slot0_.fee_protocol % 16) : (slot0_.fee_protocol >> 4);
  const bool exact_input = !IsNegative(amount_specified);
  I256 remaining = amount_specified;
  I256 calculated;
  U256 sqrt_price = slot0_.sqrt_price_x96;
  int32_t tick = slot0_.tick;
  U256 fee_growth_global =
      zero_for_one ? fee_growth_global0_ : fee_growth_global1_;
  u128 protocol_fee = 0;
  u128 liquidity = liquidity_;
  U256 total_fee;
  int32_t crossed = 0;
  SwapStep step;  // outside the loop: zeroing 128 bytes per step shows

  while (!remaining.IsZero() && sqrt_price != sqrt_price_limit_x96) {
    const U256 sqrt_start = sqrt_price;
    int32_t tick_next;
    bool initialized;
    bitmap_.NextInitializedTickWithinOneWord(tick, zero_for_one, &tick_next,
                                             &initialized);
    // The bitmap does not know the tick bounds.
    if (tick_next < kMinTick) {
      tick_next = kMinTick;
    } else if (tick_next > kMaxTick) {
      tick_next = kMaxTick;
    }
    U256 sqrt_next;
    TY_UNIV3_TRY(sqrt_cache_.Get(tick_next, &sqrt_next));
    const bool limit_first = zero_for_one ? sqrt_next < sqrt_price_limit_x96
                                          : sqrt_next > sqrt_price_limit_x96;
    TY_UNIV3_TRY(ComputeSwapStep(sqrt_price,
                                 limit_first ? sqrt_price_limit_x96 : sqrt_next,
                                 liquidity, remaining, fee_, &step));
    sqrt_price = step.sqrt_price_next_x96;

    I256 in_plus_fee, out_amount;
    if (!ToInt256(step.amount_in + step.fee_amount, &in_plus_fee) ||
        !ToInt256(step.amount_out, &out_amount)) {
      return Revert::kSafeCast;
    }
    if (exact_input) {
      remaining = remaining - in_plus_fee;  // unchecked on chain, cannot wrap
      if (!CheckedSignedSub(calculated, out_amount, &calculated)) {
        return Revert::kSafeMath;
      }
    } else {
      remaining = remaining + out_amount;
      if (!CheckedSignedAdd(calculated, in_plus_fee, &calculated)) {
        return Revert::kSafeMath;
      }
    }
    total_fee = total_fee + step.fee_amount;

    U256 lp_fee = step.fee_amount;
    if (fee_protocol > 0) {
      const U256 delta = lp_fee / U256(fee_protocol);
      lp_fee = lp_fee - delta;
      protocol_fee += delta.Low128();  // uint128() and unchecked, as on chain
    }
    if (liquidity > 0) {
      U256 growth;
      if (lp_fee.FitsU128()) {
        growth = fee_divider_.Divide(lp_fee.Low128(), liquidity);
      } else {
        TY_UNIV3_TRY(MulDiv(lp_fee, kQ128, U256::FromU128(liquidity), &growth));
      }
      fee_growth_global = fee_growth_global + growth;  // wraps by design
    }

    if (sqrt_price == sqrt_next) {
      if (initialized) {
        const TickInfo* info = ticks_.Find(tick_next);
        crossed_.push_back({tick_next, info->fee_growth_outside0_x128,
                            info->fee_growth_outside1_x128});
        i128 net = ticks_.Cross(
            tick_next, zero_for_one ? fee_growth_global : fee_growth_global0_,
            zero_for_one ? fee_growth_global1_ : fee_growth_global);
        // liquidity_net is never int128.min (maxLiquidityPerTick bounds it).
        if (zero_for_one)
          net =
              static_cast<i128>(static_cast<u128>(0) - static_cast<u128>(net));
        TY_UNIV3_TRY(AddLiquidityDelta(liquidity, net, &liquidity));
        ++crossed;
      }
      tick = zero_for_one ? tick_next - 1 : tick_next;
    } else if (sqrt_price != sqrt_start) {
      TY_UNIV3_TRY(FastTickAtSqrtRatio(sqrt_price, &tick));
    }
  }

  slot0_.sqrt_price_x96 = sqrt_price;
  slot0_.tick = tick;
  liquidity_ = liquidity;
  if (zero_for_one) {
    fee_growth_global0_ = fee_growth_global;
    protocol_fees0_ += protocol_fee;
  } else {
    fee_growth_global1_ = fee_growth_global;
    protocol_fees1_ += protocol_fee;
  }
  const I256 specified_used = amount_specified - remaining;
  if (zero_for_one == exact_input) {
    out->amount0 = specified_used;
    out->amount1 = calculated;
  } else {
    out->amount0 = calculated;
    out->amount1 = specified_used;
  }
  out->fee_amount = total_fee;
  out->ticks_crossed = crossed;
  return Revert::kOk;
}

Result<ModifyResult> Pool::Mint(OwnerId owner, int32_t tick_lower,
                                int32_t tick_upper, u128 amount) {
  ModifyResult out;
  const Revert r = TryMint(owner, tick_lower, tick_upper, amount, &out);
  return ToResult(r, out);
}

Result<ModifyResult> Pool::Burn(OwnerId owner, int32_t tick_lower,
                                int32_t tick_upper, u128 amount) {
  ModifyResult out;
  const Revert r = TryBurn(owner, tick_lower, tick_upper, amount, &out);
  return ToResult(r, out);
}

Result<CollectResult> Pool::Collect(OwnerId owner, int32_t tick_lower,
                                    int32_t tick_upper, u128 amount0_requested,
                                    u128 amount1_requested) {
  CollectResult out;
  const Revert r = TryCollect(owner, tick_lower, tick_upper, amount0_requested,
                              amount1_requested, &out);
  return ToResult(r, out);
}

Result<SwapResult> Pool::Swap(bool zero_for_one, const I256& amount_specified,
                              const U256& sqrt_price_limit_x96) {
  SwapResult out;
  const Revert r =
      TrySwap(zero_for_one, amount_specified, sqrt_price_limit_x96, &out);
  return ToResult(r, out);
}

Result<ModifyResult> Pool::Flash(const U256& amount0, const U256& amount1,
                                 const U256& paid0, const U256& paid1) {
  if (!slot0_.unlocked) return RevertStatus(Revert::kLOK);
  if (liquidity_ == 0) return RevertStatus(Revert::kL);
  ModifyResult fees;
  Revert r = MulDivRoundingUp(amount0, U256(fee_), U256(kFeeDenominator),
                              &fees.amount0);
  if (r == Revert::kOk) {
    r = MulDivRoundingUp(amount1, U256(fee_), U256(kFeeDenominator),
                         &fees.amount1);
  }
  if (r != Revert::kOk) return RevertStatus(r);
  if (paid0 < fees.amount0) return RevertStatus(Revert::kF0);
  if (paid1 < fees.amount1) return RevertStatus(Revert::kF1);
  // Protocol share and fee growth per token, computed before any state
  // changes so that a mulDiv revert leaves the pool untouched.
  const U256 l = U256::FromU128(liquidity_);
  const uint8_t protocol0 = slot0_.fee_protocol % 16;
  const uint8_t protocol1 = slot0_.fee_protocol >> 4;
  const U256 p_fees0 = protocol0 == 0 ? U256() : paid0 / U256(protocol0);
  const U256 p_fees1 = protocol1 == 0 ? U256() : paid1 / U256(protocol1);
  U256 growth0, growth1;
  if (!paid0.IsZero()) {
    r = MulDiv(paid0 - p_fees0, kQ128, l, &growth0);
    if (r != Revert::kOk) return RevertStatus(r);
  }
  if (!paid1.IsZero()) {
    r = MulDiv(paid1 - p_fees1, kQ128, l, &growth1);
    if (r != Revert::kOk) return RevertStatus(r);
  }
  // Unchecked (wrapping) in the contract.
  protocol_fees0_ += p_fees0.Low128();
  protocol_fees1_ += p_fees1.Low128();
  fee_growth_global0_ = fee_growth_global0_ + growth0;
  fee_growth_global1_ = fee_growth_global1_ + growth1;
  return fees;
}

Status Pool::SetFeeProtocol(uint8_t fee_protocol0, uint8_t fee_protocol1) {
  if (!slot0_.unlocked) return RevertStatus(Revert::kLOK);
  auto valid = [](uint8_t v) { return v == 0 || (v >= 4 && v <= 10); };
  if (!valid(fee_protocol0) || !valid(fee_protocol1)) {
    return RevertStatus(Revert::kFeeProtocol);
  }
  slot0_.fee_protocol =
      static_cast<uint8_t>(fee_protocol0 + (fee_protocol1 << 4));
  return Status::Ok();
}

Result<CollectResult> Pool::CollectProtocol(u128 amount0_requested,
                                            u128 amount1_requested) {
  if (!slot0_.unlocked) return RevertStatus(Revert::kLOK);
  CollectResult out;
  out.amount0 =
      amount0_requested > protocol_fees0_ ? protocol_fees0_ : amount0_requested;
  out.amount1 =
      amount1_requested > protocol_fees1_ ? protocol_fees1_ : amount1_requested;
  // The contract leaves 1 wei so the storage slot is not cleared.
  if (out.amount0 > 0) {
    if (out.amount0 == protocol_fees0_) --out.amount0;
    protocol_fees0_ -= out.amount0;
  }
  if (out.amount1 > 0) {
    if (out.amount1 == protocol_fees1_) --out.amount1;
    protocol_fees1_ -= out.amount1;
  }
  return out;
}

void Pool::FeeGrowthInside(int32_t tick_lower, int32_t tick_upper,
                           U256* inside0, U256* inside1) const {
  ticks_.FeeGrowthInside(tick_lower, tick_upper, slot0_.tick,
                         fee_growth_global0_, fee_growth_global1_, inside0,
                         inside1);
}

void Pool::UncollectedFees(OwnerId owner, int32_t tick_lower,
                           int32_t tick_upper, u128* fees0, u128* fees1) const {
  *fees0 = 0;
  *fees1 = 0;
  const PositionInfo* position = GetPosition(owner, tick_lower, tick_upper);
  if (position == nullptr) return;
  U256 inside0, inside1;
  FeeGrowthInside(tick_lower, tick_upper, &inside0, &inside1);
  PendingFees(*position, inside0, inside1, fees0, fees1);
  *fees0 += position->tokens_owed0;
  *fees1 += position->tokens_owed1;
}

size_t Pool::MemoryBytes() const {
  return sizeof(Pool) + ticks_.MemoryBytes() + bitmap_.MemoryBytes() +
         positions_.MemoryBytes() + crossed_.capacity() * sizeof(CrossRecord);
}

bool Pool::PruneEmptyPosition(OwnerId owner, int32_t tick_lower,
                              int32_t tick_upper) {
  const PositionKey key{owner, tick_lower, tick_upper};
  const PositionInfo* p = positions_.Find(key);
  if (p == nullptr) return true;
  if (p->liquidity != 0 || p->tokens_owed0 != 0 || p->tokens_owed1 != 0) {
    return false;
  }
  positions_.Erase(key);
  return true;
}

void Pool::Reserve(size_t ticks, size_t positions) {
  ticks_.Reserve(ticks);
  positions_.Reserve(positions);
}

}  // namespace trainyard::univ3
