#include "ml/trainer.h"

#include <time.h>

#include <chrono>
#include <cmath>

#include "ml/metrics.h"
#include "ml/recipe.h"

namespace trainyard::ml {
namespace {

// CPU seconds used by the calling thread: unlike wall time, not stretched
// when other processes share the cores.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

MatrixView ViewOf(const Dataset& d) {
  return {d.x.data(), d.rows(), d.num_features};
}

Status ValidateRequest(const TrainingRequest& r) {
  if (r.cross_validation_folds < 0 || r.cross_validation_folds > 20) {
    return ValidationError("cross_validation_folds must be in [0, 20]",
                           {{"cross_validation_folds", "must be in [0, 20]"}});
  }
  if (!(r.backtest.cost >= 0 && r.backtest.cost < 0.1)) {
    return ValidationError("transaction cost must be in [0, 0.1)",
                           {{"transaction_cost", "must be in [0, 0.1)"}});
  }
  return Status::Ok();
}

// Reports round progress within `stage` and turns "stop" into false.
ProgressFn StageProgress(const TrainingProgressFn& progress, int stage,
                         int stages,
                         const std::map<std::string, double>* last) {
  if (!progress) return {};
  return [=, &progress](int done, int total) {
    TrainingProgress p;
    p.stage = stage;
    p.total_stages = stages;
    p.round = done;
    p.total_rounds = total;
    p.fraction = (stage - 1 + static_cast<double>(done) / total) / stages;
    p.last_fold_metrics = *last;
    return progress(p);
  };
}

std::vector<std::pair<std::string, double>> SortedImportance(
    const std::vector<std::string>& names, const std::vector<double>& gain) {
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], gain[i]);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second > b.second;
  });
  return out;
}

Result<XgbModel> Fit(const Dataset& train, const TrainingRequest& request,
                     const BoosterConfig& config, const ProgressFn& progress) {
  return XgbModel::Train(request.type, train.feature_names, ViewOf(train),
                         train.y, config, progress);
}

}  // namespace

Result<std::map<std::string, double>> EvaluateModel(
    const XgbModel& model, const Dataset& data, const TargetSpec& target,
    const BacktestConfig& config, BacktestResult* backtest) {
  TY_ASSIGN_OR_RETURN(const std::vector<float> pred,
                      model.Predict(ViewOf(data)));
  std::map<std::string, double> m;
  std::vector<BacktestRow> rows(data.rows());
  const bool classify = model.type() == ModelType::kClassification;
  if (classify) {
    const ClassificationMetrics c =
        ComputeClassificationMetrics(data.y, pred, kNumSignals);
    m = {{"accuracy", c.accuracy}, {"precision", c.precision},
         {"recall", c.recall},     {"f1_score", c.f1},
         {"roc_auc", c.roc_auc},   {"log_loss", c.log_loss}};
  } else {
    const RegressionMetrics r = ComputeRegressionMetrics(data.y, pred);
    m = {{"rmse", r.rmse},
         {"mae", r.mae},
         {"r2", r.r2},
         {"directional_accuracy", r.directional_accuracy}};
  }
  if (backtest == nullptr) return m;
  const std::vector<int> signals =
      classify ? ArgMax(pred, kNumSignals) : std::vector<int>();
  for (size_t i = 0; i < data.rows(); ++i) {
    const RowInfo& info = data.info[i];
    rows[i].symbol = info.symbol;
    rows[i].day = info.day;
    rows[i].next_return = info.next_return;
    rows[i].position =
        classify ? PositionFromSignal(signals[i], config)
                 : PositionFromForecast(pred[i], target.threshold, config);
  }
  *backtest = RunBacktest(std::move(rows), config);
  m["total_return"] = backtest->total_return;
  m["sharpe_ratio"] = backtest->sharpe_ratio;
  m["max_drawdown"] = backtest->max_drawdown;
  m["win_rate"] = backtest->win_rate;
  m["profit_factor"] = backtest->profit_factor;
  return m;
}

