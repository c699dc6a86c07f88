// UniswapV3LP-v0: an agent places one Uniswap V3 liquidity position around
// the current price of a simulated pool (univ3/ engine driven by market/),
// earns swap fees, suffers impermanent loss and pays gas for every mint,
// burn and collect. One small spec (config, spaces) plus Reset/Step; the
// step does not allocate once the ranges it uses have been seen.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.h"
#include "core/status.h"
#include "env/action_transform.h"
#include "env/env.h"
#include "market/market.h"

namespace trainyard::env {

inline constexpr const char* kUniswapV3LpId = "UniswapV3LP-v0";
// The mainnet WETH/USDT 0.3% pool the ILP API defaults to.
inline constexpr const char* kDefaultLpPool =
    "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36";

// How the two action numbers choose a range.
//  kBounds:   a0 -> price_lower, a1 -> price_upper through action_transform
//             (the documented linear / non-linear maps, see MapAction).
//  kRecentre: a0 -> the range's half-width w (log scale between
//             min_half_width and max_half_width of the price), a1 -> what to
//             do: a1 < 1/3 keeps what is held (the range, or no position) at
//             no gas; 1/3 <= a1 < 2/3 places [P/(1+w), P(1+w)] centred on the
//             current price; a1 >= 2/3 exits (burn + collect, the capital
//             waits outside the pool). A policy reaches "keep", "move" and
//             "stay out" with a third of its action each, without having to
//             track the price with its bounds.
enum class LpActionMode { kBounds, kRecentre };
// kRecentre: a1 below kRecentreMoveFrom keeps, from kRecentreExitFrom exits.
inline constexpr double kRecentreMoveFrom = 1.0 / 3.0;
inline constexpr double kRecentreExitFrom = 2.0 / 3.0;

struct UniswapV3LpConfig {
  // Market presets (names or pool addresses); one is sampled uniformly per
  // episode. Default: the WETH/USDT pool above.
  std::vector<std::string> pools = {kDefaultLpPool};
  double agent_budget_usd =
      10000.0;              // starting capital; rewards relative to it
  int max_steps = 1000;     // episode length (TimeLimit); 0 = none
  int blocks_per_step = 1;  // market steps between agent decisions
  ActionTransformMode action_transform = ActionTransformMode::kLinear;
  double curvature = ActionMapping::kDefaultCurvature;  // non-linear map
  LpActionMode action_mode = LpActionMode::kBounds;
  // kRecentre: the half-width a0 = 0 / a0 = 1 asks for, as fractions of P.
  double min_half_width = 0.005;
  double max_half_width = 1.0;
  // The bounds the action can reach, as multiples of the current price:
  // price_lower in [min_price_multiple, 1]·P, price_upper in [1, max]·P.
  double min_price_multiple = 0.1;
  double max_price_multiple = 2.0;
  int min_width_spacings = 1;  // minimum range width in tick spacings
  // A requested range whose bounds each lie within keep_tolerance x (the
  // held range's width in ticks) of the held bounds keeps the held range:
  // no burn, no mint, no gas. 0 = keep only on identical ticks. Without a
  // tolerance a policy could hardly ever hit the same ticks again after
  // the price moved, and would pay gas every step.
  double keep_tolerance = 0.1;
  // The episode terminates when the agent's value falls below this
  // fraction of agent_budget_usd.
  double value_floor_fraction = 0.5;
  int volatility_window = 24;  // blocks of log returns, <= kMaxVolatilityWindow
  int warmup_blocks = 24;      // market blocks run at Reset before acting
  // Market overrides applied to every pool (0 = the preset's defaults).
  double noise_trades_per_step = 0.0;
  // When set (>= 2 positive prices), the external price replays these
  // prices, one per block, instead of the preset's random process; the pool
  // starts at the first (imported market data).
  std::vector<double> replay_prices;

