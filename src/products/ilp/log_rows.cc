#include "products/ilp/log_rows.h"

namespace trainyard::ilp {

void AppendStepColumns(const env::LpStepRecord& r, const std::string& prefix,
                       bool with_pool_state, tracking::CsvLogger::Row* row) {
  auto add = [&](const char* name, double v) {
    row->emplace_back(prefix + name, v);
  };
  add("action_0", r.action0);
  add("action_1", r.action1);
  add("price_lower", r.price_lower);
  add("price_upper", r.price_upper);
  add("tick_lower", r.tick_lower);
  add("tick_upper", r.tick_upper);
  add("hold", r.hold ? 1 : 0);
  add("adjusted", r.adjusted ? 1 : 0);
  add("in_range", r.in_range ? 1 : 0);
  add("reward_usd", r.reward_usd);
  add("reward", r.reward);
  add("fee_income_usd", r.fee_income_usd);
  add("impermanent_loss_usd", r.impermanent_loss_usd);
  add("gas_usd", r.gas_usd);
  add("cumulative_reward_usd", r.cumulative_reward_usd);
  add("value_usd", r.value_usd);
  if (!with_pool_state) return;
  add("sqrt_price_x96", r.sqrt_price_x96);
  add("price", r.price);
  add("tick", r.tick);
  add("liquidity", r.liquidity);
  add("fee_growth_global0_x128", r.fee_growth_global0_x128);
  add("fee_growth_global1_x128", r.fee_growth_global1_x128);
}

}  // namespace trainyard::ilp
