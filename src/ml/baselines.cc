#include "ml/baselines.h"

#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace trainyard::ml {

namespace {

// Backtest of `test` with the position each row gets from `position`.
template <typename PositionFn>
BacktestResult RunRule(const Dataset& test, const BacktestConfig& config,
                       PositionFn position) {
  std::vector<BacktestRow> rows(test.rows());
  for (size_t i = 0; i < test.rows(); ++i) {
    const RowInfo& info = test.info[i];
    rows[i] = {info.symbol, info.day, position(info), info.next_return};
  }
  return RunBacktest(std::move(rows), config);
}

}  // namespace

NaiveBaselines ComputeNaiveBaselines(const Dataset& data, const Dataset& train,
                                     const Dataset& test,
                                     const BacktestConfig& config) {
  NaiveBaselines out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (data.type == ModelType::kClassification) {
    std::vector<int> counts(kNumSignals, 0);
    for (float y : train.y) ++counts[static_cast<int>(y)];
    int best = 0;
    for (int k = 1; k < kNumSignals; ++k) {
      if (counts[k] > counts[best]) best = k;
    }
    int hits = 0;
    for (float y : test.y) hits += static_cast<int>(y) == best;
    out.majority_class = best;
    out.majority_accuracy = test.y.empty() ? nan : double(hits) / test.y.size();
    out.zero_forecast_rmse = nan;
  } else {
    double sq = 0;
    for (float y : test.y) sq += double(y) * y;
    out.majority_accuracy = nan;
    out.zero_forecast_rmse =
        test.y.empty() ? nan : std::sqrt(sq / test.y.size());
  }
  out.buy_and_hold = RunRule(test, config, [](const RowInfo&) { return 1; });

  // Each symbol's closes in day order over the whole data set, so the first
  // test days have their look-back.
  std::map<std::pair<int, DayNumber>, size_t> index;
  std::vector<std::vector<double>> closes(data.symbols.size());
  for (const RowInfo& info : data.info) {  // sorted by (day, symbol)
    index[{info.symbol, info.day}] = closes[info.symbol].size();
    closes[info.symbol].push_back(info.close);
  }
  out.momentum = RunRule(test, config, [&](const RowInfo& info) {
    auto it = index.find({info.symbol, info.day});
    if (it == index.end() || it->second < kMomentumLookbackDays) return 0;
    const std::vector<double>& c = closes[info.symbol];
    const double past = c[it->second - kMomentumLookbackDays];
    if (info.close > past) return 1;
    if (info.close < past) return config.allow_short ? -1 : 0;
    return 0;
  });
  return out;
}

std::vector<std::vector<int>> ConfusionMatrix(const std::vector<float>& y_true,
                                              const std::vector<int>& y_pred,
                                              int classes) {
  std::vector<std::vector<int>> m(classes, std::vector<int>(classes, 0));
  for (size_t i = 0; i < y_true.size(); ++i) {
    ++m[static_cast<int>(y_true[i])][y_pred[i]];
  }
  return m;
}

std::vector<ClassReport> PerClassReport(
    const std::vector<std::vector<int>>& confusion) {
  const size_t n = confusion.size();
  std::vector<ClassReport> out(n);
  for (size_t k = 0; k < n; ++k) {
    for (size_t j = 0; j < n; ++j) {
      out[k].support += confusion[k][j];
      out[k].predicted += confusion[j][k];
    }
    const double tp = confusion[k][k];
    ClassReport& r = out[k];
    r.precision = r.predicted > 0 ? tp / r.predicted : 0.0;
    r.recall = r.support > 0 ? tp / r.support : 0.0;
    r.f1 = r.precision + r.recall > 0
               ? 2 * r.precision * r.recall / (r.precision + r.recall)
               : 0.0;
  }
  return out;
}

}  // namespace trainyard::ml
