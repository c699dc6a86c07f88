#include "ml/backtest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "ml/targets.h"

namespace trainyard::ml {
namespace {

struct TradeStats {
  std::vector<double> returns;
};

// Walks one symbol's rows (day order); adds its daily returns to
// `daily` (day -> sum, count) and its trades to `trades`.
void RunSymbol(const std::vector<BacktestRow>& rows, double cost,
               std::map<DayNumber, std::pair<double, int>>* daily,
               std::vector<double>* trades, double* hold_growth) {
  int prev = 0;
  double trade_growth = 1;
  *hold_growth = 1;
  for (size_t i = 0; i < rows.size(); ++i) {
    const BacktestRow& r = rows[i];
    const double ret = std::isnan(r.next_return) ? 0.0 : r.next_return;
    if (r.position != prev && prev != 0) {
      trades->push_back(trade_growth - 1 - 2 * cost);
    }
    if (r.position != prev) trade_growth = 1;
    double g = r.position * ret - cost * std::abs(r.position - prev);
    const bool last = i + 1 == rows.size();
    if (last) g -= cost * std::abs(r.position);
    trade_growth *= 1 + r.position * ret;
    *hold_growth *= 1 + ret;
    auto& [sum, count] = (*daily)[r.day];
    sum += g;
    count += 1;
    prev = r.position;
  }
  if (prev != 0) trades->push_back(trade_growth - 1 - 2 * cost);
}

void SummariseTrades(const std::vector<double>& trades, BacktestResult* out) {
  double win_sum = 0, loss_sum = 0;
  for (double t : trades) {
    if (t > 0) {
      ++out->winning_trades;
      win_sum += t;
    } else if (t < 0) {
      ++out->losing_trades;
      loss_sum += t;
    }
  }
  out->total_trades = static_cast<int>(trades.size());
  if (out->total_trades > 0) {
    out->win_rate =
        static_cast<double>(out->winning_trades) / out->total_trades;
  }
  if (out->winning_trades > 0) out->avg_win = win_sum / out->winning_trades;
  if (out->losing_trades > 0) out->avg_loss = loss_sum / out->losing_trades;
  out->profit_factor = out->losing_trades > 0
                           ? win_sum / -loss_sum
                           : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

int PositionFromSignal(int signal, const BacktestConfig& config) {
  if (signal == kBuy) return 1;
  if (signal == kSell) return config.allow_short ? -1 : 0;
  return 0;
}

int PositionFromForecast(double predicted_return, double threshold,
                         const BacktestConfig& config) {
  if (predicted_return > threshold) return 1;
  if (predicted_return < -threshold) return config.allow_short ? -1 : 0;
  return 0;
}

BacktestResult RunBacktest(std::vector<BacktestRow> rows,
                           const BacktestConfig& config) {
  std::stable_sort(
      rows.begin(), rows.end(), [](const BacktestRow& a, const BacktestRow& b) {
        return a.symbol != b.symbol ? a.symbol < b.symbol : a.day < b.day;
      });
  std::map<DayNumber, std::pair<double, int>> daily;
  std::vector<double> trades;
  double hold_sum = 0;
  int symbols = 0;
  for (size_t b = 0; b < rows.size();) {
    size_t e = b;
    while (e < rows.size() && rows[e].symbol == rows[b].symbol) ++e;
    double hold = 1;
    RunSymbol({rows.begin() + b, rows.begin() + e}, config.cost, &daily,
              &trades, &hold);
    hold_sum += hold - 1;
    ++symbols;
    b = e;
  }
  BacktestResult out;
  if (symbols > 0) out.benchmark_return = hold_sum / symbols;
  double equity = 1, peak = 1, sum = 0, sum_sq = 0;
  for (const auto& [day, acc] : daily) {
    const double r = acc.first / acc.second;
    equity *= 1 + r;
    peak = std::max(peak, equity);
    out.max_drawdown = std::max(out.max_drawdown, 1 - equity / peak);
    out.equity.emplace_back(day, equity);
    sum += r;
    sum_sq += r * r;
  }
  const double n = static_cast<double>(daily.size());
  out.total_return = equity - 1;
  if (n >= 2) {
    const double mean = sum / n;
    const double var = (sum_sq - n * mean * mean) / (n - 1);
    if (var > 1e-18)
      out.sharpe_ratio = mean / std::sqrt(var) * std::sqrt(252.0);
  }
  SummariseTrades(trades, &out);
  return out;
}

}  // namespace trainyard::ml
