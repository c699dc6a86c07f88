#include "market/presets.h"

namespace trainyard::market {

const std::vector<PoolPreset>& Presets() {
  static const std::vector<PoolPreset>* presets = new std::vector<PoolPreset>{
      {"WETH/USDC", "WETH", "USDC", 18, 6, 2000.0, 3000, 60, 0.8, 2.0, 2e6, 1.0, ""},
      {"ETH/DAI", "ETH", "DAI", 18, 18, 1000.0, 3000, 60, 0.8, 2.0, 1e6, 1.0, ""},
      {"BTC/USDT", "WBTC", "USDT", 8, 6, 60000.0, 3000, 60, 0.6, 0.1, 5e6, 1.0, ""},
      {"BTC/WETH", "WBTC", "WETH", 8, 18, 20.0, 3000, 60, 0.5, 0.1, 1000.0, 2000.0, ""},
      {"WETH/USDT", "WETH", "USDT", 18, 6, 2000.0, 3000, 60, 0.8, 2.0, 2e6, 1.0,
       "0x4e68ccd3e89f51c3074ca5072bbac773960dfa36"},
  };
  return *presets;
}

Result<PoolPreset> FindPreset(const std::string& name_or_address) {
  std::string known;
  for (const PoolPreset& p : Presets()) {
    if (p.name == name_or_address ||
        (!p.address.empty() && p.address == name_or_address)) {
      return p;
    }
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return NotFoundError("unknown pool preset \"" + name_or_address +
                       "\"; known: " + known);
}

}  // namespace trainyard::market
