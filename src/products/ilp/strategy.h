// The rule-based strategy of POST /api/v1/inference: from the state of a
// user's position and their preferences, what to do next and why; and how
// the agents' advice is combined with it into one explained answer.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// What one agent proposed (predictor.h's RangeAction, in plain terms).
struct AgentAdvice {
  std::string agent;     // "ddpg" or "ppo"
  std::string decision;  // "place" (bound maps), "keep", "move" or "exit"
  double price_lower = 0.0, price_upper = 0.0;  // the range it names
};

struct CombinedAdvice {
  std::string overall;  // why the overall action is what it is
  // One sentence per agent, in the order given.
  std::vector<std::pair<std::string, std::string>> agents;
  // Each agent whose advice goes against the overall action, explained.
  std::vector<std::string> disagreements;
  // The range to place when the overall action places liquidity
  // (add/adjust/rebalance): PPO's when asked (the stronger agent in the
  // learning check, docs/ilp.md), else DDPG's; nullopt otherwise.
  std::optional<AgentAdvice> recommended_range;
};

// The overall action is the rules' (the user's preferences decide whether to
// act); the agents say where to place the range, and where they would do
// otherwise than the rules (exit while the rules keep or place, keep or
// place while the rules exit) the answer says so instead of leaving the
// parts to contradict each other. Pure; thread-safe.
CombinedAdvice CombineAdvice(const StrategyDecision& decision,
                             const std::vector<AgentAdvice>& agents);

}  // namespace trainyard::ilp
