#include "ml/flat_forest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/rng.h"
#include "ml/hyperparameters.h"

namespace trainyard::ml {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// One regression tree, hand-written: x0 < 0.5 (missing goes left) -> 1.0,
// else x1 < 2 (missing goes right) -> -1.0 / 3.0; base score 0.5.
constexpr char kTinyModel[] = R"({"learner": {
  "objective": {"name": "reg:squarederror"},
  "learner_model_param": {"base_score": "5E-1", "num_class": "0",
                          "num_feature": "2"},
  "gradient_booster": {"name": "gbtree", "model": {
    "tree_info": [0],
    "trees": [{"left_children": [1, -1, 3, -1, -1],
               "right_children": [2, -1, 4, -1, -1],
               "split_indices": [0, 0, 1, 0, 0],
               "split_conditions": [0.5, 1.0, 2.0, -1.0, 3.0],
               "default_left": [1, 0, 0, 0, 0],
               "split_type": [0, 0, 0, 0, 0]}]}}}})";

TEST(FlatForestTest, FollowsSplitsAndMissingDirectionsOfAHandWrittenTree) {
  auto f = FlatForest::FromXgboostJson(kTinyModel);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const std::vector<float> x = {0.2f, 9.0f, 0.7f, 1.0f, 0.7f,
                                2.0f, kNaN, 5.0f, 0.5f, kNaN};
  const std::vector<float> out = f->Predict({x.data(), 5, 2});
  // 0.5 + leaf: left; right then left; right then right (2 is not < 2);
  // missing x0 goes left; x0 = 0.5 goes right, missing x1 goes right.
  EXPECT_EQ(out, (std::vector<float>{1.5f, -0.5f, 3.5f, 1.5f, 3.5f}));
}

TEST(FlatForestTest, RefusesWhatItCannotEvaluate) {
  std::string other = kTinyModel;
  other.replace(other.find("reg:squarederror"), 16, "binary:logistic");
  EXPECT_FALSE(FlatForest::FromXgboostJson(other).ok());
  std::string categorical = kTinyModel;
  categorical.replace(categorical.find("\"split_type\": [0"), 16,
                      "\"split_type\": [1");
  EXPECT_FALSE(FlatForest::FromXgboostJson(categorical).ok());
  EXPECT_FALSE(FlatForest::FromXgboostJson("{}").ok());
}

// Rows of 4 features with some missing values; the label depends on two.
void MakeData(size_t rows, uint64_t seed, bool regression,
              std::vector<float>* x, std::vector<float>* y) {
  Rng rng(seed);
  for (size_t i = 0; i < rows; ++i) {
    double v[4];
    for (double& d : v) d = rng.Normal();
    for (size_t k = 0; k < 4; ++k) {
      x->push_back(rng.Uniform() < 0.05 ? kNaN : static_cast<float>(v[k]));
    }
    const double s = v[0] + 0.5 * v[1] * v[2] + 0.3 * rng.Normal();
    y->push_back(regression ? static_cast<float>(s)
                            : static_cast<float>(s < -0.4  ? 0
                                                 : s < 0.4 ? 1
                                                           : 2));
  }
}

// XGBoost's own predictor (a freshly trained booster) is the reference for
// the flattened copy of the same model (what Deserialize builds).
void ExpectSameAsXgboost(Algorithm algo, ModelType type) {
  std::vector<float> x, y, tx, ty;
  const bool regression = type != ModelType::kClassification;
  MakeData(2000, 7, regression, &x, &y);
  MakeData(3000, 8, regression, &tx, &ty);
  auto cfg = MapHyperparameters(algo, type,
                                {{"n_estimators", 30}, {"max_depth", 6}}, 1);
  ASSERT_TRUE(cfg.ok());
  auto trained =
      XgbModel::Train(type, {"a", "b", "c", "d"}, {x.data(), 2000, 4}, y, *cfg);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const MatrixView test{tx.data(), 3000, 4};
  auto reference = trained->Predict(test);
  ASSERT_TRUE(reference.ok());
  auto json = trained->Serialize();
  ASSERT_TRUE(json.ok());
  auto flat = FlatForest::FromXgboostJson(*json);
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  const std::vector<float> out = flat->Predict(test);
  ASSERT_EQ(out.size(), reference->size());
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_NEAR(out[i], (*reference)[i], 1e-6) << "output " << i;
  }
  // A loaded model predicts through the flat copy with the same answers.
  auto loaded = XgbModel::Deserialize(*json);
  ASSERT_TRUE(loaded.ok());
  auto again = loaded->Predict(test);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, out);
}

TEST(FlatForestTest, RandomForestClassifierMatchesXgboost) {
  ExpectSameAsXgboost(Algorithm::kRandomForest, ModelType::kClassification);
}

TEST(FlatForestTest, GradientBoostingClassifierMatchesXgboost) {
  ExpectSameAsXgboost(Algorithm::kGradientBoosting, ModelType::kClassification);
}

TEST(FlatForestTest, RegressionForestsMatchXgboost) {
  ExpectSameAsXgboost(Algorithm::kRandomForest, ModelType::kRegression);
  ExpectSameAsXgboost(Algorithm::kGradientBoosting, ModelType::kRegression);
}