  static constexpr int kMaxVolatilityWindow = 256;
  // VALIDATION_ERROR with one FieldError per bad field (unknown pool,
  // non-positive budget, bad multiples, ...).
  Status Validate() const;
};

// A range request after the action map, or an explicit instruction used by
// baseline strategies.
struct LpTarget {
  bool hold = false;  // no position: burn and keep the capital out of the pool
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  // With hold: keep the capital as the tokens a position over
  // [tick_lower, tick_upper) would hold at the current price (split off-pool
  // without fees or gas, as positions are funded), so its value follows the
  // price: the HODL of the LP literature. Without it the capital is cash.
  bool hold_tokens = false;
};

// Everything that happened in one step, in USD unless noted. Columns of
// train_logs.csv / eval_logs.csv (docs/ilp.md).
struct LpStepRecord {
  int64_t episode = 0;  // episodes started by this env instance, from 1
  int64_t step = 0;     // step within the episode, from 1
  int pool_index = 0;   // index into config.pools
  float action0 = 0.0f, action1 = 0.0f;  // NaN for explicit targets
  bool hold = false;                     // no position after the action
  bool adjusted = false;  // the position was (re)placed: gas paid
  double price_lower = 0.0, price_upper = 0.0;  // snapped to ticks
  int32_t tick_lower = 0, tick_upper = 0;
  double reward_usd = 0.0;  // fee_income - impermanent_loss - gas
  double reward = 0.0;      // reward_usd / agent_budget_usd
  double fee_income_usd = 0.0;
  double impermanent_loss_usd = 0.0;  // versus holding this step's tokens
  double gas_usd = 0.0;
  double cumulative_reward_usd = 0.0;
  double value_usd = 0.0;  // position + uncollected fees + idle capital
  bool in_range = false;
  // The value fell below value_floor_fraction x budget: the episode ends
  // here (terminated) rather than after max_steps.
  bool below_value_floor = false;
  // Pool state after the step.
  double sqrt_price_x96 = 0.0;  // as a double (exact value in the pool)
  double price = 0.0;           // token1 per token0, whole tokens
  int32_t tick = 0;
  double liquidity = 0.0;
  double fee_growth_global0_x128 = 0.0;
  double fee_growth_global1_x128 = 0.0;
};

// Called after every step with its record (on the stepping thread).
using LpStepObserver = std::function<void(const LpStepRecord&)>;

// Observation (float32, kObservationSize values):
//  0 ln(P / P_reset)                   6 ln(price_upper / P) (0 without
//  position) 1 ln(L_active / L_reset)            7 1 if the position is in
//  range 2 ln(1 + volume USD this step) / 10 8 steps since last adjustment /
//  100 3 ln(1 + fee-growth delta · L, USD) / 10  9 value / budget - 1 4 stdev
//  of block log returns · 100 10 1 if a position is held 5 ln(price_lower / P)
//  (0 without position)
// Action: Box(0, 1, (2,)): a0 -> price_lower, a1 -> price_upper (see
// MapAction). Reward: reward_usd / agent_budget_usd.
class UniswapV3LpEnv final : public Env {
 public:
  static constexpr int kObservationSize = 11;

  // VALIDATION_ERROR if the config is invalid; NOT_FOUND for an unknown pool.
  // `observer` may be null.
  static Result<std::unique_ptr<UniswapV3LpEnv>> Create(
      const UniswapV3LpConfig& config, LpStepObserver observer = nullptr);

