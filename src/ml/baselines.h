// Naive baselines for AI Studio results: what a model must beat before its
// figures mean anything. Classification is compared with always predicting
// the training period's most frequent class, regression with forecasting a
// zero return, and every backtest with buy-and-hold and a simple momentum
// rule on the same test rows and costs. Also the confusion matrix and the
// per-class precision / recall behind the macro averages.
#pragma once

#include <string>
#include <vector>

#include "ml/backtest.h"
#include "ml/dataset.h"

namespace trainyard::ml {

// Trading days of the momentum rule's look-back.
inline constexpr int kMomentumLookbackDays = 20;

struct NaiveBaselines {
  // CLASSIFICATION: the most frequent class of the training labels (ties:
  // the lower index) and its accuracy on the test rows; -1 / NaN otherwise.
  int majority_class = -1;
  double majority_accuracy = 0;
  // REGRESSION / TIME_SERIES: RMSE of forecasting a zero return on the test
  // rows; NaN for classification.
  double zero_forecast_rmse = 0;
  // Long every symbol for the whole test period (entry and exit costs).
  BacktestResult buy_and_hold;
  // Each day long a symbol whose close is above its close
  // kMomentumLookbackDays rows earlier, short (flat without allow_short)
  // when below, flat when equal or without that much history.
  BacktestResult momentum;
};

// The baselines for a model trained on `train` and tested on `test`, both
// subsets of `data` (whose earlier rows give the momentum rule its
// history). REQUIRES: train and test non-empty, labels as BuildDataset
// makes them.
NaiveBaselines ComputeNaiveBaselines(const Dataset& data, const Dataset& train,
                                     const Dataset& test,
                                     const BacktestConfig& config);

// Counts[actual][predicted] for class indices in [0, classes).
// REQUIRES: same length; values in range.
std::vector<std::vector<int>> ConfusionMatrix(const std::vector<float>& y_true,
                                              const std::vector<int>& y_pred,
                                              int classes);

struct ClassReport {
  int support = 0;  // test rows of the class
  int predicted = 0;
  double precision = 0;  // 0 when the class is never predicted
  double recall = 0;     // 0 without rows of the class
  double f1 = 0;
};

// Per-class figures from a ConfusionMatrix (rows = actual).
std::vector<ClassReport> PerClassReport(
    const std::vector<std::vector<int>>& confusion);

}  // namespace trainyard::ml
