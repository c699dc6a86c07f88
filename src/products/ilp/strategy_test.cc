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

// ---------------------------------------------------------- CombineAdvice

const StrategyDecision kMaintain{"maintain_position", "no rule triggered"};
const StrategyDecision kAdjust{"adjust_position",
                               "price out of range and "
                               "adjust_on_price_out_of_range is set"};

TEST(CombineAdviceTest, TheOverallActionIsTheRulesAndSaysWhy) {
  CombinedAdvice c = CombineAdvice(kMaintain, {});
  EXPECT_NE(c.overall.find("maintain_position"), std::string::npos);
  EXPECT_NE(c.overall.find("no rule triggered"), std::string::npos);
  EXPECT_TRUE(c.disagreements.empty());
  EXPECT_FALSE(c.recommended_range.has_value());
}

TEST(CombineAdviceTest, AnAgentThatWouldExitWhileTheRulesMaintainIsExplained) {
  // The answer: maintain overall, DDPG exit, PPO move.
  CombinedAdvice c = CombineAdvice(kMaintain, {{"ddpg", "exit", 1641.2, 2467.9},
                                               {"ppo", "move", 1905, 2101}});
  ASSERT_EQ(c.disagreements.size(), 2u);
  EXPECT_NE(c.disagreements[0].find("DDPG would exit"), std::string::npos);
  EXPECT_NE(c.disagreements[0].find("maintain_position"), std::string::npos);
  EXPECT_NE(c.disagreements[1].find("PPO would re-place"), std::string::npos);
  EXPECT_NE(c.overall.find("2 of 2 agents would act otherwise"),
            std::string::npos);
  EXPECT_EQ(c.agents.size(), 2u);
  EXPECT_EQ(c.agents[0].first, "ddpg");
}

TEST(CombineAdviceTest, ABoundMapRangeDoesNotContradictKeeping) {
  CombinedAdvice c = CombineAdvice(kMaintain, {{"ppo", "place", 1900, 2100}});
  EXPECT_TRUE(c.disagreements.empty());
  EXPECT_NE(c.overall.find("do not contradict"), std::string::npos);
}

TEST(CombineAdviceTest, PlacingTakesPposRangeWhenBothAgentsAreAsked) {
  CombinedAdvice c = CombineAdvice(
      kAdjust, {{"ddpg", "move", 1000, 3000}, {"ppo", "move", 1900, 2100}});
  ASSERT_TRUE(c.recommended_range.has_value());
  EXPECT_EQ(c.recommended_range->agent, "ppo");
  EXPECT_TRUE(c.disagreements.empty());
}

TEST(CombineAdviceTest, PlacingWithOnlyDdpgTakesItsRange) {
  CombinedAdvice c = CombineAdvice(kAdjust, {{"ddpg", "place", 1000, 3000}});
  ASSERT_TRUE(c.recommended_range.has_value());
  EXPECT_EQ(c.recommended_range->agent, "ddpg");
}

TEST(CombineAdviceTest, AnAgentThatKeepsWhileTheRulesExitIsExplained) {
  CombinedAdvice c =
      CombineAdvice({"exit_position", "profit -900 <= stop_loss -500"},
                    {{"ppo", "keep", 1900, 2100}});
  ASSERT_EQ(c.disagreements.size(), 1u);
  EXPECT_NE(c.disagreements[0].find("keep the position"), std::string::npos);
  EXPECT_FALSE(c.recommended_range.has_value());
}

}  // namespace
}  // namespace trainyard::ilp
