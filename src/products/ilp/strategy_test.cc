#include "products/ilp/strategy.h"

#include <gtest/gtest.h>

namespace trainyard::ilp {
namespace {

// A user for whom no rule fires: modest profit, in range, calm pool, recent
// adjustment.
UserPreferences Existing() {
  UserPreferences p;
  p.profit_taking = 50;
  p.stop_loss = -500;
  p.investment_horizon_days = 7;
  p.adjust_on_price_out_of_range = true;
  p.risk_aversion_threshold = 0.1;
  p.user_status = "existing_user";
  return p;
}
PositionState Quiet() { return PositionState{10.0, false, 3600.0, 0.05}; }

TEST(StrategyTest, DocumentExampleNewUserAddsLiquidity) {
  // pool_state and user_preferences of the inference example.
  PositionState s{500, false, 40000, 0.2};
  UserPreferences p = Existing();
  p.user_status = "new_user";
  EXPECT_EQ(DecideStrategy(s, p).action, "add_liquidity");
}

TEST(StrategyTest, NothingTriggeredMaintains) {
  EXPECT_EQ(DecideStrategy(Quiet(), Existing()).action, "maintain_position");
}

TEST(StrategyTest, ProfitAtTheTakingLevelAdjusts) {
  PositionState s = Quiet();
  s.current_profit = 50;  // >= 50
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "adjust_position");
}

TEST(StrategyTest, ProfitTakingComesBeforeHighVolatility) {
  PositionState s = Quiet();
  s.current_profit = 500;
  s.pool_volatility = 0.2;
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "adjust_position");
}

TEST(StrategyTest, OutOfRangeAdjustsOnlyWhenPreferred) {
  PositionState s = Quiet();
  s.price_out_of_range = true;
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "adjust_position");
  UserPreferences p = Existing();
  p.adjust_on_price_out_of_range = false;
  EXPECT_EQ(DecideStrategy(s, p).action, "maintain_position");
}

TEST(StrategyTest, VolatilityAboveThresholdExits) {
  PositionState s = Quiet();
  s.pool_volatility = 0.2;  // > 0.1
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "exit_position");
  s.pool_volatility = 0.1;  // not strictly above
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "maintain_position");
}

TEST(StrategyTest, HorizonIsInDaysAndTimeInSeconds) {
  PositionState s = Quiet();
  s.time_since_last_adjustment = 7 * 86400;  // exactly 7 days
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "rebalance_position");
  s.time_since_last_adjustment = 7 * 86400 - 1;
  EXPECT_EQ(DecideStrategy(s, Existing()).action, "maintain_position");
}

TEST(StrategyTest, LossAtStopLossExitsWithReason) {
  PositionState s = Quiet();
  s.current_profit = -500;
  StrategyDecision d = DecideStrategy(s, Existing());
  EXPECT_EQ(d.action, "exit_position");
  EXPECT_EQ(d.reason, "profit -500 <= stop_loss -500");
}

}  // namespace
}  // namespace trainyard::ilp
