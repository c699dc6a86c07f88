#include "ml/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/metrics.h"
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
  r.hyperparameters = {{"n_estimators", 100}, {"max_depth", 10},
                       {"min_samples_split", 5}, {"random_state", 42}};
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
  auto r = TrainModel(series, DocumentExample(), [&](const TrainingProgress& p) {
    seen.push_back(p);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_STREQ(r->data_source, "synthetic");
  EXPECT_EQ(r->folds.size(), 5u);
  for (const char* key : {"accuracy", "precision", "recall", "f1_score",
                          "roc_auc", "total_return", "sharpe_ratio",
                          "max_drawdown", "win_rate"}) {
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
    const int cls = static_cast<int>(std::max_element(p->begin(), p->end()) - p->begin());
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
    for (const char* key : {"rmse", "mae", "r2", "directional_accuracy",
                            "sharpe_ratio"}) {
      EXPECT_TRUE(r->metrics.count(key)) << key;
    }
    EXPECT_GT(r->metrics.at("rmse"), 0);
    if (type == ModelType::kTimeSeries) {
      EXPECT_EQ(r->model.num_features(), 5u * 3);  // 3 lags by default
    }
  }
}

TEST(TrainerTest, CancelStopsTraining) {
  int calls = 0;
  auto r = TrainModel(Demo(), DocumentExample(), [&](const TrainingProgress&) {
    return ++calls < 2;
  });
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