// Hand-computed Shapley values of kTinyModel (covers 10 = 4 left + 6 right,
// 6 = 2 + 4 below): expected value 0.4*1 + 0.6*(2/6*-1 + 4/6*3) = 1.4.
TEST(FlatForestTest, ShapOfAHandWrittenTreeMatchesShapleyValues) {
  std::string with_covers = kTinyModel;
  with_covers.replace(with_covers.find("\"split_type\""), 0,
                      "\"sum_hessian\": [10, 4, 6, 2, 4], ");
  auto f = FlatForest::FromXgboostJson(with_covers);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE(f->explainable());
  // Row (0.7, 1.0) -> leaf -1.0. v({}) = 1.4, v({x0}) = 1/3*-1 + 2/3*3 =
  // 5/3, v({x1}) = 0.4 + 0.6*-1 = -0.2, v({x0,x1}) = -1.
  // phi0 = ((5/3 - 1.4) + (-1 - -0.2)) / 2, phi1 = ((-0.2 - 1.4) + (-1 -
  // 5/3)) / 2.
  const float row[2] = {0.7f, 1.0f};
  float phi[3];
  f->ShapValues(row, 0, phi);
  EXPECT_NEAR(phi[0], ((5.0 / 3 - 1.4) + (-1 + 0.2)) / 2, 1e-6);
  EXPECT_NEAR(phi[1], ((-0.2 - 1.4) + (-1 - 5.0 / 3)) / 2, 1e-6);
  EXPECT_NEAR(phi[2], 0.5 + 1.4, 1e-6);  // base score + expected value
  EXPECT_NEAR(phi[0] + phi[1] + phi[2], 0.5 - 1.0, 1e-6);
}

TEST(FlatForestTest, ModelWithoutCoversPredictsButIsNotExplainable) {
  auto f = FlatForest::FromXgboostJson(kTinyModel);
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->explainable());
}

// XGBoost's pred_contribs (TreeSHAP over every group) is the reference for
// ShapValues of each group; values also sum to that group's margin.
void ExpectShapSameAsXgboost(Algorithm algo, ModelType type) {
  std::vector<float> x, y, tx, ty;
  const bool regression = type != ModelType::kClassification;
  MakeData(2000, 7, regression, &x, &y);
  MakeData(300, 9, regression, &tx, &ty);  // ~5 % missing values
  auto cfg = MapHyperparameters(algo, type,
                                {{"n_estimators", 20}, {"max_depth", 6}}, 1);
  ASSERT_TRUE(cfg.ok());
  auto trained =
      XgbModel::Train(type, {"a", "b", "c", "d"}, {x.data(), 2000, 4}, y, *cfg);
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  const MatrixView test{tx.data(), 300, 4};
  auto reference = trained->PredictContributions(test);
  ASSERT_TRUE(reference.ok());
  auto margin = trained->PredictMargin(test);
  ASSERT_TRUE(margin.ok());
  auto json = trained->Serialize();
  ASSERT_TRUE(json.ok());
  auto flat = FlatForest::FromXgboostJson(*json);
  ASSERT_TRUE(flat.ok()) << flat.status().ToString();
  ASSERT_TRUE(flat->explainable());
  const size_t groups = reference->groups;
  ASSERT_EQ(static_cast<size_t>(flat->groups()), groups);
  float phi[5];
  for (size_t r = 0; r < test.rows; ++r) {
    for (size_t g = 0; g < groups; ++g) {
      flat->ShapValues(tx.data() + r * 4, static_cast<int>(g), phi);
      double sum = 0;
      for (size_t k = 0; k <= 4; ++k) {
        const float want = reference->at(r, g, k);
        ASSERT_NEAR(phi[k], want, 1e-4 * std::max(1.0f, std::fabs(want)))
            << "row " << r << " group " << g << " value " << k;
        sum += phi[k];
      }
      EXPECT_NEAR(sum, (*margin)[r * groups + g], 1e-4);
    }
  }
}

TEST(FlatForestTest, ShapOfRandomForestClassifierMatchesXgboost) {
  ExpectShapSameAsXgboost(Algorithm::kRandomForest, ModelType::kClassification);
}

TEST(FlatForestTest, ShapOfGradientBoostingClassifierMatchesXgboost) {
  ExpectShapSameAsXgboost(Algorithm::kGradientBoosting,
                          ModelType::kClassification);
}

TEST(FlatForestTest, ShapOfRegressionForestsMatchesXgboost) {
  ExpectShapSameAsXgboost(Algorithm::kRandomForest, ModelType::kRegression);
  ExpectShapSameAsXgboost(Algorithm::kGradientBoosting, ModelType::kRegression);
}

TEST(FlatForestTest, ShapForOneGroupLeavesOtherGroupsTreesOut) {
  // Two single-leaf trees, one per class: each group's bias is only its own
  // tree's value plus the base score.
  constexpr char kTwoGroups[] = R"({"learner": {
    "objective": {"name": "multi:softprob"},
    "learner_model_param": {"base_score": "5E-1", "num_class": "2",
                            "num_feature": "1"},
    "gradient_booster": {"name": "gbtree", "model": {
      "tree_info": [0, 1],
      "trees": [
        {"left_children": [-1], "right_children": [-1],
         "split_indices": [0], "split_conditions": [2.0],
         "default_left": [0], "sum_hessian": [5]},
        {"left_children": [-1], "right_children": [-1],
         "split_indices": [0], "split_conditions": [-3.0],
         "default_left": [0], "sum_hessian": [5]}]}}}})";
  auto f = FlatForest::FromXgboostJson(kTwoGroups);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  const float row[1] = {1.0f};
  float phi[2];
  f->ShapValues(row, 1, phi);
  EXPECT_FLOAT_EQ(phi[0], 0.0f);
  EXPECT_FLOAT_EQ(phi[1], 0.5f - 3.0f);
  f->ShapValues(row, 0, phi);
  EXPECT_FLOAT_EQ(phi[1], 0.5f + 2.0f);
}

}  // namespace
}  // namespace trainyard::ml
