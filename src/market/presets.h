// The pool presets used for training (issue 4): token pair, decimals, price,
// fee tier and the market parameters that make each pool behave like its
// mainnet counterpart. Prices are token1 per token0 in whole tokens.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::market {

struct PoolPreset {
  std::string name;      // "WETH/USDC"
  std::string token0;    // "WETH"
  std::string token1;    // "USDC"
  int decimals0 = 18;
  int decimals1 = 18;
  double price = 1.0;    // initial price, token1 per token0
  uint32_t fee = 3000;   // hundredths of a bip
  int32_t tick_spacing = 60;
  double volatility = 0.8;        // annualised, for the price process
  double noise_trade_size = 1.0;  // mean noise trade, whole token0
  double lp_capital = 1e6;        // per passive LP, whole token1
  double token1_usd = 1.0;        // USD value of one token1
  std::string address;            // mainnet pool this preset models, if any
  double gas_price_gwei = 0.0;    // 0 = GasConfig's default (30 gwei)
};

// All presets, in a stable order: WETH/USDC, ETH/DAI, BTC/USDT, BTC/WETH,
// WETH/USDT (the four training pools and the default pool, fee 0.3%), then
// the regimes added for the ILP learning check: WETH/USDC-calm,
// WETH/USDC-0.05, wstETH/WETH, USDC/USDT (docs/market.md).
const std::vector<PoolPreset>& Presets();

// The preset with this name (case-sensitive, e.g. "BTC/USDT") or with this
// pool address (lower-case hex); NOT_FOUND listing the known names.
Result<PoolPreset> FindPreset(const std::string& name_or_address);

}  // namespace trainyard::market
