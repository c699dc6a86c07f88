// The rule-based strategy of POST /api/v1/inference: from the state of a
// user's position and their preferences, what to do next and why.
#pragma once

#include <string>

namespace trainyard::ilp {

struct PositionState {
  double current_profit = 0.0;  // USD
  bool price_out_of_range = false;
  double time_since_last_adjustment = 0.0;  // seconds
  double pool_volatility = 0.0;
};

struct UserPreferences {
  double profit_taking = 0.0;  // USD: take profit at or above
  double stop_loss = 0.0;      // USD (negative): exit at or below
  double investment_horizon_days = 7.0;
  bool adjust_on_price_out_of_range = true;
  double risk_aversion_threshold = 0.0;  // volatility above which to exit
  std::string user_status;               // "new_user" or anything else
};

struct StrategyDecision {
  std::string action;  // add_liquidity, adjust_position, exit_position,
                       // rebalance_position, maintain_position
  std::string reason;
};

// The first matching rule, in this order: new user -> add_liquidity;
// profit >= profit_taking -> adjust_position; price out of range and
// adjust_on_price_out_of_range -> adjust_position; volatility >
// risk_aversion_threshold -> exit_position; time since last adjustment >=
// investment_horizon days -> rebalance_position; profit <= stop_loss ->
// exit_position; otherwise maintain_position. Pure; thread-safe.
StrategyDecision DecideStrategy(const PositionState& state,
                                const UserPreferences& prefs);

}  // namespace trainyard::ilp
