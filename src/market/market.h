// An agent-based market around one exact Uniswap V3 pool. Each Step() moves
// the external price, lets noise traders and an occasional whale trade,
// lets an arbitrageur pull the pool back towards the external price, and
// lets passive LPs re-centre their ranges; it then reports pool state,
// volume, fees by position and gas. An outside agent (the ILP environment)
// mints, burns and collects its own positions through the same object.
// Plain C++, no I/O; Step() does not allocate.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/rng.h"
#include "core/status.h"
#include "market/presets.h"
#include "market/price_process.h"
#include "univ3/liquidity_amounts.h"
#include "univ3/pool.h"

namespace trainyard::market {

struct NoiseTraderConfig {
  double trades_per_step = 10.0;  // Poisson mean
  double mean_size = 0.0;         // whole token0; 0 = preset's noise size
  double size_log_stddev = 1.0;   // log-normal spread of sizes
  double max_slippage = 0.02;     // price limit per trade
};

struct ArbitrageurConfig {
  bool enabled = true;
  // Extra relative gap beyond the fee before trading (covers gas).
  double min_edge = 0.0005;
};

struct PassiveLpConfig {
  int count = 4;                 // LPs with concentrated ranges
  double capital = 0.0;          // whole token1 each; 0 = preset's
  int min_half_width = 5;        // half-width in tick spacings
  int max_half_width = 60;
  double rebalance_probability = 0.005;       // per step while in range
  double out_of_range_rebalance_probability = 0.1;
  double backstop_capital_multiple = 4.0;     // full-range LP, x capital
};

struct WhaleConfig {
  double probability = 0.002;   // per step
  double size_multiple = 50.0;  // x noise mean size
  double max_slippage = 0.10;
};

// Gas per operation (mainnet-typical units) priced in USD.
struct GasConfig {
  double gas_price_gwei = 30.0;
  double eth_usd = 2000.0;
  double swap_gas = 130000.0;
  double mint_gas = 250000.0;
  double burn_gas = 150000.0;
  double collect_gas = 100000.0;
};

enum class GasOp { kSwap, kMint, kBurn, kCollect };

struct MarketConfig {
  PoolPreset preset;
  PriceProcessConfig process;
  NoiseTraderConfig noise;
  ArbitrageurConfig arbitrageur;
  PassiveLpConfig lps;
  WhaleConfig whale;
  GasConfig gas;
};

// Defaults for a preset (price process initial price and volatility taken
// from it). NOT_FOUND for an unknown preset name or address.
Result<MarketConfig> DefaultMarketConfig(const std::string& preset);

// One LP position in a step report; amounts in whole tokens.
struct PositionReport {
  univ3::OwnerId owner = 0;
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  univ3::u128 liquidity = 0;
  bool in_range = false;
  double amount0 = 0.0;        // principal if burned now
  double amount1 = 0.0;
  double fees_earned0 = 0.0;   // fees accrued during this step
  double fees_earned1 = 0.0;
  double uncollected0 = 0.0;   // fees + tokens owed not yet collected
  double uncollected1 = 0.0;
  double value_token1 = 0.0;   // (amount0+uncollected0)*price + amount1+...
};

struct StepReport {
  int64_t step = 0;
  double external_price = 0.0;  // token1 per token0
  double pool_price = 0.0;
  univ3::U256 sqrt_price_x96;
  int32_t tick = 0;
  univ3::u128 liquidity = 0;
  univ3::U256 fee_growth_global0_x128;
  univ3::U256 fee_growth_global1_x128;
  int swaps = 0;             // executed swaps of all traders
  int arbitrage_swaps = 0;
  int whale_swaps = 0;
  int lp_rebalances = 0;
  double volume0 = 0.0;      // |token0| traded, whole tokens
  double volume1 = 0.0;
  double volume_usd = 0.0;
  double fees0 = 0.0;        // swap fees charged, whole tokens
  double fees1 = 0.0;
  double fees_usd = 0.0;
  double gas_usd = 0.0;      // gas of the simulated traders and LPs
  // Passive LPs first, then the positions tracked for outside agents.
  // Valid until the next Step/Reset.
  std::span<const PositionReport> positions;
};

// Not thread-safe; one Market per environment instance.
class Market {
 public:
  // Validates the config (process, counts, fee tier) and builds the market
  // in its reset state for `seed`. VALIDATION_ERROR names the bad field.
  static Result<Market> Create(const MarketConfig& config, uint64_t seed);

