#include "products/studio/training_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "ml/baselines.h"
#include "ml/dataset.h"
#include "ml/file_io.h"
#include "ml/importance_plot.h"
#include "ml/shap.h"
#include "ml/targets.h"
#include "ml/trainer.h"
#include "products/studio/model_config.h"
#include "products/studio/studio_errors.h"
#include "products/studio/studio_json.h"
#include "products/studio/training_service.h"
#include "tracking/line_plot.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

constexpr size_t kShapSummaryRows = 100;
constexpr size_t kEquityPoints = 260;

json MetricsJson(const std::map<std::string, double>& metrics) {
  json out = json::object();
  for (const auto& [k, v] : metrics) out[k] = JsonNumber(Round4(v));
  return out;
}

// A job's current_metrics: the metrics plus the document's "loss" (log
// loss for classification, rmse otherwise).
json CurrentMetricsJson(const std::map<std::string, double>& metrics) {
  json out = MetricsJson(metrics);
  for (const char* k : {"log_loss", "rmse"}) {
    if (auto it = metrics.find(k); it != metrics.end()) {
      out["loss"] = JsonNumber(Round4(it->second));
      break;
    }
  }
  return out;
}

json BacktestJson(const ml::TrainedModel& t) {
  const ml::BacktestResult& b = t.backtest;
  return {{"total_trades", b.total_trades},
          {"winning_trades", b.winning_trades},
          {"losing_trades", b.losing_trades},
          {"win_rate", JsonNumber(Round4(b.win_rate))},
          {"avg_win", JsonNumber(Round4(b.avg_win))},
          {"avg_loss", JsonNumber(Round4(b.avg_loss))},
          {"profit_factor", JsonNumber(Round4(b.profit_factor))},
          {"total_return", JsonNumber(Round4(b.total_return))},
          {"sharpe_ratio", JsonNumber(Round4(b.sharpe_ratio))},
          {"max_drawdown", JsonNumber(Round4(b.max_drawdown))},
          {"benchmark_return", JsonNumber(Round4(b.benchmark_return))},
          {"start_date", ml::FormatDate(t.test_first)},
          {"end_date", ml::FormatDate(t.test_last)},
          {"transaction_cost_included", true}};
}

json BacktestSummaryJson(const ml::BacktestResult& b) {
  return {{"total_return", JsonNumber(Round4(b.total_return))},
          {"sharpe_ratio", JsonNumber(Round4(b.sharpe_ratio))},
          {"max_drawdown", JsonNumber(Round4(b.max_drawdown))},
          {"total_trades", b.total_trades}};
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", 100 * fraction);
  return buf;
}

std::string Fixed4(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", value);
  return buf;
}

