#include "ml/backtest.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/targets.h"

namespace trainyard::ml {
namespace {

// One symbol, cost 1%: long, long, short, flat.
std::vector<BacktestRow> FourDays() {
  return {
      {0, 1, +1, 0.12}, {0, 2, +1, -0.05}, {0, 3, -1, 0.01}, {0, 4, 0, 0.03}};
}

TEST(BacktestTest, DailyReturnsEquityAndDrawdown) {
  // g1 = 0.12 - 0.01*1 = 0.11; g2 = -0.05; g3 = -0.01 - 0.01*2 = -0.03;
  // g4 = 0 - 0.01*1 = -0.01. Equity 1.11, 1.0545, 1.022865, 1.01263635.
  const BacktestResult r = RunBacktest(FourDays(), {0.01, true});
  EXPECT_NEAR(r.total_return, 0.01263635, 1e-9);
  // Peak 1.11, end 1.01263635: 1 - 0.95*0.97*0.99 = 0.087715.
  EXPECT_NEAR(r.max_drawdown, 0.087715, 1e-9);
  // mean 0.005, sample sd sqrt(0.0155/3) = 0.0718795, x sqrt(252).
  EXPECT_NEAR(r.sharpe_ratio, 1.1042440, 1e-6);
  ASSERT_EQ(r.equity.size(), 4u);
  EXPECT_NEAR(r.equity[0].second, 1.11, 1e-12);
}

TEST(BacktestTest, TradesWinLossAndProfitFactor) {
  // Long trade: 1.12 * 0.95 - 1 - 2*0.01 = 0.044 (win).
  // Short trade: (1 - 0.01) - 1 - 0.02 = -0.03 (loss).
  const BacktestResult r = RunBacktest(FourDays(), {0.01, true});
  EXPECT_EQ(r.total_trades, 2);
  EXPECT_EQ(r.winning_trades, 1);
  EXPECT_EQ(r.losing_trades, 1);
  EXPECT_DOUBLE_EQ(r.win_rate, 0.5);
  EXPECT_NEAR(r.avg_win, 0.044, 1e-12);
  EXPECT_NEAR(r.avg_loss, -0.03, 1e-12);
  EXPECT_NEAR(r.profit_factor, 0.044 / 0.03, 1e-9);
  // Buy and hold: 1.12 * 0.95 * 1.01 * 1.03 - 1 = 0.1068792.
  EXPECT_NEAR(r.benchmark_return, 0.1068792, 1e-9);
}

TEST(BacktestTest, PortfolioAveragesSymbolsPerDay) {
  // Day 1: A long +2%, B flat -> (0.02 + 0)/2 = 0.01 (no costs).
  const BacktestResult r =
      RunBacktest({{0, 1, 1, 0.02}, {1, 1, 0, 0.5}}, {0.0, true});
  EXPECT_NEAR(r.total_return, 0.01, 1e-12);
  EXPECT_EQ(r.total_trades, 1);
  EXPECT_TRUE(std::isnan(r.profit_factor));  // no losing trade
}

TEST(BacktestTest, OpenPositionIsClosedAtTheEnd) {
  // Long both days: g1 = 0.1 - 0.01, g2 = 0.1 - 0.01 (exit cost on the last
  // day): equity 1.09^2 = 1.1881. One trade: 1.21 - 1 - 0.02 = 0.19.
  const BacktestResult r =
      RunBacktest({{0, 2, 1, 0.1}, {0, 1, 1, 0.1}}, {0.01, true});
  EXPECT_NEAR(r.total_return, 0.1881, 1e-12);
  EXPECT_EQ(r.total_trades, 1);
  EXPECT_NEAR(r.avg_win, 0.19, 1e-12);
}

TEST(BacktestTest, NoShortsMeansSellIsFlat) {
  BacktestConfig longs_only{0.001, false};
  EXPECT_EQ(PositionFromSignal(kSell, longs_only), 0);
  EXPECT_EQ(PositionFromSignal(kBuy, longs_only), 1);
  EXPECT_EQ(PositionFromSignal(kSell, BacktestConfig{}), -1);
  EXPECT_EQ(PositionFromSignal(kHold, BacktestConfig{}), 0);
  EXPECT_EQ(PositionFromForecast(0.02, 0.01, BacktestConfig{}), 1);
  EXPECT_EQ(PositionFromForecast(-0.02, 0.01, longs_only), 0);
  EXPECT_EQ(PositionFromForecast(0.005, 0.01, BacktestConfig{}), 0);
}

TEST(BacktestTest, EmptyInputGivesZeroes) {
  const BacktestResult r = RunBacktest({}, BacktestConfig{});
  EXPECT_EQ(r.total_trades, 0);
  EXPECT_EQ(r.total_return, 0);
  EXPECT_EQ(r.sharpe_ratio, 0);
}

}  // namespace
}  // namespace trainyard::ml
