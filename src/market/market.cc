#include "market/market.h"

#include <algorithm>
#include <cmath>

#include "univ3/full_math.h"
#include "univ3/price.h"
#include "univ3/tick_math.h"

namespace trainyard::market {

using univ3::CollectResult;
using univ3::I256;
using univ3::kMaxSqrtRatio;
using univ3::kMinSqrtRatio;
using univ3::kQ128;
using univ3::kU128Max;
using univ3::ModifyResult;
using univ3::OwnerId;
using univ3::Revert;
using univ3::SwapResult;
using univ3::u128;
using univ3::U256;

namespace {

Status Bad(const std::string& field, const std::string& message) {
  return ValidationError(field + " " + message, {{field, message}});
}

bool Probability(double p) { return p >= 0.0 && p <= 1.0; }

Status ValidateConfig(const MarketConfig& c) {
  TY_RETURN_IF_ERROR(ValidatePriceProcessConfig(c.process));
  if (c.preset.decimals0 < 0 || c.preset.decimals0 > 36 ||
      c.preset.decimals1 < 0 || c.preset.decimals1 > 36) {
    return Bad("preset.decimals", "must be in 0..36");
  }
  if (!(c.noise.trades_per_step >= 0.0)) return Bad("noise.trades_per_step", "must be >= 0");
  if (!(c.noise.mean_size >= 0.0)) return Bad("noise.mean_size", "must be >= 0");
  if (!(c.noise.max_slippage > 0.0 && c.noise.max_slippage < 1.0)) {
    return Bad("noise.max_slippage", "must be in (0, 1)");
  }
  if (!(c.whale.max_slippage > 0.0 && c.whale.max_slippage < 1.0)) {
    return Bad("whale.max_slippage", "must be in (0, 1)");
  }
  if (!Probability(c.whale.probability)) return Bad("whale.probability", "must be in [0, 1]");
  if (c.lps.count < 0 || c.lps.count > 64) return Bad("lps.count", "must be in 0..64");
  if (c.lps.min_half_width < 1 || c.lps.max_half_width < c.lps.min_half_width) {
    return Bad("lps.min_half_width", "must be >= 1 and <= lps.max_half_width");
  }
  if (!Probability(c.lps.rebalance_probability) ||
      !Probability(c.lps.out_of_range_rebalance_probability)) {
    return Bad("lps.rebalance_probability", "must be in [0, 1]");
  }
  if (!(c.arbitrageur.min_edge >= 0.0)) return Bad("arbitrageur.min_edge", "must be >= 0");
  return Status::Ok();
}

}  // namespace

Result<MarketConfig> DefaultMarketConfig(const std::string& preset) {
  TY_ASSIGN_OR_RETURN(PoolPreset p, FindPreset(preset));
  MarketConfig c;
  c.preset = p;
  c.process.initial_price = p.price;
  c.process.volatility = p.volatility;
  if (p.gas_price_gwei > 0.0) c.gas.gas_price_gwei = p.gas_price_gwei;
  if (p.token0 == "WETH" || p.token0 == "ETH") {
    c.gas.eth_usd = p.price * p.token1_usd;
  } else if (p.token1 == "WETH") {
    c.gas.eth_usd = p.token1_usd;
  }
  return c;
}

Market::Market(const MarketConfig& config)
    : config_(config),
      scale0_(std::pow(10.0, config.preset.decimals0)),
      scale1_(std::pow(10.0, config.preset.decimals1)),
      price_scale_(std::pow(10.0, config.preset.decimals0 - config.preset.decimals1)),
      process_(config.process),
      pool_(univ3::Pool::Create(config.preset.fee, config.preset.tick_spacing)
                .value()) {
  if (config_.noise.mean_size == 0.0) {
    config_.noise.mean_size = config_.preset.noise_trade_size;
  }
  if (config_.lps.capital == 0.0) config_.lps.capital = config_.preset.lp_capital;
  lps_.resize(static_cast<size_t>(config_.lps.count) + 1);
  tracked_.reserve(kMaxTrackedPositions);
  position_reports_.reserve(lps_.size() + kMaxTrackedPositions);
}

Result<Market> Market::Create(const MarketConfig& config, uint64_t seed) {
  TY_RETURN_IF_ERROR(ValidateConfig(config));
  TY_ASSIGN_OR_RETURN(univ3::Pool probe,
                      univ3::Pool::Create(config.preset.fee, config.preset.tick_spacing));
  (void)probe;
  const double p0 = config.process.kind == ProcessKind::kReplay
                        ? config.process.replay_prices[0]
                        : config.process.initial_price;
  TY_RETURN_IF_ERROR(univ3::PriceToSqrtPriceX96(p0, config.preset.decimals0,
                                                config.preset.decimals1)
                         .status());
  Market market(config);
  market.Reset(seed);
  return market;
}

void Market::Reset(uint64_t seed) {
  rng_.Seed(seed);
  process_.Reset();
  pool_ = univ3::Pool::Create(config_.preset.fee, config_.preset.tick_spacing).value();
  // Validated in Create: the initial price is representable.
  pool_.Initialize(univ3::PriceToSqrtPriceX96(process_.price(),
                                              config_.preset.decimals0,
                                              config_.preset.decimals1)
                       .value());
  pool_.Reserve(512, 256);
  tracked_.clear();
  for (size_t i = 0; i < lps_.size(); ++i) {
    LpState& lp = lps_[i];
    lp = LpState();
    lp.owner = kReservedOwnerBase + i;
    lp.full_range = i == 0;  // the backstop keeps liquidity at every price
    lp.capital = lp.full_range
                     ? config_.lps.capital * config_.lps.backstop_capital_multiple
                     : config_.lps.capital;
    PlaceLp(&lp);
  }
  report_ = StepReport();
  FillReport();
}

double Market::ToWhole0(const U256& raw) const {
  return univ3::ToDouble(raw) / scale0_;
}
double Market::ToWhole1(const U256& raw) const {
  return univ3::ToDouble(raw) / scale1_;
}

double Market::pool_price() const {
  return univ3::SqrtPriceX96ToRawPrice(pool_.slot0().sqrt_price_x96) * price_scale_;
}

double Market::GasCostUsd(GasOp op) const {
  const GasConfig& g = config_.gas;
  double units = g.swap_gas;
  switch (op) {
    case GasOp::kSwap: units = g.swap_gas; break;
    case GasOp::kMint: units = g.mint_gas; break;
    case GasOp::kBurn: units = g.burn_gas; break;
    case GasOp::kCollect: units = g.collect_gas; break;
  }
  return units * g.gas_price_gwei * 1e-9 * g.eth_usd;
}

U256 Market::SqrtTimes(double factor) const {
  return univ3::FromDouble(univ3::ToDouble(pool_.slot0().sqrt_price_x96) * factor);
}

void Market::RecordSwap(const SwapResult& r, bool zero_for_one) {
  const double v0 = ToWhole0(univ3::Abs(r.amount0));
  const double v1 = ToWhole1(univ3::Abs(r.amount1));
  report_.volume0 += v0;
  report_.volume1 += v1;
  report_.volume_usd += v1 * config_.preset.token1_usd;
  if (zero_for_one) {
    const double f = ToWhole0(r.fee_amount);
    report_.fees0 += f;
    report_.fees_usd += f * process_.price() * config_.preset.token1_usd;
  } else {
    const double f = ToWhole1(r.fee_amount);
    report_.fees1 += f;
    report_.fees_usd += f * config_.preset.token1_usd;
  }
  report_.swaps += 1;
  report_.gas_usd += GasCostUsd(GasOp::kSwap);
}

void Market::SwapExactIn(bool zero_for_one, double whole_amount,
                         double max_slippage, int* counter) {
  const U256 amount =
      univ3::FromDouble(whole_amount * (zero_for_one ? scale0_ : scale1_));
  if (amount.IsZero() || univ3::IsNegative(amount)) return;
  const U256& price = pool_.slot0().sqrt_price_x96;
  U256 limit = SqrtTimes(std::sqrt(zero_for_one ? 1.0 - max_slippage
                                                : 1.0 + max_slippage));
  if (zero_for_one) {
    if (limit >= price) limit = price - U256(1);
    if (limit <= kMinSqrtRatio) limit = kMinSqrtRatio + U256(1);
  } else {
    if (limit <= price) limit = price + U256(1);
    if (limit >= kMaxSqrtRatio) limit = kMaxSqrtRatio - U256(1);
  }
  SwapResult r;
  if (pool_.TrySwap(zero_for_one, amount, limit, &r) != Revert::kOk) return;
  RecordSwap(r, zero_for_one);
  if (counter != nullptr) ++*counter;
}

void Market::Arbitrage() {
  const double fee = config_.preset.fee / 1e6;
  const double external = process_.price();
  const double pool = pool_price();
  const double edge = config_.arbitrageur.min_edge;
  bool zero_for_one;
  double target;
  if (pool < external * (1.0 - fee) * (1.0 - edge)) {
    zero_for_one = false;  // pool too cheap: buy token0 with token1
    target = external * (1.0 - fee);
  } else if (pool > external / (1.0 - fee) * (1.0 + edge)) {
    zero_for_one = true;   // pool too dear: sell token0
    target = external / (1.0 - fee);
  } else {
    return;
  }
  Result<U256> limit = univ3::PriceToSqrtPriceX96(
      target, config_.preset.decimals0, config_.preset.decimals1);
  if (!limit.ok()) return;
  const U256& price = pool_.slot0().sqrt_price_x96;
  if (zero_for_one ? *limit >= price : *limit <= price) return;
  // Unbounded input: the price limit decides where the trade stops.
  const I256 amount = U256(1) << 200;
  SwapResult r;
  if (pool_.TrySwap(zero_for_one, amount, *limit, &r) != Revert::kOk) return;
  RecordSwap(r, zero_for_one);
  ++report_.arbitrage_swaps;
}

void Market::NoiseTrades() {
  const NoiseTraderConfig& n = config_.noise;
  const uint64_t trades = rng_.Poisson(n.trades_per_step);
  const double sigma = n.size_log_stddev;
  for (uint64_t i = 0; i < trades; ++i) {
    const bool zero_for_one = rng_.Uniform() < 0.5;
    const double size =
        n.mean_size * std::exp(sigma * rng_.Normal() - 0.5 * sigma * sigma);
    SwapExactIn(zero_for_one, zero_for_one ? size : size * pool_price(),
                n.max_slippage, nullptr);
  }
}

void Market::MaybeWhale() {
  if (!(rng_.Uniform() < config_.whale.probability)) return;
  const bool zero_for_one = rng_.Uniform() < 0.5;
  const double size = config_.noise.mean_size * config_.whale.size_multiple;
  SwapExactIn(zero_for_one, zero_for_one ? size : size * pool_price(),
              config_.whale.max_slippage, &report_.whale_swaps);
}

bool Market::PlaceLp(LpState* lp) {
  const int32_t spacing = config_.preset.tick_spacing;
  const int32_t tick = pool_.slot0().tick;
  if (lp->full_range) {
    lp->lower = univ3::NearestUsableTick(univ3::kMinTick, spacing);
    lp->upper = univ3::NearestUsableTick(univ3::kMaxTick, spacing);
  } else {
    const int32_t span = config_.lps.max_half_width - config_.lps.min_half_width + 1;
    const int32_t half =
        spacing * (config_.lps.min_half_width +
                   static_cast<int32_t>(rng_.UniformInt(static_cast<uint64_t>(span))));
    const int32_t center = univ3::NearestUsableTick(tick, spacing);
    const int32_t min_usable = univ3::NearestUsableTick(univ3::kMinTick, spacing);
    const int32_t max_usable = univ3::NearestUsableTick(univ3::kMaxTick, spacing);
    lp->lower = std::max(center - half, min_usable);
    lp->upper = std::min(center + half, max_usable);
  }
  U256& sqrt_a = lp->sqrt_lower;
  U256& sqrt_b = lp->sqrt_upper;
  univ3::GetSqrtRatioAtTick(lp->lower, &sqrt_a);
  univ3::GetSqrtRatioAtTick(lp->upper, &sqrt_b);
  const double half_value = lp->capital / 2.0;
  const U256 amount1 = univ3::FromDouble(half_value * scale1_);
  const U256 amount0 = univ3::FromDouble(half_value / pool_price() * scale0_);
  u128 liquidity = 0;
  if (univ3::GetLiquidityForAmounts(pool_.slot0().sqrt_price_x96, sqrt_a, sqrt_b,
                                    amount0, amount1, &liquidity) != Revert::kOk ||
      liquidity == 0) {
    return false;
  }
  ModifyResult minted;
  if (pool_.TryMint(lp->owner, lp->lower, lp->upper, liquidity, &minted) !=
      Revert::kOk) {
    return false;
  }
  lp->active = true;
  // Fees earned are reported from now on, not since the previous range.
  pool_.FeeGrowthInside(lp->lower, lp->upper, &lp->inside0, &lp->inside1);
  report_.gas_usd += GasCostUsd(GasOp::kMint);
  return true;
}

void Market::RemoveLp(LpState* lp) {
  if (!lp->active) return;
  lp->active = false;
  const univ3::PositionInfo* p = pool_.GetPosition(lp->owner, lp->lower, lp->upper);
  if (p == nullptr) return;
  ModifyResult burned;
  if (p->liquidity > 0) {
    pool_.TryBurn(lp->owner, lp->lower, lp->upper, p->liquidity, &burned);
  }
  CollectResult collected;
  pool_.TryCollect(lp->owner, lp->lower, lp->upper, kU128Max, kU128Max, &collected);
  pool_.PruneEmptyPosition(lp->owner, lp->lower, lp->upper);
  report_.gas_usd += GasCostUsd(GasOp::kBurn) + GasCostUsd(GasOp::kCollect);
}

void Market::PassiveLps() {
  const int32_t tick = pool_.slot0().tick;
  for (LpState& lp : lps_) {
    if (lp.full_range && lp.active) continue;
    const bool in_range = lp.active && lp.lower <= tick && tick < lp.upper;
    const double p = in_range ? config_.lps.rebalance_probability
                              : config_.lps.out_of_range_rebalance_probability;
    if (!(rng_.Uniform() < p)) continue;
    RemoveLp(&lp);
    PlaceLp(&lp);
    ++report_.lp_rebalances;
  }
}

void Market::FillReport() {
  report_.external_price = process_.price();
  report_.pool_price = pool_price();
  report_.sqrt_price_x96 = pool_.slot0().sqrt_price_x96;
  report_.tick = pool_.slot0().tick;
  report_.liquidity = pool_.liquidity();
  report_.fee_growth_global0_x128 = pool_.fee_growth_global0_x128();
  report_.fee_growth_global1_x128 = pool_.fee_growth_global1_x128();
  position_reports_.clear();
  const U256 sqrt_price = pool_.slot0().sqrt_price_x96;
  const double price_raw = univ3::SqrtPriceX96ToRawPrice(sqrt_price);
  auto add = [&](OwnerId owner, int32_t lower, int32_t upper, U256* prev0,
                 U256* prev1, const U256& sqrt_a, const U256& sqrt_b) {
    const univ3::PositionInfo* p = pool_.GetPosition(owner, lower, upper);
    if (p == nullptr) return;
    PositionReport r;
    r.owner = owner;
    r.tick_lower = lower;
    r.tick_upper = upper;
    r.liquidity = p->liquidity;
    r.in_range = lower <= report_.tick && report_.tick < upper;
    U256 inside0, inside1, earned0, earned1;
    pool_.FeeGrowthInside(lower, upper, &inside0, &inside1);
    const U256 l = U256::FromU128(p->liquidity);
    univ3::MulDiv(inside0 - *prev0, l, kQ128, &earned0);
    univ3::MulDiv(inside1 - *prev1, l, kQ128, &earned1);
    *prev0 = inside0;
    *prev1 = inside1;
    r.fees_earned0 = ToWhole0(earned0);
    r.fees_earned1 = ToWhole1(earned1);
    U256 a0, a1;
    univ3::GetAmountsForLiquidity(sqrt_price, sqrt_a, sqrt_b, p->liquidity, &a0, &a1);
    r.amount0 = ToWhole0(a0);
    r.amount1 = ToWhole1(a1);
    u128 fees0, fees1;
    pool_.UncollectedFees(owner, lower, upper, &fees0, &fees1);
    r.uncollected0 = ToWhole0(U256::FromU128(fees0));
    r.uncollected1 = ToWhole1(U256::FromU128(fees1));
    // Whole-token price = raw price * scale0 / scale1.
    const double price = price_raw * scale0_ / scale1_;
    r.value_token1 = (r.amount0 + r.uncollected0) * price + r.amount1 + r.uncollected1;
    position_reports_.push_back(r);
  };
  for (LpState& lp : lps_) {
    if (!lp.active) continue;
    add(lp.owner, lp.lower, lp.upper, &lp.inside0, &lp.inside1, lp.sqrt_lower,
        lp.sqrt_upper);
  }
  for (Tracked& t : tracked_) {
    add(t.owner, t.lower, t.upper, &t.inside0, &t.inside1, t.sqrt_lower,
        t.sqrt_upper);
  }
  report_.positions = std::span<const PositionReport>(position_reports_);
}

const StepReport& Market::Step() {
  const int64_t step = report_.step + 1;
  report_ = StepReport();
  report_.step = step;
  process_.Step(rng_);
  MaybeWhale();
  NoiseTrades();
  if (config_.arbitrageur.enabled) Arbitrage();
  PassiveLps();
  FillReport();
  return report_;
}

void Market::TrackPosition(OwnerId owner, int32_t lower, int32_t upper) {
  for (const Tracked& t : tracked_) {
    if (t.owner == owner && t.lower == lower && t.upper == upper) return;
  }
  if (tracked_.size() >= kMaxTrackedPositions) return;
  Tracked t{owner, lower, upper, U256(), U256(), U256(), U256()};
  pool_.FeeGrowthInside(lower, upper, &t.inside0, &t.inside1);
  univ3::GetSqrtRatioAtTick(lower, &t.sqrt_lower);
  univ3::GetSqrtRatioAtTick(upper, &t.sqrt_upper);
  tracked_.push_back(t);
}

Result<ModifyResult> Market::Mint(OwnerId owner, int32_t tick_lower,
                                  int32_t tick_upper, u128 liquidity) {
  if (owner >= kReservedOwnerBase) {
    return ValidationError("owner ids >= 2^62 are reserved for simulated LPs",
                           {{"owner", "reserved"}});
  }
  Result<ModifyResult> r = pool_.Mint(owner, tick_lower, tick_upper, liquidity);
  if (r.ok()) TrackPosition(owner, tick_lower, tick_upper);
  return r;
}

Result<u128> Market::LiquidityForAmounts(int32_t tick_lower, int32_t tick_upper,
                                         double amount0, double amount1) const {
  if (!(amount0 >= 0.0) || !(amount1 >= 0.0) || !std::isfinite(amount0) ||
      !std::isfinite(amount1)) {
    return ValidationError("amounts must be non-negative numbers",
                           {{"amount", "must be >= 0"}});
  }
  U256 sqrt_a, sqrt_b;
  if (tick_lower >= tick_upper ||
      univ3::GetSqrtRatioAtTick(tick_lower, &sqrt_a) != Revert::kOk ||
      univ3::GetSqrtRatioAtTick(tick_upper, &sqrt_b) != Revert::kOk) {
    return ValidationError("invalid tick range", {{"tick_lower", "invalid range"}});
  }
  u128 liquidity = 0;
  const Revert r = univ3::GetLiquidityForAmounts(
      pool_.slot0().sqrt_price_x96, sqrt_a, sqrt_b,
      univ3::FromDouble(amount0 * scale0_), univ3::FromDouble(amount1 * scale1_),
      &liquidity);
  if (r != Revert::kOk) return univ3::RevertStatus(r);
  return liquidity;
}

Result<ModifyResult> Market::Burn(OwnerId owner, int32_t tick_lower,
                                  int32_t tick_upper, u128 liquidity) {
  if (owner >= kReservedOwnerBase) {
    return ValidationError("owner ids >= 2^62 are reserved for simulated LPs",
                           {{"owner", "reserved"}});
  }
  return pool_.Burn(owner, tick_lower, tick_upper, liquidity);
}

Result<CollectResult> Market::Collect(OwnerId owner, int32_t tick_lower,
                                      int32_t tick_upper) {
  if (owner >= kReservedOwnerBase) {
    return ValidationError("owner ids >= 2^62 are reserved for simulated LPs",
                           {{"owner", "reserved"}});
  }
  return pool_.Collect(owner, tick_lower, tick_upper, kU128Max, kU128Max);
}

bool Market::RemoveEmptyPosition(OwnerId owner, int32_t tick_lower,
                                 int32_t tick_upper) {
  if (owner >= kReservedOwnerBase) return false;
  if (!pool_.PruneEmptyPosition(owner, tick_lower, tick_upper)) return false;
  for (size_t i = 0; i < tracked_.size(); ++i) {
    const Tracked& t = tracked_[i];
    if (t.owner == owner && t.lower == tick_lower && t.upper == tick_upper) {
      tracked_.erase(tracked_.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  return true;
}

univ3::PositionValue Market::Value(OwnerId owner, int32_t tick_lower,
                                   int32_t tick_upper) const {
  return univ3::ValuePosition(pool_, owner, tick_lower, tick_upper);
}

}  // namespace trainyard::market
