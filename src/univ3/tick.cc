#include "univ3/tick.h"

#include <algorithm>

#include "univ3/liquidity_math.h"
#include "univ3/tick_math.h"

namespace trainyard::univ3 {
namespace {

const TickInfo kEmptyTick;

// int128 + int128 (or -) widened, then SafeCast.toInt128.
bool AddNet(i128 net, i128 delta, bool subtract, i128* out) {
  return subtract ? !__builtin_sub_overflow(net, delta, out)
                  : !__builtin_add_overflow(net, delta, out);
}

}  // namespace

u128 MaxLiquidityPerTick(int32_t tick_spacing) {
  const int32_t min_tick = (kMinTick / tick_spacing) * tick_spacing;
  const int32_t max_tick = (kMaxTick / tick_spacing) * tick_spacing;
  const uint32_t num_ticks =
      static_cast<uint32_t>((max_tick - min_tick) / tick_spacing) + 1;
  return kU128Max / num_ticks;
}

Revert TickTable::Update(int32_t tick, int32_t tick_current,
                         i128 liquidity_delta, const U256& fee_growth_global0,
                         const U256& fee_growth_global1, bool upper,
                         u128 max_liquidity, bool* flipped) {
  const TickInfo* existing = map_.Find(tick);
  const TickInfo& before = existing != nullptr ? *existing : kEmptyTick;
  u128 gross_after;
  TY_UNIV3_TRY(
      AddLiquidityDelta(before.liquidity_gross, liquidity_delta, &gross_after));
  if (gross_after > max_liquidity) return Revert::kLO;
  i128 net_after;
  if (!AddNet(before.liquidity_net, liquidity_delta, upper, &net_after)) {
    return Revert::kSafeCast;
  }
  *flipped = (gross_after == 0) != (before.liquidity_gross == 0);

  TickInfo& info = map_.FindOrInsert(tick);
  if (info.liquidity_gross == 0) {
    // By convention all growth before initialization happened below the tick.
    if (tick <= tick_current) {
      info.fee_growth_outside0_x128 = fee_growth_global0;
      info.fee_growth_outside1_x128 = fee_growth_global1;
    }
    info.initialized = true;
  }
  info.liquidity_gross = gross_after;
  info.liquidity_net = net_after;
  return Revert::kOk;
}

i128 TickTable::Cross(int32_t tick, const U256& fee_growth_global0,
                      const U256& fee_growth_global1) {
  TickInfo& info = map_.FindOrInsert(tick);
  info.fee_growth_outside0_x128 =
      fee_growth_global0 - info.fee_growth_outside0_x128;
  info.fee_growth_outside1_x128 =
      fee_growth_global1 - info.fee_growth_outside1_x128;
  return info.liquidity_net;
}

void TickTable::FeeGrowthInside(int32_t lower, int32_t upper,
                                int32_t tick_current,
                                const U256& fee_growth_global0,
                                const U256& fee_growth_global1, U256* inside0,
                                U256* inside1) const {
  const TickInfo* lo_ptr = map_.Find(lower);
  const TickInfo* up_ptr = map_.Find(upper);
  const TickInfo& lo = lo_ptr != nullptr ? *lo_ptr : kEmptyTick;
  const TickInfo& up = up_ptr != nullptr ? *up_ptr : kEmptyTick;
  U256 below0, below1, above0, above1;
  if (tick_current >= lower) {
    below0 = lo.fee_growth_outside0_x128;
    below1 = lo.fee_growth_outside1_x128;
  } else {
    below0 = fee_growth_global0 - lo.fee_growth_outside0_x128;
    below1 = fee_growth_global1 - lo.fee_growth_outside1_x128;
  }
  if (tick_current < upper) {
    above0 = up.fee_growth_outside0_x128;
    above1 = up.fee_growth_outside1_x128;
  } else {
    above0 = fee_growth_global0 - up.fee_growth_outside0_x128;
    above1 = fee_growth_global1 - up.fee_growth_outside1_x128;
  }
  *inside0 = fee_growth_global0 - below0 - above0;
  *inside1 = fee_growth_global1 - below1 - above1;
}

void TickTable::Restore(int32_t tick, const TickInfo* saved) {
  if (saved == nullptr) {
    map_.Erase(tick);
  } else {
    map_.FindOrInsert(tick) = *saved;
  }
}

std::vector<int32_t> TickTable::SortedTicks() const {
  std::vector<int32_t> ticks;
  ticks.reserve(map_.size());
  map_.ForEach([&](int32_t t, const TickInfo&) { ticks.push_back(t); });
  std::sort(ticks.begin(), ticks.end());
  return ticks;
}

}  // namespace trainyard::univ3