// The naive baselines on the same test rows and costs, and whether the
// model beats each, with one plain sentence saying so (what a buyer reads
// before trusting the model's own figures).
json BaselineComparisonJson(const ml::TrainedModel& t, bool classification) {
  const ml::NaiveBaselines& b = t.baselines;
  json baselines = {
      {"buy_and_hold", BacktestSummaryJson(b.buy_and_hold)},
      {"momentum", BacktestSummaryJson(b.momentum)},
  };
  baselines["momentum"]["rule"] =
      "long when the close is above its close " +
      std::to_string(ml::kMomentumLookbackDays) +
      " trading days earlier, short (flat without allow_short) when below";
  baselines["buy_and_hold"]["rule"] =
      "long every symbol for the whole test period";
  json beats = json::object();
  std::vector<std::string> lost, won;
  auto compare = [&](const char* key, bool better, const std::string& text) {
    beats[key] = better;
    (better ? won : lost).push_back(text);
  };
  auto metric = [&](const char* k) {
    auto it = t.metrics.find(k);
    return it == t.metrics.end() ? std::nan("") : it->second;
  };
  if (classification) {
    const double acc = metric("accuracy");
    const std::string label = ml::SignalName(b.majority_class);
    baselines["majority_class"] = {
        {"class", label},
        {"accuracy", JsonNumber(Round4(b.majority_accuracy))},
        {"rule", "always predict " + label +
                     ", the most frequent class of the training period"}};
    compare("majority_class", acc > b.majority_accuracy,
            "test accuracy " + Fixed4(acc) + " vs " +
                Fixed4(b.majority_accuracy) + " for always predicting " +
                label);
  } else {
    const double rmse = metric("rmse");
    baselines["zero_forecast"] = {
        {"rmse", JsonNumber(Round4(b.zero_forecast_rmse))},
        {"rule", "always forecast a zero return"}};
    compare("zero_forecast", rmse < b.zero_forecast_rmse,
            "test RMSE " + Fixed4(rmse) + " vs " +
                Fixed4(b.zero_forecast_rmse) + " for forecasting zero");
  }
  const double ret = t.backtest.total_return;
  compare("buy_and_hold", ret > b.buy_and_hold.total_return,
          "backtest return " + Percent(ret) + " vs " +
              Percent(b.buy_and_hold.total_return) + " buy-and-hold");
  compare("momentum", ret > b.momentum.total_return,
          "backtest return " + Percent(ret) + " vs " +
              Percent(b.momentum.total_return) + " for the " +
              std::to_string(ml::kMomentumLookbackDays) + "-day momentum rule");
  auto join = [](const std::vector<std::string>& parts) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
      out += (i == 0 ? "" : "; ") + parts[i];
    }
    return out;
  };
  std::string verdict;
  if (lost.empty()) {
    verdict = "The model beats every naive baseline on the test period: " +
              join(won) + ".";
  } else {
    verdict = "The model does NOT beat " +
              std::string(won.empty() ? "any" : "every") +
              " naive baseline on the test period: " + join(lost) + ".";
    if (!won.empty()) verdict += " It does beat: " + join(won) + ".";
  }
  return {{"baselines", baselines},
          {"comparison",
           {{"beats_all_baselines", lost.empty()},
            {"beats", beats},
            {"verdict", verdict}}}};
}

// The confusion matrix (rows actual, columns predicted) and precision,
// recall, F1 and support of each class.
json ConfusionJson(const ml::TrainedModel& t) {
  if (t.confusion.empty()) return {};
  json labels = json::array();
  for (int k = 0; k < ml::kNumSignals; ++k) labels.push_back(ml::SignalName(k));
  json per_class = json::object();
  const std::vector<ml::ClassReport> report = ml::PerClassReport(t.confusion);
  for (int k = 0; k < ml::kNumSignals; ++k) {
    per_class[ml::SignalName(k)] = {{"precision", Round4(report[k].precision)},
                                    {"recall", Round4(report[k].recall)},
                                    {"f1_score", Round4(report[k].f1)},
                                    {"support", report[k].support},
                                    {"predicted", report[k].predicted}};
  }
  return {{"confusion_matrix",
           {{"labels", labels},
            {"rows", "actual"},
            {"columns", "predicted"},
            {"matrix", t.confusion}}},
          {"per_class_metrics", per_class}};
}

// At most kEquityPoints evenly spaced points of the equity curve (the last
// one always included), for the dashboard's performance chart.
json EquityJson(const ml::BacktestResult& b) {
  json out = json::array();
  const size_t n = b.equity.size();
  if (n == 0) return out;
  const size_t step = (n + kEquityPoints - 1) / kEquityPoints;
  for (size_t i = 0; i < n; i += step) {
    out.push_back({ml::FormatDate(b.equity[i].first), b.equity[i].second});
  }
  if ((n - 1) % step != 0) {
    out.push_back(
        {ml::FormatDate(b.equity.back().first), b.equity.back().second});
  }
  return out;
}

json FoldsJson(const std::vector<ml::FoldResult>& folds) {
  json out = json::array();
  for (const auto& f : folds) {
    out.push_back({{"fold", f.fold},
                   {"train_rows", f.train_rows},
                   {"validation_rows", f.valid_rows},
                   {"validation_start", ml::FormatDate(f.valid_first)},
                   {"validation_end", ml::FormatDate(f.valid_last)},
                   {"metrics", MetricsJson(f.metrics)}});
  }
  return out;
}

// The fold with the best validation score (accuracy, or lowest rmse), 1-based;
// 0 without cross-validation.
int BestFold(const std::vector<ml::FoldResult>& folds, bool classification) {
  int best = 0;
  double best_score = -INFINITY;
  for (const auto& f : folds) {
    auto it = f.metrics.find(classification ? "accuracy" : "rmse");
    if (it == f.metrics.end() || !std::isfinite(it->second)) continue;
    const double score = classification ? it->second : -it->second;
    if (score > best_score) best_score = score, best = f.fold;
  }
  return best;
}

