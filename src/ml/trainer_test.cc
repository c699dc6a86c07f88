#include "ml/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/metrics.h"
#include "ml/predictor.h"
#include "ml/recipe.h"
#include "ml/synthetic.h"

namespace trainyard::ml {
namespace {

std::vector<OhlcvSeries> Demo() {
  std::vector<OhlcvSeries> out;
  for (const char* sym : {"NIFTY50", "BANKNIFTY"}) {
    out.push_back(*GenerateSyntheticOhlcv(sym, *ParseDate("2021-01-01"),
                                          *ParseDate("2024-12-31")));
  }
  return out;
}

TrainingRequest DocumentExample() {
  // The create-model example of the API document.
  TrainingRequest r;
  r.type = ModelType::kClassification;
  r.algorithm = Algorithm::kRandomForest;
  r.features = {"rsi_14", "macd_signal", "bollinger_position",
                "volume_ma_ratio", "price_ma_50_ratio"};
  r.hyperparameters = {{"n_estimators", 100},
                       {"max_depth", 10},
                       {"min_samples_split", 5},
                       {"random_state", 42}};
  r.start_day = *ParseDate("2023-01-01");
  r.end_day = *ParseDate("2024-12-31");
  r.train_test_split = 0.8;
  r.cross_validation_folds = 5;
  r.threads = 1;
  return r;
}

TEST(TrainerTest, DocumentExampleTrainsOnLabelledSyntheticData) {
  const auto series = Demo();
  std::vector<TrainingProgress> seen;
  auto r =
      TrainModel(series, DocumentExample(), [&](const TrainingProgress& p) {
        seen.push_back(p);
        return true;
      });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_STREQ(r->data_source, "synthetic");
  EXPECT_EQ(r->folds.size(), 5u);
  for (const char* key :
       {"accuracy", "precision", "recall", "f1_score", "roc_auc",
        "total_return", "sharpe_ratio", "max_drawdown", "win_rate"}) {
    EXPECT_TRUE(r->metrics.count(key)) << key;
  }
  EXPECT_GE(r->metrics.at("accuracy"), 0.0);
  EXPECT_LE(r->metrics.at("accuracy"), 1.0);
  EXPECT_EQ(r->hyperparameters.at("n_estimators"), 100);
  // Train rows all precede test rows.
  EXPECT_LT(r->train_last, r->test_first);
  EXPECT_GE(r->train_first, *ParseDate("2023-01-01"));
  EXPECT_LE(r->test_last, *ParseDate("2024-12-31"));
  // Importance covers the five features and sums to 1.
  ASSERT_EQ(r->feature_importance.size(), 5u);
  double sum = 0;
  for (const auto& [name, v] : r->feature_importance) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  // Progress: 6 stages (5 folds + final), fractions non-decreasing to 1.
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().total_stages, 6);
  EXPECT_EQ(seen.back().stage, 6);
  EXPECT_DOUBLE_EQ(seen.back().fraction, 1.0);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_LE(seen[i - 1].fraction, seen[i].fraction);
  }
  EXPECT_FALSE(seen.back().last_fold_metrics.empty());
}

TEST(TrainerTest, ReportedAccuracyMatchesARecount) {
  const auto series = Demo();
  TrainingRequest req = DocumentExample();
  req.cross_validation_folds = 0;
  auto r = TrainModel(series, req);
  ASSERT_TRUE(r.ok());
  // Rebuild the test rows and count argmax hits by hand.
  DatasetSpec spec{req.features, r->target, req.start_day, req.end_day, true};
  auto data = BuildDataset(series, spec);
  ASSERT_TRUE(data.ok());
  size_t hits = 0, n = 0;
  for (size_t i = 0; i < data->rows(); ++i) {
    if (data->info[i].day < r->test_first) continue;
    auto p = r->model.Predict({&data->x[i * 5], 1, 5});
    ASSERT_TRUE(p.ok());
    const int cls =
        static_cast<int>(std::max_element(p->begin(), p->end()) - p->begin());
    hits += cls == static_cast<int>(data->y[i]);
    ++n;
  }
  EXPECT_EQ(n, r->test_rows);
  EXPECT_NEAR(r->metrics.at("accuracy"), static_cast<double>(hits) / n, 1e-12);
}

TEST(TrainerTest, SameRequestSameModel) {
  const auto series = Demo();
  TrainingRequest req = DocumentExample();
  req.cross_validation_folds = 0;
  auto a = TrainModel(series, req);
  auto b = TrainModel(series, req);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->metrics, b->metrics);
  EXPECT_EQ(*a->model.Serialize(), *b->model.Serialize());
}

