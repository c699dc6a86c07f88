#include "products/ilp/strategy.h"

#include <cctype>
#include <sstream>
#include <utility>

namespace trainyard::ilp {
namespace {

std::string Num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// What an action amounts to: "place" (put liquidity in a range), "keep"
// (leave the position as it is) or "exit".
std::string Stance(const std::string& action_or_decision) {
  if (action_or_decision == "exit_position" || action_or_decision == "exit")
    return "exit";
  if (action_or_decision == "maintain_position" || action_or_decision == "keep")
    return "keep";
  return "place";
}

std::string Range(const AgentAdvice& a) {
  return "[" + Num(a.price_lower) + ", " + Num(a.price_upper) + "]";
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(c));
  return s;
}

std::string Says(const AgentAdvice& a) {
  const std::string who = Upper(a.agent);
  if (a.decision == "place")
    return who + " names the range " + Range(a) +
           " (a bound-map model always names a range: where to place "
           "liquidity, not whether to act)";
  if (a.decision == "keep")
    return who + " says keep: leave the position (or staying out) as it is";
  if (a.decision == "move")
    return who + " says move: re-place the position at " + Range(a);
  return who + " says exit: withdraw the liquidity and wait outside the pool";
}

}  // namespace

CombinedAdvice CombineAdvice(const StrategyDecision& d,
                             const std::vector<AgentAdvice>& agents) {
  CombinedAdvice out;
  const std::string rule = Stance(d.action);
  const AgentAdvice* range_from = nullptr;
  for (const AgentAdvice& a : agents) {
    out.agents.emplace_back(a.agent, Says(a));
    if (range_from == nullptr || a.agent == "ppo") range_from = &a;
    const std::string stance = Stance(a.decision);
    // A bound-map model cannot say keep or exit; naming a range is not a
    // vote against keeping.
    const bool agrees =
        stance == rule || (a.decision == "place" && rule == "keep");
    if (agrees) continue;
    out.disagreements.push_back(
        Upper(a.agent) + " would " +
        (stance == "exit"   ? std::string("exit")
         : stance == "keep" ? std::string("keep the position as it is")
                            : "re-place the position at " + Range(a)) +
        " while the rules say " + d.action + " (" + d.reason +
        "); the rules decide, the agent's view is shown for information");
  }
  out.overall =
      d.action +
      ": the rules on the user's preferences decide whether to act (" +
      d.reason + ")";
  if (rule == "place" && range_from != nullptr) {
    out.recommended_range = *range_from;
    out.overall += "; the range to place is " + Upper(range_from->agent) +
                   "'s " + Range(*range_from);
  } else if (rule == "place") {
    out.overall += "; no agent was asked for a range";
  }
  if (agents.empty()) {
    out.overall += ".";
  } else if (out.disagreements.empty()) {
    out.overall += "; the agents do not contradict it.";
  } else {
    out.overall += "; " + std::to_string(out.disagreements.size()) + " of " +
                   std::to_string(agents.size()) +
                   " agents would act otherwise (see disagreements).";
  }
  return out;
}

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