// Renders both plots; the SHAP summary explains up to kShapSummaryRows
// evenly spaced rows of the test period. Returns the global mean |SHAP|.
Result<json> RenderPlots(StudioContext& ctx, const StudioModel& model,
                         const ml::TrainedModel& t,
                         const std::vector<ml::OhlcvSeries>& series,
                         const ml::TrainingRequest& request) {
  std::vector<ml::BarItem> bars;
  for (const auto& [name, gain] : t.feature_importance) {
    bars.push_back({name, gain});
  }
  TY_ASSIGN_OR_RETURN(
      std::string bar_png,
      ml::RenderBarChartPng(model.name + " - feature importance (gain)", bars));
  TY_ASSIGN_OR_RETURN(
      std::string bar_path,
      ctx.deps.data_dir->Resolve(PlotPath(model.id, "feature-importance")));
  TY_RETURN_IF_ERROR(ctx.deps.file_system->CreateDirectories(
      bar_path.substr(0, bar_path.rfind('/'))));
  TY_RETURN_IF_ERROR(ml::WriteFileAtomically(bar_path, bar_png));

  ml::DatasetSpec spec{request.features, t.target, t.test_first, t.test_last,
                       true};
  TY_ASSIGN_OR_RETURN(ml::Dataset test, ml::BuildDataset(series, spec));
  std::vector<size_t> pick;
  const size_t step = std::max<size_t>(1, test.rows() / kShapSummaryRows);
  for (size_t i = 0; i < test.rows() && pick.size() < kShapSummaryRows;
       i += step) {
    pick.push_back(i);
  }
  ml::Dataset sample = test.Subset(pick);
  ml::MatrixView x{sample.x.data(), sample.rows(), sample.num_features};
  TY_ASSIGN_OR_RETURN(std::vector<ml::RowExplanation> rows,
                      ml::ExplainRows(t.model, x));
  ml::ShapSummaryData data =
      ml::MakeShapSummaryData(rows, x, sample.feature_names);
  TY_ASSIGN_OR_RETURN(
      std::string shap_png,
      ml::RenderShapSummaryPng(model.name + " - SHAP summary (test period)",
                               data.features, data.shap, data.values));
  TY_ASSIGN_OR_RETURN(
      std::string shap_path,
      ctx.deps.data_dir->Resolve(PlotPath(model.id, "shap-summary")));
  TY_RETURN_IF_ERROR(ml::WriteFileAtomically(shap_path, shap_png));
  if (t.model.type() == ml::ModelType::kClassification) {
    // One beeswarm per class: the summary above explains each row's
    // predicted class, so it mixes the classes' scales.
    for (int k = 0; k < ml::kNumSignals; ++k) {
      TY_ASSIGN_OR_RETURN(
          std::vector<ml::RowExplanation> class_rows,
          ml::ExplainRows(t.model, x, ml::ContributionMethod::kTreeShap, k));
      ml::ShapSummaryData d =
          ml::MakeShapSummaryData(class_rows, x, sample.feature_names);
      const std::string label = ml::SignalName(k);
      TY_ASSIGN_OR_RETURN(
          std::string png,
          ml::RenderShapSummaryPng(
              model.name + " - SHAP summary for " + label + " (test period)",
              d.features, d.shap, d.values));
      TY_ASSIGN_OR_RETURN(std::string path,
                          ctx.deps.data_dir->Resolve(
                              PlotPath(model.id, "shap-summary-" + label)));
      TY_RETURN_IF_ERROR(ml::WriteFileAtomically(path, png));
    }
  }
  ml::GlobalImportance global = ml::ComputeGlobalImportance(rows);
  json out = json::object();
  for (size_t i = 0; i < global.features.size(); ++i) {
    out[global.features[i]] = Round4(global.share[i]);
  }
  return out;
}

