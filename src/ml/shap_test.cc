#include "ml/shap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "ml/predictor.h"

namespace trainyard::ml {
namespace {

// y = 2*a - b + noise-free; c is irrelevant.
struct Data {
  std::vector<float> x, y;
  MatrixView view(size_t rows) const { return {x.data(), rows, 3}; }
};

Data MakeData(size_t rows, uint64_t seed) {
  Rng rng(seed);
  Data d;
  for (size_t i = 0; i < rows; ++i) {
    const double a = rng.Uniform(), b = rng.Uniform(), c = rng.Uniform();
    d.x.insert(d.x.end(), {static_cast<float>(a), static_cast<float>(b),
                           static_cast<float>(c)});
    d.y.push_back(static_cast<float>(2 * a - b));
  }
  return d;
}

XgbModel Train(ModelType type, const Data& d, size_t rows) {
  std::vector<float> y = d.y;
  if (type == ModelType::kClassification) {
    for (float& v : y) v = v > 0.6f ? kBuy : v < 0.1f ? kSell : kHold;
  }
  auto cfg = MapHyperparameters(Algorithm::kGradientBoosting, type,
                                {{"n_estimators", 40}, {"max_depth", 3}}, 1);
  auto m = XgbModel::Train(type, {"a", "b", "c"}, d.view(rows), y, *cfg);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

TEST(ShapTest, ExplanationSumsToPredictedClassMarginAndIsSorted) {
  const Data d = MakeData(800, 1);
  const XgbModel m = Train(ModelType::kClassification, d, 800);
  auto ex = ExplainRows(m, d.view(20));
  auto margin = m.PredictMargin(d.view(20));
  auto proba = m.Predict(d.view(20));
  ASSERT_TRUE(ex.ok() && margin.ok() && proba.ok());
  for (size_t r = 0; r < 20; ++r) {
    const RowExplanation& e = (*ex)[r];
    const float* p = &(*proba)[3 * r];
    const int argmax = static_cast<int>(std::max_element(p, p + 3) - p);
    EXPECT_EQ(e.predicted_class, argmax);
    EXPECT_NEAR(e.probability, p[argmax], 1e-6);
    double sum = e.base_value;
    for (const auto& c : e.contributions) sum += c.value;
    EXPECT_NEAR(sum, (*margin)[3 * r + argmax], 1e-4);
    EXPECT_NEAR(e.prediction_value, (*margin)[3 * r + argmax], 1e-4);
    ASSERT_EQ(e.contributions.size(), 3u);
    for (size_t k = 1; k < 3; ++k) {
      EXPECT_GE(std::fabs(e.contributions[k - 1].value),
                std::fabs(e.contributions[k].value));
    }
  }
}

TEST(ShapTest, AskedClassIsExplainedOnEveryRowWithOneBaseValue) {
  const Data d = MakeData(800, 1);
  const XgbModel trained = Train(ModelType::kClassification, d, 800);
  auto loaded = XgbModel::Deserialize(*trained.Serialize());
  ASSERT_TRUE(loaded.ok());
  auto margin = loaded->PredictMargin(d.view(20));
  ASSERT_TRUE(margin.ok());
  const XgbModel* flat = &*loaded;
  for (const XgbModel* m : {&trained, flat}) {
    for (int k : {kSell, kHold, kBuy}) {
      auto ex = ExplainRows(*m, d.view(20), ContributionMethod::kTreeShap, k);
      ASSERT_TRUE(ex.ok()) << ex.status().ToString();
      for (size_t r = 0; r < 20; ++r) {
        const RowExplanation& e = (*ex)[r];
        EXPECT_EQ(e.explained_class, k);
        // One base value per class (the bias of that class's trees), not
        // one that changes with each row's predicted class.
        EXPECT_NEAR(e.base_value, (*ex)[0].base_value, 1e-6);
        EXPECT_NEAR(e.prediction_value, (*margin)[3 * r + k], 1e-4);
      }
    }
  }
  auto predicted = ExplainRows(*loaded, d.view(5));
  ASSERT_TRUE(predicted.ok());
  EXPECT_EQ((*predicted)[0].explained_class, (*predicted)[0].predicted_class);
  EXPECT_EQ(ExplainRows(*loaded, d.view(5), ContributionMethod::kTreeShap, 3)
                .status()
                .code(),
            ErrorCode::kValidation);
}

// A loaded model explains with the flattened trees' TreeSHAP; a freshly
// trained one (not flattened) with XGBoost's pred_contribs. Same answers,
// also for rows with missing values.
TEST(ShapTest, LoadedModelExplainsLikeXgboostPredContribs) {
  Data d = MakeData(800, 3);
  for (size_t i = 0; i < 60; i += 4) d.x[i] = std::nanf("");
  for (ModelType type : {ModelType::kClassification, ModelType::kRegression}) {
    const XgbModel trained = Train(type, d, 800);
    ASSERT_EQ(trained.flat_forest(), nullptr);
    auto json = trained.Serialize();
    ASSERT_TRUE(json.ok());
    auto loaded = XgbModel::Deserialize(*json);
    ASSERT_TRUE(loaded.ok());
    ASSERT_NE(loaded->flat_forest(), nullptr);
    auto want = ExplainRows(trained, d.view(40));
    auto got = ExplainRows(*loaded, d.view(40));
    ASSERT_TRUE(want.ok() && got.ok());
    for (size_t r = 0; r < 40; ++r) {
      const RowExplanation& w = (*want)[r];
      const RowExplanation& g = (*got)[r];
      EXPECT_EQ(g.predicted_class, w.predicted_class);
      EXPECT_NEAR(g.base_value, w.base_value, 1e-4);
      EXPECT_NEAR(g.prediction_value, w.prediction_value, 1e-4);
      EXPECT_NEAR(g.probability, w.probability, 1e-6);
      ASSERT_EQ(g.contributions.size(), 3u);
      for (size_t k = 0; k < 3; ++k) {
        EXPECT_EQ(g.contributions[k].feature, w.contributions[k].feature)
            << "row " << r;
        EXPECT_NEAR(g.contributions[k].value, w.contributions[k].value,
                    1e-4 * std::max(1.0, std::fabs(w.contributions[k].value)));
      }
    }
  }
}

TEST(ShapTest, GlobalImportanceRanksInformativeFeaturesFirst) {
  const Data d = MakeData(800, 2);
  const XgbModel m = Train(ModelType::kRegression, d, 800);
  auto ex = ExplainRows(m, d.view(200));
  ASSERT_TRUE(ex.ok());
  const GlobalImportance g = ComputeGlobalImportance(*ex);
  // y = 2a - b: |SHAP| of a is about twice that of b; c is unused.
  ASSERT_EQ(g.features, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_NEAR(g.share[0] + g.share[1] + g.share[2], 1.0, 1e-9);
  EXPECT_GT(g.mean_abs[0], 1.5 * g.mean_abs[1]);
  EXPECT_LT(g.share[2], 0.05);
}

TEST(ShapTest, SummaryDataFollowsImportanceOrder) {
  const Data d = MakeData(400, 5);
  const XgbModel m = Train(ModelType::kRegression, d, 400);
  auto ex = ExplainRows(m, d.view(30));
  ASSERT_TRUE(ex.ok());
  const ShapSummaryData s =
      MakeShapSummaryData(*ex, d.view(30), {"a", "b", "c"});
  ASSERT_EQ(s.features, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(s.shap.size(), 90u);
  // Row 4, feature "b": its input value and its SHAP value.
  EXPECT_FLOAT_EQ(s.values[4 * 3 + 1], d.x[4 * 3 + 1]);
  auto c = m.PredictContributions(d.view(30));
  EXPECT_FLOAT_EQ(s.shap[4 * 3 + 1], c->at(4, 0, 1));
}

TEST(PredictorTest, ClassificationGivesLabelAndMaxProbabilityConfidence) {
  const Data d = MakeData(800, 3);
  const XgbModel m = Train(ModelType::kClassification, d, 800);
  auto preds = PredictRows(m, d.view(10), true);
  auto proba = m.Predict(d.view(10));
  ASSERT_TRUE(preds.ok() && proba.ok());
  for (size_t r = 0; r < 10; ++r) {
    const Prediction& p = (*preds)[r];
    const float* pr = &(*proba)[3 * r];
    const float best = *std::max_element(pr, pr + 3);
    EXPECT_NEAR(p.confidence, best, 1e-6);
    EXPECT_EQ(p.label, SignalName(static_cast<int>(p.value)));
    ASSERT_TRUE(p.explanation.has_value());
    EXPECT_EQ(p.explanation->predicted_class, static_cast<int>(p.value));
  }
}

TEST(PredictorTest, RowFromFeatureMapPlacesNamesAndLeavesOthersMissing) {
  const Data d = MakeData(200, 4);
  const XgbModel m = Train(ModelType::kRegression, d, 200);
  auto row = RowFromFeatureMap(m, {{"c", 0.5}, {"a", 0.25}});
  ASSERT_TRUE(row.ok());
  EXPECT_FLOAT_EQ((*row)[0], 0.25f);
  EXPECT_TRUE(std::isnan((*row)[1]));
  EXPECT_FLOAT_EQ((*row)[2], 0.5f);
  auto bad = RowFromFeatureMap(m, {{"rsi_14", 50}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().details()[0].message.find("model inputs: a, b, c"),
            std::string::npos);
  auto p = PredictRows(m, {row->data(), 1, 3}, false);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(std::isnan((*p)[0].confidence));
  EXPECT_FALSE((*p)[0].explanation.has_value());
}

}  // namespace
}  // namespace trainyard::ml
