#include "ml/hyperparameters.h"

#include <gtest/gtest.h>

namespace trainyard::ml {
namespace {

std::string Param(const BoosterConfig& c, const std::string& key) {
  for (const auto& [k, v] : c.params) {
    if (k == key) return v;
  }
  return "<unset>";
}

TEST(HyperparametersTest, RandomForestIsOneRoundOfParallelTrees) {
  auto c =
      MapHyperparameters(Algorithm::kRandomForest, ModelType::kClassification,
                         {{"n_estimators", 100},
                          {"max_depth", 10},
                          {"min_samples_split", 5},
                          {"random_state", 42}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rounds, 1);
  EXPECT_EQ(Param(*c, "num_parallel_tree"), "100");
  EXPECT_EQ(Param(*c, "eta"), "1");
  EXPECT_EQ(Param(*c, "max_depth"), "10");
  EXPECT_EQ(Param(*c, "seed"), "42");
  EXPECT_EQ(Param(*c, "subsample"), "0.80000000000000004");
  EXPECT_EQ(Param(*c, "colsample_bynode"), "0.80000000000000004");
  EXPECT_EQ(Param(*c, "objective"), "multi:softprob");
  EXPECT_EQ(Param(*c, "tree_method"), "hist");
  EXPECT_EQ(Param(*c, "max_bin"), "32");
  EXPECT_EQ(Param(*c, "num_class"), "3");
  // min_samples_split 5 -> 0.25 * 5 / 2 = 0.625 < XGBoost's default 1.
  EXPECT_EQ(Param(*c, "min_child_weight"), "1");
}

TEST(HyperparametersTest, MinSamplesSplitScalesByMaxHessian) {
  // Regression hessian is 1: min_child_weight = 40 / 2 = 20.
  auto reg =
      MapHyperparameters(Algorithm::kGradientBoosting, ModelType::kRegression,
                         {{"min_samples_split", 40}});
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(Param(*reg, "min_child_weight"), "20");
  // Softmax hessian <= 1/4: 0.25 * 40 / 2 = 5.
  auto cls = MapHyperparameters(Algorithm::kGradientBoosting,
                                ModelType::kClassification,
                                {{"min_samples_split", 40}});
  ASSERT_TRUE(cls.ok());
  EXPECT_EQ(Param(*cls, "min_child_weight"), "5");
}

TEST(HyperparametersTest, GradientBoostingUsesRoundsAndLearningRate) {
  auto c =
      MapHyperparameters(Algorithm::kGradientBoosting, ModelType::kRegression,
                         {{"n_estimators", 150}, {"learning_rate", 0.05}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->rounds, 150);
  EXPECT_EQ(Param(*c, "eta"), "0.050000000000000003");
  EXPECT_EQ(Param(*c, "num_parallel_tree"), "<unset>");
  EXPECT_EQ(Param(*c, "objective"), "reg:squarederror");
  EXPECT_DOUBLE_EQ(c->effective.at("max_depth"), 6);
}

TEST(HyperparametersTest, UnknownNameIsRejectedWithTheValidList) {
  auto c = MapHyperparameters(Algorithm::kRandomForest,
                              ModelType::kClassification, {{"criterion", 1}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kValidation);
  ASSERT_EQ(c.status().details().size(), 1u);
  EXPECT_EQ(c.status().details()[0].field, "hyperparameters");
  const std::string& msg = c.status().details()[0].message;
  EXPECT_NE(msg.find("'criterion'"), std::string::npos);
  EXPECT_NE(msg.find("n_estimators"), std::string::npos);
  EXPECT_NE(msg.find("min_samples_split"), std::string::npos);
}

TEST(HyperparametersTest, LearningRateDoesNotApplyToRandomForest) {
  auto c =
      MapHyperparameters(Algorithm::kRandomForest, ModelType::kClassification,
                         {{"learning_rate", 0.1}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("does not apply"), std::string::npos);
}

TEST(HyperparametersTest, RangeAndIntegerChecks) {
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, double>>{{"n_estimators", 0},
                                                   {"n_estimators", 2.5},
                                                   {"max_depth", 50},
                                                   {"subsample", 0},
                                                   {"subsample", 1.5},
                                                   {"min_samples_split", 1},
                                                   {"random_state", -1}}) {
    auto c = MapHyperparameters(Algorithm::kGradientBoosting,
                                ModelType::kRegression, {{name, value}});
    ASSERT_FALSE(c.ok()) << name << "=" << value;
    EXPECT_NE(
        c.status().details()[0].message.find("Invalid parameter '" + name),
        std::string::npos);
  }
}

TEST(HyperparametersTest, EveryProblemIsReported) {
  auto c =
      MapHyperparameters(Algorithm::kGradientBoosting, ModelType::kRegression,
                         {{"n_estimators", -1}, {"bogus", 1}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().details().size(), 2u);
}

TEST(HyperparametersTest, ParsesWireNames) {
  EXPECT_EQ(*ParseAlgorithm("RANDOM_FOREST"), Algorithm::kRandomForest);
  EXPECT_EQ(*ParseAlgorithm("GRADIENT_BOOSTING"), Algorithm::kGradientBoosting);
  EXPECT_FALSE(ParseAlgorithm("LSTM").ok());
  EXPECT_EQ(*ParseModelType("TIME_SERIES"), ModelType::kTimeSeries);
  EXPECT_FALSE(ParseModelType("clustering").ok());
}

}  // namespace
}  // namespace trainyard::ml