// Equal-weight buy-and-hold of `series` on the equity curve's days, as a
// growth of 1 from the close of the day before the curve's first day (the
// backtest's benchmark, without costs).
std::vector<double> BuyAndHoldCurve(
    const std::vector<std::pair<ml::DayNumber, double>>& equity,
    const std::vector<ml::OhlcvSeries>& series) {
  std::vector<double> out(equity.size(), 0.0);
  if (equity.empty() || series.empty()) return out;
  // Close of `s` on the last bar at or before `day` (its first bar if none).
  auto close_at = [](const ml::OhlcvSeries& s, ml::DayNumber day) {
    auto it = std::upper_bound(s.days.begin(), s.days.end(), day);
    const size_t i = it == s.days.begin() ? 0 : (it - s.days.begin()) - 1;
    return s.close[i];
  };
  int used = 0;
  for (const auto& s : series) {
    if (s.size() == 0) continue;
    const double base = close_at(s, equity.front().first - 1);
    if (!(base > 0)) continue;
    ++used;
    for (size_t i = 0; i < equity.size(); ++i)
      out[i] += close_at(s, equity[i].first) / base;
  }
  for (double& v : out) v = used ? v / used : std::nan("");
  return out;
}

// The equity curve of the test-period backtest against buy-and-hold, as a
// PNG beside the JSON curve (result.equity).
Status RenderEquityPlot(StudioContext& ctx, const StudioModel& model,
                        const ml::TrainedModel& t,
                        const std::vector<ml::OhlcvSeries>& series) {
  tracking::Series strategy{"model (after costs)", {}, {}};
  for (const auto& [day, value] : t.backtest.equity) {
    // Years as the x axis: readable ticks without a date axis.
    strategy.x.push_back(1970.0 + day / 365.2425);
    strategy.y.push_back(value);
  }
  tracking::Series hold{"buy and hold", strategy.x,
                        BuyAndHoldCurve(t.backtest.equity, series)};
  tracking::PlotOptions options;
  options.title = model.name + " - equity curve (test period)";
  options.x_label = "year";
  options.y_label = "growth of 1";
  TY_ASSIGN_OR_RETURN(std::string path, ctx.deps.data_dir->Resolve(PlotPath(
                                            model.id, "equity-curve")));
  return tracking::RenderLinePlotPng({strategy, hold}, options, path);
}

struct RunState {
  int stage = 0;
};

Status Fail(StudioContext& ctx, jobs::JobContext& job, const StudioModel& model,
            double seconds, const Status& error) {
  (void)SettleTraining(ctx, job.job().id, "FAILED", seconds);
  (void)ctx.models->Transition(model.id, {kTraining},
                               StatusAfterStoppedRun(model, true),
                               ctx.NowMillis());
  ctx.Emit(
      model.owner_id, "training_job.failed",
      {{"job_id", job.job().id},
       {"model_id", model.id},
       {"status", "FAILED"},
       {"error", {{"code", error.WireCode()}, {"message", error.message()}}}});
  job.Log("ERROR: training failed: " + error.message());
  return ModelTrainingError(error.message(), error.details());
}

}  // namespace

