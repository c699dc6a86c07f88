#include "products/ilp/strategy.h"

#include <sstream>

namespace trainyard::ilp {
namespace {

std::string Num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

StrategyDecision DecideStrategy(const PositionState& s,
                                const UserPreferences& p) {
  if (p.user_status == "new_user") {
    return {"add_liquidity", "new user: open a position"};
  }
  if (s.current_profit >= p.profit_taking) {
    return {"adjust_position", "profit " + Num(s.current_profit) +
                                   " >= profit_taking " + Num(p.profit_taking)};
  }
  if (s.price_out_of_range && p.adjust_on_price_out_of_range) {
    return {"adjust_position",
            "price out of range and adjust_on_price_out_of_range is set"};
  }
  if (s.pool_volatility > p.risk_aversion_threshold) {
    return {"exit_position", "pool volatility " + Num(s.pool_volatility) +
                                 " > risk_aversion_threshold " +
                                 Num(p.risk_aversion_threshold)};
  }
  const double horizon_s = p.investment_horizon_days * 86400.0;
  if (s.time_since_last_adjustment >= horizon_s) {
    return {"rebalance_position", "time since last adjustment " +
                                      Num(s.time_since_last_adjustment) +
                                      " s >= investment_horizon " +
                                      Num(p.investment_horizon_days) + " days"};
  }
  if (s.current_profit <= p.stop_loss) {
    return {"exit_position", "profit " + Num(s.current_profit) +
                                 " <= stop_loss " + Num(p.stop_loss)};
  }
  return {"maintain_position", "no rule triggered"};
}

}  // namespace trainyard::ilp