  // Move-only: a report's position span points into the market's storage.
  Market(Market&&) = default;
  Market& operator=(Market&&) = default;
  Market(const Market&) = delete;
  Market& operator=(const Market&) = delete;

  // Fresh pool at the preset price with the passive LPs' initial positions;
  // re-seeds the RNG. Outside agents' positions are gone.
  void Reset(uint64_t seed);

  // Advances one step. The reference is valid until the next Step/Reset.
  const StepReport& Step();

  // ---- Outside agent API (the pool's semantics; gas via GasCostUsd) ----
  // Mint `liquidity` for `owner`; the position is tracked in step reports.
  Result<univ3::ModifyResult> Mint(univ3::OwnerId owner, int32_t tick_lower,
                                   int32_t tick_upper, univ3::u128 liquidity);
  // The largest liquidity that whole-token amounts fund in the range at the
  // current price. VALIDATION_ERROR for bad ticks or amounts.
  Result<univ3::u128> LiquidityForAmounts(int32_t tick_lower, int32_t tick_upper,
                                          double amount0, double amount1) const;
  Result<univ3::ModifyResult> Burn(univ3::OwnerId owner, int32_t tick_lower,
                                   int32_t tick_upper, univ3::u128 liquidity);
  // Collects everything owed to the position.
  Result<univ3::CollectResult> Collect(univ3::OwnerId owner, int32_t tick_lower,
                                       int32_t tick_upper);
  // Forgets an outside agent's finished position (no liquidity, nothing
  // owed — after Burn and Collect): the pool drops its record and step
  // reports stop listing it, so an agent that keeps moving its range keeps
  // the market's tables bounded (no allocation once warm). Returns false,
  // changing nothing, if the position still holds liquidity or fees; true
  // if it is gone (or never existed).
  bool RemoveEmptyPosition(univ3::OwnerId owner, int32_t tick_lower,
                           int32_t tick_upper);
  // Value and fees of a position now (raw token units; value in raw token1).
  univ3::PositionValue Value(univ3::OwnerId owner, int32_t tick_lower,
                             int32_t tick_upper) const;
  double GasCostUsd(GasOp op) const;

  // ---- Units and state ----
  double ToWhole0(const univ3::U256& raw) const;
  double ToWhole1(const univ3::U256& raw) const;
  double pool_price() const;
  double external_price() const { return process_.price(); }
  const univ3::Pool& pool() const { return pool_; }
  const MarketConfig& config() const { return config_; }
  const StepReport& last_report() const { return report_; }

  // Owner ids at or above this are reserved for the simulated LPs.
  static constexpr univ3::OwnerId kReservedOwnerBase = 1ULL << 62;
  static constexpr size_t kMaxTrackedPositions = 16;

 private:
  struct LpState {
    univ3::OwnerId owner;
    int32_t lower = 0;
    int32_t upper = 0;
    bool active = false;
    bool full_range = false;
    double capital = 0.0;
    univ3::U256 inside0;  // fee growth inside at the last report
    univ3::U256 inside1;
    univ3::U256 sqrt_lower;  // sqrt prices of the range bounds
    univ3::U256 sqrt_upper;
  };
  struct Tracked {
    univ3::OwnerId owner;
    int32_t lower;
    int32_t upper;
    univ3::U256 inside0;  // fee growth inside at the last report
    univ3::U256 inside1;
    univ3::U256 sqrt_lower;
    univ3::U256 sqrt_upper;
  };

  explicit Market(const MarketConfig& config);
  void SwapExactIn(bool zero_for_one, double whole_amount, double max_slippage,
                   int* counter);
  void Arbitrage();
  void NoiseTrades();
  void MaybeWhale();
  void PassiveLps();
  bool PlaceLp(LpState* lp);
  void RemoveLp(LpState* lp);
  void RecordSwap(const univ3::SwapResult& r, bool zero_for_one);
  void FillReport();
  void TrackPosition(univ3::OwnerId owner, int32_t lower, int32_t upper);
  univ3::U256 SqrtTimes(double factor) const;

  MarketConfig config_;
  double scale0_;  // 10^decimals0
  double scale1_;
  double price_scale_;  // 10^(decimals0 - decimals1): raw -> whole price
  Rng rng_;
  PriceProcess process_;
  univ3::Pool pool_;
  std::vector<LpState> lps_;
  std::vector<Tracked> tracked_;  // passive LPs' slots first
  std::vector<PositionReport> position_reports_;
  StepReport report_;
};

}  // namespace trainyard::market