  const Space& observation_space() const override { return obs_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  // Steps with an explicit target instead of an action (baselines).
  StepResult StepTarget(const LpTarget& target, std::span<float> obs);

  // The range an action asks for at the current price P (kRecentre: the
  // range a "move" would place, whatever a1 says; see TargetFor). kBounds:
  // with u = clamp(a,
  // 0, 1) (NaN -> 0) and g the configured map of [0, 1] onto itself
  // (identity when linear, (e^{ku}-1)/(e^k-1) when non-linear),
  //   price_lower = P - (P - m·P)·g(u0)   (m = min_price_multiple)
  //   price_upper = P + (M·P - P)·g(u1)   (M = max_price_multiple)
  // (0 = at the price, 1 = as far as allowed),
  // so lower <= P <= upper by construction and the non-linear map gives
  // finer steps near the current price. Ticks: lower rounded down and upper
  // rounded up to the tick spacing, widened to min_width_spacings and so
  // that the current tick is inside, clamped to the usable tick range.
  LpTarget MapAction(std::span<const float> action) const;
  // What Step does with `action`: MapAction for kBounds; for kRecentre the
  // held range / no position (keep), MapAction (move) or hold (exit).
  LpTarget TargetFor(std::span<const float> action) const;
  // Snapped ticks for explicit prices (lower rounded down, upper up, at
  // least min_width_spacings wide); the range need not contain the price.
  LpTarget TargetForPrices(double price_lower, double price_upper) const;

  const UniswapV3LpConfig& config() const { return config_; }
  const market::Market& market() const { return markets_[pool_index_]; }
  double price() const { return market().pool_price(); }
  const LpStepRecord& last_record() const { return record_; }
  bool has_position() const { return liquidity_ != 0; }
  int32_t tick_lower() const { return tick_lower_; }
  int32_t tick_upper() const { return tick_upper_; }
  univ3::u128 position_liquidity() const { return liquidity_; }
  double value_usd() const;
  double idle_usd() const { return idle_usd_; }
  // Tokens held outside the pool after a hold_tokens target (whole tokens).
  double held_token0() const { return held0_; }
  double held_token1() const { return held1_; }
  static constexpr univ3::OwnerId kOwner = 1;

 private:
  UniswapV3LpEnv(const UniswapV3LpConfig& config,
                 std::vector<market::Market> markets, LpStepObserver observer);
  double Usd(double token1_whole) const;
  double Whole0(double raw) const { return raw / scale0_[pool_index_]; }
  double Whole1(double raw) const { return raw / scale1_[pool_index_]; }
  int32_t SnapDown(int32_t tick) const;
  int32_t SnapUp(int32_t tick) const;
  LpTarget Snap(int32_t raw_lower, int32_t raw_upper, bool contain_price) const;
  int32_t RawTick(double price) const;
  bool Keeps(const LpTarget& target) const;
  StepResult Apply(const LpTarget& target, float a0, float a1,
                   std::span<float> obs, Info* info);
  double ExitPosition();  // burns + collects; returns gas paid
  double EnterPosition(const LpTarget& target);  // mints; returns gas paid
  // Whole tokens (x, y) per unit of whole-token liquidity that a position
  // over `target` holds at the current price.
  std::pair<double, double> TokensPerLiquidity(const LpTarget& target) const;
  void RunMarket(double* volume_usd, univ3::U256* fg0, univ3::U256* fg1);
  void PushReturn(double log_return);
  double Volatility() const;
  void WriteObservation(double volume_usd, double fee_flow_usd,
                        std::span<float> obs) const;

  UniswapV3LpConfig config_;
  std::vector<market::Market> markets_;
  std::vector<double> scale0_, scale1_;  // 10^decimals per pool
  LpStepObserver observer_;
  Space obs_space_, action_space_;
  Rng rng_;
  int pool_index_ = 0;
  int64_t episode_ = 0;
  int64_t step_ = 0;
  int64_t steps_since_adjust_ = 0;
  double expm1_k_ = 0.0;
  double reset_price_ = 1.0, reset_liquidity_ = 1.0;
  // The position (liquidity 0 = none) and the capital outside it (USD).
  int32_t tick_lower_ = 0, tick_upper_ = 0;
  univ3::u128 liquidity_ = 0;
  double idle_usd_ = 0.0;
  double held0_ = 0.0, held1_ = 0.0;  // hold_tokens: tokens instead of cash
  bool holding_tokens_ = false;
  double cumulative_reward_usd_ = 0.0;
  std::array<double, UniswapV3LpConfig::kMaxVolatilityWindow> returns_{};
  int returns_count_ = 0, returns_next_ = 0;
  double last_block_price_ = 1.0;
  LpStepRecord record_;
};

// A factory of UniswapV3LP-v0 instances built from `config` (each wrapped
// in TimeLimit when config.max_steps > 0), every one calling `observer` if
// set. VALIDATION_ERROR/NOT_FOUND as Create, checked here once, so the
// factory does not fail on the configuration.
Result<EnvFactory> UniswapV3LpFactory(const UniswapV3LpConfig& config,
                                      LpStepObserver observer = nullptr);

}  // namespace trainyard::env
