// The AI Studio training pipeline, the engine behind POST models/{id}/train/:
// builds the dataset from OHLCV series, runs walk-forward cross-validation on
// the training period, fits the final model, and evaluates it on the held-out
// test period (metrics + backtest with costs) with gain feature importance.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ml/backtest.h"
#include "ml/baselines.h"
#include "ml/dataset.h"
#include "ml/hyperparameters.h"
#include "ml/ohlcv.h"
#include "ml/xgb_model.h"

namespace trainyard::ml {

struct TrainingRequest {
  ModelType type = ModelType::kClassification;
  Algorithm algorithm = Algorithm::kRandomForest;
  std::vector<std::string> features;
  std::map<std::string, double> hyperparameters;  // API names
  TargetSpec target;  // horizon, threshold, lags (its type is ignored)
  DayNumber start_day = 0;
  DayNumber end_day = 0;
  double train_test_split = 0.8;
  int cross_validation_folds = 5;  // 0 or 1: no cross-validation
  BacktestConfig backtest;
  // XGBoost threads; <= 0 means all cores. 1 is the default because jobs
  // run side by side and OpenMP spin-waiting on busy cores is very slow.
  int threads = 1;
};

// Reported during training. Stages are the CV folds then the final fit
// (total_stages = folds + 1), the API's current_epoch / total_epochs.
struct TrainingProgress {
  int stage = 0;  // 1-based stage in progress
  int total_stages = 1;
  int round = 0;  // boosting rounds done in this stage
  int total_rounds = 1;
  double fraction = 0;                              // overall, in [0, 1]
  std::map<std::string, double> last_fold_metrics;  // empty before fold 1
};
// Return false to cancel; TrainModel then returns an IsCancelled() status.
using TrainingProgressFn = std::function<bool(const TrainingProgress&)>;

struct FoldResult {
  int fold = 0;  // 1-based
  size_t train_rows = 0, valid_rows = 0;
  DayNumber valid_first = 0, valid_last = 0;
  std::map<std::string, double>
      metrics;  // as TrainedModel::metrics, no backtest
};

struct TrainedModel {
  XgbModel model;  // carries its ModelRecipe (recipe.h) for PredictSeries
  Algorithm algorithm = Algorithm::kRandomForest;
  TargetSpec target;
  const char* data_source = "imported";  // "synthetic" if any symbol was
  std::map<std::string, double> hyperparameters;  // effective values
  // Test-period metrics. CLASSIFICATION: accuracy, precision, recall,
  // f1_score, roc_auc, log_loss; REGRESSION / TIME_SERIES: rmse, mae, r2,
  // directional_accuracy; both: total_return, sharpe_ratio, max_drawdown,
  // win_rate, profit_factor. NaN = undefined (render null).
  std::map<std::string, double> metrics;
  // Mean of each metric over the CV folds (empty without CV).
  std::map<std::string, double> cv_metrics;
  BacktestResult backtest;
  // What the model is compared with on the same test rows and costs.
  NaiveBaselines baselines;
  // CLASSIFICATION: test-period counts[actual][predicted] (SELL, HOLD,
  // BUY); empty otherwise.
  std::vector<std::vector<int>> confusion;
  std::vector<FoldResult> folds;
  // Gain share per model input, sorted descending (sums to 1).
  std::vector<std::pair<std::string, double>> feature_importance;
  size_t train_rows = 0, test_rows = 0;
  DayNumber train_first = 0, train_last = 0, test_first = 0, test_last = 0;
  double train_seconds = 0;      // wall time of the final fit
  double train_cpu_seconds = 0;  // CPU time of the final fit's thread (all
                                 // of it with threads = 1)
};

// Runs the pipeline on `series` (one per symbol, already loaded: imported
// or synthetic). Rows are restricted to [start_day, end_day]; the split and
// folds are time-ordered with an embargo of target.horizon days.
// Returns VALIDATION_ERROR for bad requests (unknown features or
// hyperparameters, too little data), UNPROCESSABLE if XGBoost fails,
// or an IsCancelled() status. Thread-safe (no shared state).
Result<TrainedModel> TrainModel(const std::vector<OhlcvSeries>& series,
                                const TrainingRequest& request,
                                const TrainingProgressFn& progress = {});

// Metrics (the keys of TrainedModel::metrics) of `model` on `data`, and its
// backtest when `backtest` is non-null.
Result<std::map<std::string, double>> EvaluateModel(
    const XgbModel& model, const Dataset& data, const TargetSpec& target,
    const BacktestConfig& config, BacktestResult* backtest);

}  // namespace trainyard::ml
