#include "env/uniswap_v3_lp/uniswap_v3_lp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "env/time_limit.h"
#include "univ3/price.h"
#include "univ3/tick_math.h"

namespace trainyard::env {
namespace {

constexpr double kTwo128 = 340282366920938463463374607431768211456.0;

double Clamp01(float a) {
  if (!(a > 0.0f)) return 0.0;  // NaN counts as 0
  return a >= 1.0f ? 1.0 : a;
}

}  // namespace

Status UniswapV3LpConfig::Validate() const {
  std::vector<FieldError> errors;
  auto bad = [&](const char* field, const std::string& msg) {
    errors.push_back({field, msg});
  };
  if (pools.empty()) bad("pools", "must name at least one pool");
  for (const std::string& p : pools) {
    if (!market::FindPreset(p).ok()) bad("pools", "unknown pool '" + p + "'");
  }
  if (!(agent_budget_usd > 0.0) || !std::isfinite(agent_budget_usd))
    bad("agent_budget_usd", "must be a positive number");
  if (max_steps < 0) bad("max_steps", "must be >= 0");
  if (blocks_per_step < 1) bad("blocks_per_step", "must be >= 1");
  if (!(curvature > 0.0)) bad("curvature", "must be > 0");
  if (!(min_price_multiple > 0.0 && min_price_multiple < 1.0))
    bad("min_price_multiple", "must be in (0, 1)");
  if (!(max_price_multiple > 1.0 && std::isfinite(max_price_multiple)))
    bad("max_price_multiple", "must be > 1");
  if (!(min_half_width > 0.0 && min_half_width <= max_half_width &&
        std::isfinite(max_half_width)))
    bad("min_half_width", "must satisfy 0 < min_half_width <= max_half_width");
  if (min_width_spacings < 1) bad("min_width_spacings", "must be >= 1");
  if (!(keep_tolerance >= 0.0 && keep_tolerance <= 1.0))
    bad("keep_tolerance", "must be in [0, 1]");
  if (!(value_floor_fraction >= 0.0 && value_floor_fraction < 1.0))
    bad("value_floor_fraction", "must be in [0, 1)");
  if (volatility_window < 2 || volatility_window > kMaxVolatilityWindow)
    bad("volatility_window", "must be in [2, 256]");
  if (warmup_blocks < 0) bad("warmup_blocks", "must be >= 0");
  if (noise_trades_per_step < 0.0) bad("noise_trades_per_step", "must be >= 0");
  if (errors.empty()) return Status::Ok();
  return ValidationError("invalid UniswapV3LP-v0 configuration",
                         std::move(errors));
}

Result<std::unique_ptr<UniswapV3LpEnv>> UniswapV3LpEnv::Create(
    const UniswapV3LpConfig& config, LpStepObserver observer) {
  TY_RETURN_IF_ERROR(config.Validate());
  std::vector<market::Market> markets;
  markets.reserve(config.pools.size());
  for (const std::string& name : config.pools) {
    TY_ASSIGN_OR_RETURN(market::MarketConfig mc,
                        market::DefaultMarketConfig(name));
    if (config.noise_trades_per_step > 0.0)
      mc.noise.trades_per_step = config.noise_trades_per_step;
    if (!config.replay_prices.empty()) {
      mc.process.kind = market::ProcessKind::kReplay;
      mc.process.replay_prices = config.replay_prices;
    }
    TY_ASSIGN_OR_RETURN(market::Market m, market::Market::Create(mc, 0));
    markets.push_back(std::move(m));
  }
  return std::unique_ptr<UniswapV3LpEnv>(
      new UniswapV3LpEnv(config, std::move(markets), std::move(observer)));
}

UniswapV3LpEnv::UniswapV3LpEnv(const UniswapV3LpConfig& config,
                               std::vector<market::Market> markets,
                               LpStepObserver observer)
    : config_(config),
      markets_(std::move(markets)),
      observer_(std::move(observer)),
      obs_space_(Space::Box(-std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::infinity(),
                            kObservationSize)),
      action_space_(Space::Box(0.0f, 1.0f, 2)),
      expm1_k_(std::expm1(config.curvature)) {
  for (const market::Market& m : markets_) {
    scale0_.push_back(std::pow(10.0, m.config().preset.decimals0));
    scale1_.push_back(std::pow(10.0, m.config().preset.decimals1));
  }
  idle_usd_ = config_.agent_budget_usd;
}

double UniswapV3LpEnv::Usd(double token1_whole) const {
  return token1_whole * market().config().preset.token1_usd;
}

double UniswapV3LpEnv::value_usd() const {
  if (holding_tokens_) return idle_usd_ + Usd(held0_ * price() + held1_);
  if (!has_position()) return idle_usd_;
  const univ3::PositionValue v =
      market().Value(kOwner, tick_lower_, tick_upper_);
  const double p = price();
  const double x =
      Whole0(univ3::ToDouble(v.amount0) + static_cast<double>(v.fees0));
  const double y =
      Whole1(univ3::ToDouble(v.amount1) + static_cast<double>(v.fees1));
  return idle_usd_ + Usd(x * p + y);
}

// ---- Ticks ----

int32_t UniswapV3LpEnv::SnapDown(int32_t tick) const {
  const int32_t s = market().config().preset.tick_spacing;
  return tick >= 0 ? tick / s * s : -((-tick + s - 1) / s) * s;
}

int32_t UniswapV3LpEnv::SnapUp(int32_t tick) const {
  const int32_t s = market().config().preset.tick_spacing;
  return -SnapDown(-tick) == tick ? tick : SnapDown(tick) + s;
}

int32_t UniswapV3LpEnv::RawTick(double price) const {
  const market::PoolPreset& p = market().config().preset;
  Result<int32_t> tick = univ3::PriceToTick(price, p.decimals0, p.decimals1);
  if (tick.ok()) return *tick;
  return price > 1.0 ? univ3::kMaxTick : univ3::kMinTick;
}

LpTarget UniswapV3LpEnv::Snap(int32_t raw_lower, int32_t raw_upper,
                              bool contain_price) const {
  const int32_t s = market().config().preset.tick_spacing;
  const int32_t min_usable = SnapUp(univ3::kMinTick);
  const int32_t max_usable = SnapDown(univ3::kMaxTick);
  const int32_t width = config_.min_width_spacings * s;
  int32_t lo = SnapDown(raw_lower), hi = SnapUp(raw_upper);
  if (contain_price) {
    // The position is in range iff lower <= tick < upper.
    const int32_t cur = SnapDown(market().pool().slot0().tick);
    lo = std::min(lo, cur);
    hi = std::max(hi, cur + s);
  }
  if (hi - lo < width) hi = lo + width;
  lo = std::max(lo, min_usable);
  hi = std::min(hi, max_usable);
  if (hi - lo < width) {
    if (lo == min_usable)
      hi = lo + width;
    else
      lo = hi - width;
  }
  return LpTarget{false, lo, hi};
}

LpTarget UniswapV3LpEnv::MapAction(std::span<const float> action) const {
  const double p = price();
  if (config_.action_mode == LpActionMode::kRecentre) {
    const double w =
        config_.min_half_width *
        std::pow(config_.max_half_width / config_.min_half_width,
                 Clamp01(action[0]));
    const double lower = std::max(p / (1.0 + w), config_.min_price_multiple * p);
    const double upper = std::min(p * (1.0 + w), config_.max_price_multiple * p);
    return Snap(RawTick(lower), RawTick(upper), /*contain_price=*/true);
  }
  auto g = [&](double u) {
    return config_.action_transform == ActionTransformMode::kLinear
               ? u
               : std::expm1(config_.curvature * u) / expm1_k_;
  };
  const double lower =
      p - (p - config_.min_price_multiple * p) * g(Clamp01(action[0]));
  const double upper =
      p + (config_.max_price_multiple * p - p) * g(Clamp01(action[1]));
  return Snap(RawTick(lower), RawTick(upper), /*contain_price=*/true);
}

LpTarget UniswapV3LpEnv::TargetForPrices(double price_lower,
                                         double price_upper) const {
  return Snap(RawTick(price_lower), RawTick(price_upper), false);
}

bool UniswapV3LpEnv::Keeps(const LpTarget& target) const {
  if (target.hold)
    return !has_position() && holding_tokens_ == target.hold_tokens;
  if (!has_position()) return false;
  const double tol =
      config_.keep_tolerance * static_cast<double>(tick_upper_ - tick_lower_);
  return std::abs(target.tick_lower - tick_lower_) <= tol &&
         std::abs(target.tick_upper - tick_upper_) <= tol;
}

LpTarget UniswapV3LpEnv::TargetFor(std::span<const float> action) const {
  if (config_.action_mode != LpActionMode::kRecentre) return MapAction(action);
  const double choice = Clamp01(action[1]);
  if (choice < kRecentreMoveFrom) {
    return has_position() ? LpTarget{false, tick_lower_, tick_upper_}
                          : LpTarget{true, 0, 0};
  }
  if (choice < kRecentreExitFrom) return MapAction(action);
  return LpTarget{true, 0, 0};
}

// ---- Position changes ----

double UniswapV3LpEnv::ExitPosition() {
  market::Market& m = markets_[pool_index_];
  const double gas = m.GasCostUsd(market::GasOp::kBurn) +
                     m.GasCostUsd(market::GasOp::kCollect);
  (void)m.Burn(kOwner, tick_lower_, tick_upper_, liquidity_);
  Result<univ3::CollectResult> c = m.Collect(kOwner, tick_lower_, tick_upper_);
  if (c.ok()) {
    const double x = Whole0(static_cast<double>(c->amount0));
    const double y = Whole1(static_cast<double>(c->amount1));
    idle_usd_ += Usd(x * price() + y);
  }
  // Burned and collected: drop the record so re-ranging never grows the
  // pool's tables.
  m.RemoveEmptyPosition(kOwner, tick_lower_, tick_upper_);
  idle_usd_ -= gas;
  liquidity_ = 0;
  return gas;
}

std::pair<double, double> UniswapV3LpEnv::TokensPerLiquidity(
    const LpTarget& target) const {
  const market::PoolPreset& pr = market().config().preset;
  const double p = price();
  const double sa = std::sqrt(
      univ3::TickToPrice(target.tick_lower, pr.decimals0, pr.decimals1));
  const double sb = std::sqrt(
      univ3::TickToPrice(target.tick_upper, pr.decimals0, pr.decimals1));
  const double sp = std::sqrt(p);
  // Token amounts per unit of (whole-token) liquidity at the current price.
  double per0 = 0.0, per1 = 0.0;
  if (sp <= sa) {
    per0 = 1.0 / sa - 1.0 / sb;
  } else if (sp >= sb) {
    per1 = sb - sa;
  } else {
    per0 = 1.0 / sp - 1.0 / sb;
    per1 = sp - sa;
  }
  return {per0, per1};
}

double UniswapV3LpEnv::EnterPosition(const LpTarget& target) {
  market::Market& m = markets_[pool_index_];
  const double gas = m.GasCostUsd(market::GasOp::kMint);
  const double capital = Usd(1.0) > 0 ? (idle_usd_ - gas) / Usd(1.0) : 0.0;
  if (!(capital > 0.0)) return 0.0;  // cannot afford a position: stay idle
  const double p = price();
  const auto [per0, per1] = TokensPerLiquidity(target);
  const double scale = capital / (per0 * p + per1);
  // Shave a little so rounding in the exact math never asks for more.
  constexpr double kShave = 1.0 - 1e-9;
  Result<univ3::u128> l =
      m.LiquidityForAmounts(target.tick_lower, target.tick_upper,
                            per0 * scale * kShave, per1 * scale * kShave);
  if (!l.ok() || *l == 0) return 0.0;
  Result<univ3::ModifyResult> r =
      m.Mint(kOwner, target.tick_lower, target.tick_upper, *l);
  if (!r.ok()) return 0.0;
  const double used = Usd(Whole0(univ3::ToDouble(r->amount0)) * p +
                          Whole1(univ3::ToDouble(r->amount1)));
  idle_usd_ -= gas + used;
  liquidity_ = *l;
  tick_lower_ = target.tick_lower;
  tick_upper_ = target.tick_upper;
  return gas;
}

// ---- Market and statistics ----

void UniswapV3LpEnv::PushReturn(double log_return) {
  returns_[returns_next_] = log_return;
  returns_next_ = (returns_next_ + 1) % config_.volatility_window;
  returns_count_ = std::min(returns_count_ + 1, config_.volatility_window);
}

double UniswapV3LpEnv::Volatility() const {
  if (returns_count_ < 2) return 0.0;
  double mean = 0.0;
  for (int i = 0; i < returns_count_; ++i) mean += returns_[i];
  mean /= returns_count_;
  double ss = 0.0;
  for (int i = 0; i < returns_count_; ++i)
    ss += (returns_[i] - mean) * (returns_[i] - mean);
  return std::sqrt(ss / (returns_count_ - 1));
}

void UniswapV3LpEnv::RunMarket(double* volume_usd, univ3::U256* fg0,
                               univ3::U256* fg1) {
  market::Market& m = markets_[pool_index_];
  *fg0 = m.pool().fee_growth_global0_x128();
  *fg1 = m.pool().fee_growth_global1_x128();
  *volume_usd = 0.0;
  for (int b = 0; b < config_.blocks_per_step; ++b) {
    const market::StepReport& r = m.Step();
    *volume_usd += r.volume_usd;
    PushReturn(std::log(r.pool_price / last_block_price_));
    last_block_price_ = r.pool_price;
  }
  *fg0 = m.pool().fee_growth_global0_x128() - *fg0;  // wrapping, as on chain
  *fg1 = m.pool().fee_growth_global1_x128() - *fg1;
}

void UniswapV3LpEnv::WriteObservation(double volume_usd, double fee_flow_usd,
                                      std::span<float> obs) const {
  const double p = price();
  const double l = static_cast<double>(market().pool().liquidity());
  const market::PoolPreset& pr = market().config().preset;
  double lower = 0.0, upper = 0.0, in_range = 0.0;
  if (has_position()) {
    lower = std::log(
        univ3::TickToPrice(tick_lower_, pr.decimals0, pr.decimals1) / p);
    upper = std::log(
        univ3::TickToPrice(tick_upper_, pr.decimals0, pr.decimals1) / p);
    const int32_t tick = market().pool().slot0().tick;
    in_range = tick_lower_ <= tick && tick < tick_upper_ ? 1.0 : 0.0;
  }
  obs[0] = static_cast<float>(std::log(p / reset_price_));
  obs[1] = static_cast<float>(std::log(std::max(l, 1.0) / reset_liquidity_));
  obs[2] = static_cast<float>(std::log1p(std::max(volume_usd, 0.0)) / 10.0);
  obs[3] = static_cast<float>(std::log1p(std::max(fee_flow_usd, 0.0)) / 10.0);
  obs[4] = static_cast<float>(Volatility() * 100.0);
  obs[5] = static_cast<float>(lower);
  obs[6] = static_cast<float>(upper);
  obs[7] = static_cast<float>(in_range);
  obs[8] = static_cast<float>(static_cast<double>(steps_since_adjust_) / 100.0);
  obs[9] = static_cast<float>(value_usd() / config_.agent_budget_usd - 1.0);
  obs[10] = has_position() ? 1.0f : 0.0f;
}

// ---- Reset / Step ----

void UniswapV3LpEnv::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                           Info* info) {
  if (seed) rng_.Seed(*seed);
  pool_index_ = markets_.size() > 1
                    ? static_cast<int>(rng_.UniformInt(markets_.size()))
                    : 0;
  market::Market& m = markets_[pool_index_];
  m.Reset(rng_.NextU64());
  ++episode_;
  step_ = 0;
  steps_since_adjust_ = 0;
  liquidity_ = 0;
  tick_lower_ = tick_upper_ = 0;
  idle_usd_ = config_.agent_budget_usd;
  held0_ = held1_ = 0.0;
  holding_tokens_ = false;
  cumulative_reward_usd_ = 0.0;
  returns_count_ = returns_next_ = 0;
  last_block_price_ = m.pool_price();
  for (int b = 0; b < config_.warmup_blocks; ++b) {
    const market::StepReport& r = m.Step();
    PushReturn(std::log(r.pool_price / last_block_price_));
    last_block_price_ = r.pool_price;
  }
  reset_price_ = m.pool_price();
  reset_liquidity_ = std::max(static_cast<double>(m.pool().liquidity()), 1.0);
  record_ = LpStepRecord();
  record_.episode = episode_;
  WriteObservation(0.0, 0.0, obs);
  if (info) (*info)["value_usd"] = idle_usd_;
}