Result<TrainedModel> TrainModel(const std::vector<OhlcvSeries>& series,
                                const TrainingRequest& request,
                                const TrainingProgressFn& progress) {
  TY_RETURN_IF_ERROR(ValidateRequest(request));
  TY_ASSIGN_OR_RETURN(
      const BoosterConfig config,
      MapHyperparameters(request.algorithm, request.type,
                         request.hyperparameters, request.threads));
  DatasetSpec spec;
  spec.features = request.features;
  spec.target = request.target;
  spec.target.type = request.type;
  spec.first_day = request.start_day;
  spec.last_day = request.end_day;
  TY_ASSIGN_OR_RETURN(const Dataset data, BuildDataset(series, spec));
  const int embargo = spec.target.horizon;
  TY_ASSIGN_OR_RETURN(
      const Split split,
      TimeOrderedSplit(data, request.train_test_split, embargo));
  const Dataset train = data.Subset(split.train);
  const Dataset test = data.Subset(split.test);

  const int folds =
      request.cross_validation_folds >= 2 ? request.cross_validation_folds : 0;
  std::vector<Split> fold_splits;
  if (folds > 0) {
    TY_ASSIGN_OR_RETURN(fold_splits,
                        WalkForwardFolds(data, split.train, folds, embargo));
  }
  const int stages = folds + 1;
  std::map<std::string, double> last_metrics;
  std::vector<FoldResult> fold_results;
  for (int k = 0; k < folds; ++k) {
    const Dataset fold_train = data.Subset(fold_splits[k].train);
    const Dataset fold_valid = data.Subset(fold_splits[k].test);
    TY_ASSIGN_OR_RETURN(
        XgbModel m, Fit(fold_train, request, config,
                        StageProgress(progress, k + 1, stages, &last_metrics)));
    TY_ASSIGN_OR_RETURN(last_metrics, EvaluateModel(m, fold_valid, spec.target,
                                                    request.backtest, nullptr));
    fold_results.push_back({k + 1, fold_train.rows(), fold_valid.rows(),
                            fold_valid.info.front().day,
                            fold_valid.info.back().day, last_metrics});
  }
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = ThreadCpuSeconds();
  TY_ASSIGN_OR_RETURN(
      XgbModel model,
      Fit(train, request, config,
          StageProgress(progress, stages, stages, &last_metrics)));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  TrainedModel out{std::move(model)};
  out.train_seconds = seconds;
  out.train_cpu_seconds = ThreadCpuSeconds() - cpu_start;
  TY_ASSIGN_OR_RETURN(
      out.metrics, EvaluateModel(out.model, test, spec.target, request.backtest,
                                 &out.backtest));
  out.baselines = ComputeNaiveBaselines(data, train, test, request.backtest);
  if (request.type == ModelType::kClassification) {
    TY_ASSIGN_OR_RETURN(const std::vector<float> proba,
                        out.model.Predict(ViewOf(test)));
    out.confusion =
        ConfusionMatrix(test.y, ArgMax(proba, kNumSignals), kNumSignals);
  }
  TY_ASSIGN_OR_RETURN(const std::vector<double> gain,
                      out.model.GainImportance());
  out.feature_importance = SortedImportance(data.feature_names, gain);
  TY_RETURN_IF_ERROR(StoreRecipe(
      {request.algorithm, request.features, spec.target}, &out.model));
  out.algorithm = request.algorithm;
  out.target = spec.target;
  out.data_source = data.data_source();
  out.hyperparameters = config.effective;
  out.folds = std::move(fold_results);
  for (const FoldResult& f : out.folds) {
    for (const auto& [k, v] : f.metrics) out.cv_metrics[k] += v / folds;
  }
  out.train_rows = train.rows();
  out.test_rows = test.rows();
  out.train_first = train.info.front().day;
  out.train_last = train.info.back().day;
  out.test_first = test.info.front().day;
  out.test_last = test.info.back().day;
  return out;
}

}  // namespace trainyard::ml
