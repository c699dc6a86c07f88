#include "market/presets.h"

#include "core/suggest.h"

namespace trainyard::market {

const std::vector<PoolPreset>& Presets() {
  static const std::vector<PoolPreset>* presets = new std::vector<PoolPreset>{
      {"WETH/USDC", "WETH", "USDC", 18, 6, 2000.0, 3000, 60, 0.8, 2.0, 2e6, 1.0, ""},
      {"ETH/DAI", "ETH", "DAI", 18, 18, 1000.0, 3000, 60, 0.8, 2.0, 1e6, 1.0, ""},
      {"BTC/USDT", "WBTC", "USDT", 8, 6, 60000.0, 3000, 60, 0.6, 0.1, 5e6, 1.0, ""},
      {"BTC/WETH", "WBTC", "WETH", 8, 18, 20.0, 3000, 60, 0.5, 0.1, 1000.0, 2000.0, ""},
      {"WETH/USDT", "WETH", "USDT", 18, 6, 2000.0, 3000, 60, 0.8, 2.0, 2e6, 1.0,
       "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36"},
      // Regimes for the ILP learning check (calibration in docs/market.md,
      // bench/ilp_regimes): a calm ETH period, a busy low-fee ETH pool, a
      // correlated pair and a stablecoin pair at post-2024 gas prices.
      {"WETH/USDC-calm", "WETH", "USDC", 18, 6, 2000.0, 3000, 60, 0.35, 2.0, 2e6, 1.0, ""},
      {"WETH/USDC-0.05", "WETH", "USDC", 18, 6, 2000.0, 500, 10, 0.6, 150.0, 2e6, 1.0, "", 10.0},
      {"wstETH/WETH", "wstETH", "WETH", 18, 18, 1.15, 100, 1, 0.05, 80.0, 1000.0, 2000.0, "", 5.0},
      {"USDC/USDT", "USDC", "USDT", 6, 6, 1.0, 100, 1, 0.02, 1e5, 2e6, 1.0, "", 5.0},
  };
  return *presets;
}

Result<PoolPreset> FindPreset(const std::string& name_or_address) {
  std::string known;
  std::vector<std::string> names;
  for (const PoolPreset& p : Presets()) {
    if (p.name == name_or_address ||
        (!p.address.empty() && p.address == name_or_address)) {
      return p;
    }
    known += (known.empty() ? "" : ", ") + p.name;
    names.push_back(p.name);
  }
  std::string near;
  if (std::optional<std::string> n = ClosestName(name_or_address, names))
    near = "; did you mean \"" + *n + "\"?";
  return NotFoundError("unknown pool preset \"" + name_or_address + "\"" +
                       near + "; known: " + known);
}

}  // namespace trainyard::market
