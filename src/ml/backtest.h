// A daily long/short backtest of model signals over a test period, with
// proportional transaction costs. Its figures (total_return, sharpe_ratio,
// max_drawdown, trades, win_rate, profit_factor, avg win/loss) feed the
// model's performance_metrics and backtest_results.
#pragma once

#include <utility>
#include <vector>

#include "ml/calendar.h"

namespace trainyard::ml {

struct BacktestConfig {
  // Cost as a fraction of traded notional per unit of position change:
  // entering or leaving a position costs `cost`, flipping long<->short 2x.
  double cost = 0.001;
  bool allow_short = true;  // false: SELL means flat instead of short
};

// One symbol-day of the test period.
struct BacktestRow {
  int symbol = 0;
  DayNumber day = 0;
  int position = 0;        // -1 short, 0 flat, +1 long (held t -> t+1)
  double next_return = 0;  // close[t+1]/close[t]-1; NaN counts as 0
};

struct BacktestResult {
  double total_return = 0;
  double sharpe_ratio = 0;      // mean/sd (sample) of daily returns * sqrt(252)
  double max_drawdown = 0;      // largest peak-to-trough loss, >= 0
  double benchmark_return = 0;  // equal-weight buy-and-hold, no costs
  int total_trades = 0;
  int winning_trades = 0;
  int losing_trades = 0;
  double win_rate = 0;       // winning / total (0 with no trades)
  double avg_win = 0;        // mean return of winning trades (>= 0)
  double avg_loss = 0;       // mean return of losing trades (<= 0)
  double profit_factor = 0;  // sum of wins / |sum of losses|; NaN if no loss
  std::vector<std::pair<DayNumber, double>> equity;  // after each day, from 1
};

// Runs the backtest. Rows may come in any order; per symbol they are taken
// in day order. The portfolio return of a day is the mean of the return of
// every symbol with a row that day:
//   g = position * next_return - cost * |position - previous position|
// (previous position 0 before the first row; the final exit cost is charged
// on the symbol's last day). A trade is a run of equal non-zero positions;
// its return is prod(1 + position * next_return) - 1 - 2 * cost.
BacktestResult RunBacktest(std::vector<BacktestRow> rows,
                           const BacktestConfig& config);

// Position for a CLASSIFICATION signal (kBuy/kHold/kSell).
int PositionFromSignal(int signal, const BacktestConfig& config);
// Position for a predicted return: long above threshold, short below -it.
int PositionFromForecast(double predicted_return, double threshold,
                         const BacktestConfig& config);

}  // namespace trainyard::ml