StepResult UniswapV3LpEnv::Step(std::span<const float> action,
                                std::span<float> obs, Info* info) {
  return Apply(TargetFor(action), action[0], action[1], obs, info);
}

StepResult UniswapV3LpEnv::StepTarget(const LpTarget& target,
                                      std::span<float> obs) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  return Apply(target, nan, nan, obs, nullptr);
}

StepResult UniswapV3LpEnv::Apply(const LpTarget& target, float a0, float a1,
                                 std::span<float> obs, Info* info) {
  ++step_;
  ++steps_since_adjust_;
  double gas = 0.0;
  const bool adjust = !Keeps(target);
  if (adjust) {
    if (has_position()) gas += ExitPosition();
    if (holding_tokens_) {  // back to cash at the current price
      idle_usd_ += Usd(held0_ * price() + held1_);
      held0_ = held1_ = 0.0;
      holding_tokens_ = false;
    }
    if (!target.hold) {
      gas += EnterPosition(target);
    } else if (target.hold_tokens && Usd(1.0) > 0) {
      const auto [per0, per1] = TokensPerLiquidity(target);
      const double scale = idle_usd_ / Usd(1.0) / (per0 * price() + per1);
      held0_ = per0 * scale;
      held1_ = per1 * scale;
      idle_usd_ = 0.0;
      holding_tokens_ = true;
    }
    steps_since_adjust_ = 0;
  }
  // Principal and fees before the market moves: the "hold" reference.
  univ3::PositionValue before, after;
  if (has_position()) before = market().Value(kOwner, tick_lower_, tick_upper_);
  double volume = 0.0;
  univ3::U256 dfg0, dfg1;
  RunMarket(&volume, &dfg0, &dfg1);
  if (has_position()) after = market().Value(kOwner, tick_lower_, tick_upper_);

  const double p = price();
  const double x0 = Whole0(univ3::ToDouble(before.amount0));
  const double y0 = Whole1(univ3::ToDouble(before.amount1));
  const double x1 = Whole0(univ3::ToDouble(after.amount0));
  const double y1 = Whole1(univ3::ToDouble(after.amount1));
  const double f0 = Whole0(static_cast<double>(after.fees0) -
                           static_cast<double>(before.fees0));
  const double f1 = Whole1(static_cast<double>(after.fees1) -
                           static_cast<double>(before.fees1));
  const double fees = Usd(f0 * p + f1);
  const double il = Usd((x0 * p + y0) - (x1 * p + y1));
  const double reward_usd = fees - il - gas;
  cumulative_reward_usd_ += reward_usd;

  const double active = static_cast<double>(market().pool().liquidity());
  const double fee_flow =
      Usd(Whole0(univ3::ToDouble(dfg0) / kTwo128 * active) * p +
          Whole1(univ3::ToDouble(dfg1) / kTwo128 * active));
  WriteObservation(volume, fee_flow, obs);

  const market::PoolPreset& pr = market().config().preset;
  const market::StepReport& rep = market().last_report();
  LpStepRecord& rec = record_;
  rec.episode = episode_;
  rec.step = step_;
  rec.pool_index = pool_index_;
  rec.action0 = a0;
  rec.action1 = a1;
  rec.hold = !has_position();
  rec.adjusted = adjust;
  rec.tick_lower = has_position() ? tick_lower_ : 0;
  rec.tick_upper = has_position() ? tick_upper_ : 0;
  rec.price_lower =
      has_position()
          ? univ3::TickToPrice(tick_lower_, pr.decimals0, pr.decimals1)
          : 0.0;
  rec.price_upper =
      has_position()
          ? univ3::TickToPrice(tick_upper_, pr.decimals0, pr.decimals1)
          : 0.0;
  rec.reward_usd = reward_usd;
  rec.reward = reward_usd / config_.agent_budget_usd;
  rec.fee_income_usd = fees;
  rec.impermanent_loss_usd = il;
  rec.gas_usd = gas;
  rec.cumulative_reward_usd = cumulative_reward_usd_;
  rec.value_usd = value_usd();
  rec.in_range = obs[7] > 0.5f;
  rec.below_value_floor =
      rec.value_usd < config_.value_floor_fraction * config_.agent_budget_usd;
  rec.sqrt_price_x96 = univ3::ToDouble(rep.sqrt_price_x96);
  rec.price = p;
  rec.tick = rep.tick;
  rec.liquidity = static_cast<double>(rep.liquidity);
  rec.fee_growth_global0_x128 = univ3::ToDouble(rep.fee_growth_global0_x128);
  rec.fee_growth_global1_x128 = univ3::ToDouble(rep.fee_growth_global1_x128);
  if (observer_) observer_(rec);
  if (info) {
    (*info)["reward_usd"] = reward_usd;
    (*info)["fee_income_usd"] = fees;
    (*info)["impermanent_loss_usd"] = il;
    (*info)["gas_usd"] = gas;
    (*info)["value_usd"] = rec.value_usd;
  }
  StepResult result;
  result.reward = rec.reward;
  result.terminated = rec.below_value_floor;
  return result;
}

Result<EnvFactory> UniswapV3LpFactory(const UniswapV3LpConfig& config,
                                      LpStepObserver observer) {
  // Build one instance now so a bad config fails here, not in the factory.
  TY_RETURN_IF_ERROR(UniswapV3LpEnv::Create(config).status());
  return EnvFactory([config, observer](int) -> Result<std::unique_ptr<Env>> {
    TY_ASSIGN_OR_RETURN(std::unique_ptr<Env> env,
                        UniswapV3LpEnv::Create(config, observer));
    if (config.max_steps > 0)
      env = std::make_unique<TimeLimit>(std::move(env), config.max_steps);
    return env;
  });
}

}  // namespace trainyard::env