Status RunTrainingJob(StudioContext& ctx, jobs::JobContext& job) {
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         started)
        .count();
  };
  TY_ASSIGN_OR_RETURN(TrainingJobRow row, ctx.training_jobs->Get(job.job().id));
  TY_ASSIGN_OR_RETURN(StudioModel model, ctx.models->Get(row.model_id));
  if (row.settled) return jobs::JobStopped();  // cancelled and settled already
  job.Log("INFO: loading price data for " +
          std::to_string(ConfigSymbols(model.config).size()) + " symbol(s)");
  std::vector<ml::OhlcvSeries> series;
  for (const auto& symbol : ConfigSymbols(model.config)) {
    Result<std::shared_ptr<const ml::OhlcvSeries>> s = ctx.market->Load(symbol);
    if (!s.ok()) return Fail(ctx, job, model, elapsed(), s.status());
    series.push_back(**s);
  }
  const double load_seconds = elapsed();
  Result<ml::TrainingRequest> request =
      ToTrainingRequest(model.model_type, model.algorithm, model.config);
  if (!request.ok()) return Fail(ctx, job, model, elapsed(), request.status());

  RunState state;
  auto progress = [&](const ml::TrainingProgress& p) {
    if (p.stage != state.stage) {
      state.stage = p.stage;
      job.Log("INFO: Starting epoch " + std::to_string(p.stage) + "/" +
              std::to_string(p.total_stages) +
              (p.stage < p.total_stages ? " (cross-validation fold)"
                                        : " (final fit)"));
    }
    json metrics = {
        {"current_epoch", p.stage},
        {"total_epochs", p.total_stages},
        {"round", p.round},
        {"total_rounds", p.total_rounds},
        {"current_metrics", CurrentMetricsJson(p.last_fold_metrics)}};
    // Curves by boosting round over the whole run (folds, then the final
    // fit): where the run is and the last fold's validation scores.
    jobs::JobContext::MetricValues values = {
        {"stage", p.stage}, {"round", p.round}, {"fraction", p.fraction}};
    for (const auto& [name, value] : p.last_fold_metrics)
      values.emplace_back("validation_" + name, value);
    job.RecordMetrics(
        static_cast<int64_t>(std::max(0, p.stage - 1)) * p.total_rounds +
            p.round,
        values);
    job.ReportProgress(std::lround(p.fraction * 1000), 1000, metrics.dump());
    return !job.ShouldStop();
  };
  Result<ml::TrainedModel> trained = ml::TrainModel(series, *request, progress);
  if (!trained.ok() &&
      (ml::IsCancelled(trained.status()) || job.ShouldStop())) {
    if (!job.IsCancelled())
      return jobs::JobStopped();  // shutdown: resumes later
    (void)SettleTraining(ctx, row.id, "CANCELLED", elapsed());
    (void)ctx.models->Transition(model.id, {kTraining},
                                 StatusAfterStoppedRun(model, false),
                                 ctx.NowMillis());
    job.Log("INFO: training cancelled");
    return jobs::JobStopped();
  }
  if (!trained.ok()) {
    // ml's UNPROCESSABLE (XGBoost could not fit the data) is this
    // document's MODEL_TRAINING_ERROR.
    const Status& failed = trained.status();
    return Fail(ctx, job, model, elapsed(),
                failed.code() == ErrorCode::kUnprocessable
                    ? ModelTrainingError(failed.message(), failed.details())
                    : failed);
  }
  const ml::TrainedModel& t = *trained;
  const double pipeline_done = elapsed();

  const std::string artifact = "model_storage/studio/" + model.id + "/v" +
                               std::to_string(row.model_version) + ".json";
  Result<std::string> artifact_path = ctx.deps.data_dir->Resolve(artifact);
  if (!artifact_path.ok()) {
    return Fail(ctx, job, model, elapsed(), artifact_path.status());
  }
  Status dirs = ctx.deps.file_system->CreateDirectories(
      artifact_path->substr(0, artifact_path->rfind('/')));
  // The model's files are its owner's: file/download serves them to the
  // owner (and admins), never to subscribers, who get predictions.
  if (dirs.ok()) {
    dirs = ctx.deps.artifacts->Claim("model_storage/studio/" + model.id,
                                     model.owner_id, "studio", ctx.NowMillis());
  }
  if (dirs.ok()) dirs = t.model.SaveToFile(*artifact_path);
  if (!dirs.ok()) return Fail(ctx, job, model, elapsed(), dirs);
  job.Log("INFO: rendering feature-importance and SHAP summary plots");
  Result<json> shap = RenderPlots(ctx, model, t, series, *request);
  if (!shap.ok()) return Fail(ctx, job, model, elapsed(), shap.status());
  Status equity_plot = RenderEquityPlot(ctx, model, t, series);
  if (!equity_plot.ok()) return Fail(ctx, job, model, elapsed(), equity_plot);
  // Before the model shows as completed: API servers on other hosts load it.
  Status published =
      ctx.deps.artifacts
          ->Publish("model_storage/studio/" + model.id, ctx.NowMillis())
          .status();
  if (!published.ok()) return Fail(ctx, job, model, elapsed(), published);
  const double plots_seconds = elapsed() - pipeline_done;

  const bool classification = model.model_type == "CLASSIFICATION";
  json importance = json::object();
  for (const auto& [name, gain] : t.feature_importance) {
    importance[name] = Round4(gain);
  }
  json effective = json::object();
  for (const auto& [k, v] : t.hyperparameters) effective[k] = v;
  effective = TypedHyperparameters(effective);
  const double seconds = elapsed();
  const json comparison = BaselineComparisonJson(t, classification);
  model.result = {
      {"performance_metrics", MetricsJson(t.metrics)},
      {"backtest_results", BacktestJson(t)},
      {"feature_importance", importance},
      {"shap_importance", *shap},
      {"cv_metrics", MetricsJson(t.cv_metrics)},
      {"folds", FoldsJson(t.folds)},
      {"equity", EquityJson(t.backtest)},
      {"effective_hyperparameters", effective},
      {"baselines", comparison["baselines"]},
      {"comparison", comparison["comparison"]},
      {"training_summary",
       {{"train_rows", t.train_rows},
        {"test_rows", t.test_rows},
        {"train_start", ml::FormatDate(t.train_first)},
        {"train_end", ml::FormatDate(t.train_last)},
        {"test_start", ml::FormatDate(t.test_first)},
        {"test_end", ml::FormatDate(t.test_last)},
        {"best_epoch", BestFold(t.folds, classification)},
        {"epochs", static_cast<int>(t.folds.size()) + 1},
        {"job_id", row.id},
        {"compute_seconds", Round4(seconds)},
        // Where the job's time went: loading prices, features +
        // CV + final fit + test metrics + backtest, the final
        // fit alone, saving and the two plots (with SHAP).
        {"timings",
         {{"load_data_seconds", Round4(load_seconds)},
          {"pipeline_seconds", Round4(pipeline_done - load_seconds)},
          {"fit_seconds", Round4(t.train_seconds)},
          {"fit_cpu_seconds", Round4(t.train_cpu_seconds)},
          {"save_and_plots_seconds", Round4(plots_seconds)}}}}}};
  // A named object: a range-for over a temporary's items() would dangle.
  const json confusion = ConfusionJson(t);
  for (const auto& [key, value] : confusion.items()) {
    model.result[key] = value;
  }
  model.status = kCompleted;
  model.version = row.model_version;
  model.artifact_path = artifact;
  model.data_source = t.data_source;
  model.updated_at = ctx.NowMillis();
  Status stored = ctx.models->Update(model, kTraining);
  if (!stored.ok()) return Fail(ctx, job, model, seconds, stored);
  TY_RETURN_IF_ERROR(
      SettleTraining(ctx, row.id, "COMPLETED", seconds).status());

  const auto& m = t.metrics;
  auto metric = [&](const char* k) {
    auto it = m.find(k);
    return it == m.end() ? json(nullptr) : JsonNumber(Round4(it->second));
  };
  json training_metrics = {{"epochs", static_cast<int>(t.folds.size()) + 1},
                           {"best_epoch", BestFold(t.folds, classification)}};
  if (classification) {
    training_metrics["final_accuracy"] = metric("accuracy");
    training_metrics["final_loss"] = metric("log_loss");
  } else {
    training_metrics["final_rmse"] = metric("rmse");
    training_metrics["final_loss"] = metric("rmse");
  }
  job.SetResult(json{{"training_metrics", training_metrics},
                     {"validation_metrics", MetricsJson(t.cv_metrics)},
                     {"performance_metrics", MetricsJson(t.metrics)},
                     {"baselines", comparison["baselines"]},
                     {"comparison", comparison["comparison"]},
                     {"model_version", row.model_version},
                     {"data_source", t.data_source}}
                    .dump());
  job.ReportProgress(1000, 1000,
                     json{{"current_epoch", t.folds.size() + 1},
                          {"total_epochs", t.folds.size() + 1},
                          {"current_metrics", CurrentMetricsJson(t.metrics)}}
                         .dump());
  job.Log("INFO: training completed in " + std::to_string(seconds) + " s");
  job.Log(
      std::string(comparison["comparison"]["beats_all_baselines"].get<bool>()
                      ? "INFO: "
                      : "WARNING: ") +
      comparison["comparison"]["verdict"].get<std::string>());
  json perf = {{"sharpe_ratio", metric("sharpe_ratio")}};
  if (classification) {
    perf["accuracy"] = metric("accuracy");
  } else {
    perf["rmse"] = metric("rmse");
  }
  ctx.Emit(model.owner_id, "training_job.completed",
           {{"job_id", row.id},
            {"model_id", model.id},
            {"status", "COMPLETED"},
            {"performance_metrics", perf}});
  return Status::Ok();
}

}  // namespace trainyard::studio