TEST(TrainerTest, RegressionAndTimeSeriesReportRegressionMetrics) {
  const auto series = Demo();
  for (ModelType type : {ModelType::kRegression, ModelType::kTimeSeries}) {
    TrainingRequest req = DocumentExample();
    req.type = type;
    req.algorithm = Algorithm::kGradientBoosting;
    req.hyperparameters = {{"n_estimators", 50}, {"learning_rate", 0.05}};
    req.target.horizon = 1;
    req.cross_validation_folds = 3;
    auto r = TrainModel(series, req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const char* key :
         {"rmse", "mae", "r2", "directional_accuracy", "sharpe_ratio"}) {
      EXPECT_TRUE(r->metrics.count(key)) << key;
    }
    EXPECT_GT(r->metrics.at("rmse"), 0);
    if (type == ModelType::kTimeSeries) {
      EXPECT_EQ(r->model.num_features(), 5u * 3);  // 3 lags by default
    }
  }
}

TEST(TrainerTest, SavedModelCarriesItsRecipeForPredictionsFromPrices) {
  const auto series = Demo();
  TrainingRequest req = DocumentExample();
  req.cross_validation_folds = 0;
  req.target.horizon = 3;
  req.target.threshold = 0.015;
  auto trained = TrainModel(series, req);
  ASSERT_TRUE(trained.ok());
  auto loaded = XgbModel::Deserialize(*trained->model.Serialize());
  ASSERT_TRUE(loaded.ok());
  auto recipe = LoadRecipe(*loaded);
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  EXPECT_EQ(recipe->algorithm, Algorithm::kRandomForest);
  EXPECT_EQ(recipe->features, req.features);
  EXPECT_EQ(recipe->target.horizon, 3);
  EXPECT_DOUBLE_EQ(recipe->target.threshold, 0.015);
  EXPECT_EQ(recipe->target.type, ModelType::kClassification);

  // Scoring January 2025 from prices: every business day of each symbol
  // (features need only past bars; targets are not needed).
  const DayNumber first = *ParseDate("2025-01-01"),
                  last = *ParseDate("2025-01-31");
  std::vector<OhlcvSeries> recent;
  for (const char* sym : {"NIFTY50", "BANKNIFTY"}) {
    recent.push_back(
        *GenerateSyntheticOhlcv(sym, *ParseDate("2024-06-01"), last));
  }
  auto rows = PredictSeries(*loaded, recent, first, last, false, true);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->size(), 2u * 23);  // 23 weekdays in January 2025
  EXPECT_EQ(FormatDate(rows->front().day), "2025-01-01");
  EXPECT_EQ(rows->front().symbol, "NIFTY50");
  ASSERT_TRUE(rows->front().prediction.explanation.has_value());
  // Same answer as the in-memory model on hand-built rows.
  DatasetSpec spec{req.features, recipe->target, first, last, false};
  auto data = BuildDataset(recent, spec);
  auto direct = trained->model.Predict({data->x.data(), data->rows(), 5});
  ASSERT_TRUE(direct.ok());
  for (size_t i = 0; i < rows->size(); ++i) {
    EXPECT_FLOAT_EQ((*rows)[i].prediction.probabilities[kBuy],
                    (*direct)[3 * i + kBuy]);
  }
  auto latest = PredictSeries(*loaded, recent, first, last, true, false);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ(FormatDate((*latest)[0].day), "2025-01-31");
  EXPECT_EQ((*latest)[1].symbol, "BANKNIFTY");
}

TEST(TrainerTest, ModelWithoutRecipeCannotScorePrices) {
  const std::vector<float> x = {0, 1, 1, 0};
  auto cfg = MapHyperparameters(Algorithm::kGradientBoosting,
                                ModelType::kRegression, {{"n_estimators", 2}});
  auto m = XgbModel::Train(ModelType::kRegression, {"a", "b"}, {x.data(), 2, 2},
                           {0.f, 1.f}, *cfg);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(LoadRecipe(*m).status().code(), ErrorCode::kCorruption);
  EXPECT_EQ(PredictSeries(*m, Demo(), 0, 1, false, false).status().code(),
            ErrorCode::kCorruption);
}

TEST(TrainerTest, CancelStopsTraining) {
  int calls = 0;
  auto r = TrainModel(Demo(), DocumentExample(),
                      [&](const TrainingProgress&) { return ++calls < 2; });
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsCancelled(r.status()));
  EXPECT_EQ(calls, 2);
}

TEST(TrainerTest, BadRequestsAreValidationErrors) {
  TrainingRequest req = DocumentExample();
  req.hyperparameters["n_jobs"] = 4;
  EXPECT_EQ(TrainModel(Demo(), req).status().code(), ErrorCode::kValidation);
  req = DocumentExample();
  req.features.push_back("sentiment");
  EXPECT_EQ(TrainModel(Demo(), req).status().code(), ErrorCode::kValidation);
  req = DocumentExample();
  req.start_day = *ParseDate("2024-12-01");
  EXPECT_EQ(TrainModel(Demo(), req).status().code(), ErrorCode::kValidation);
}

}  // namespace
}  // namespace trainyard::ml
