#include "ml/xgb_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/rng.h"
#include "ml/metrics.h"

namespace trainyard::ml {
namespace {

// x0 decides the class (SELL below 1/3, BUY above 2/3); x1 is noise.
struct Toy {
  std::vector<float> x, y;
  size_t rows = 0;
  MatrixView view() const { return {x.data(), rows, 2}; }
};

Toy MakeToy(size_t rows, uint64_t seed, bool regression = false) {
  Rng rng(seed);
  Toy t;
  t.rows = rows;
  for (size_t i = 0; i < rows; ++i) {
    const double a = rng.Uniform(), b = rng.Uniform();
    t.x.push_back(static_cast<float>(a));
    t.x.push_back(static_cast<float>(b));
    t.y.push_back(regression ? static_cast<float>(3 * a - 1)
                             : static_cast<float>(a < 1.0 / 3   ? kSell
                                                  : a < 2.0 / 3 ? kHold
                                                                : kBuy));
  }
  return t;
}

BoosterConfig Config(Algorithm algo, ModelType type,
                     std::map<std::string, double> hp) {
  auto c = MapHyperparameters(algo, type, hp, 1);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

Result<XgbModel> TrainToy(const Toy& t, Algorithm algo,
                          std::map<std::string, double> hp = {{"n_estimators",
                                                               20}},
                          ModelType type = ModelType::kClassification) {
  return XgbModel::Train(type, {"signal", "noise"}, t.view(), t.y,
                         Config(algo, type, hp));
}

TEST(XgbModelTest, GradientBoostingLearnsTheThresholdRule) {
  const Toy train = MakeToy(600, 1), test = MakeToy(300, 2);
  auto m = TrainToy(train, Algorithm::kGradientBoosting);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto p = m->Predict(test.view());
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 300u * 3);
  for (size_t r = 0; r < 300; ++r) {
    EXPECT_NEAR((*p)[3 * r] + (*p)[3 * r + 1] + (*p)[3 * r + 2], 1.0, 1e-5);
  }
  EXPECT_GT(ComputeClassificationMetrics(test.y, *p, 3).accuracy, 0.95);
}

TEST(XgbModelTest, RandomForestGrowsNEstimatorsTreesPerClassInOneRound) {
  const Toy train = MakeToy(600, 1), test = MakeToy(300, 2);
  auto m = TrainToy(train, Algorithm::kRandomForest,
                    {{"n_estimators", 10}, {"max_depth", 4}});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto bytes = m->Serialize();
  ASSERT_TRUE(bytes.ok());
  const auto json = nlohmann::json::parse(*bytes);
  const auto& gbtree = json["learner"]["gradient_booster"]["model"];
  EXPECT_EQ(gbtree["gbtree_model_param"]["num_parallel_tree"], "10");
  EXPECT_EQ(gbtree["trees"].size(), 30u);  // 10 trees x 3 classes
  auto p = m->Predict(test.view());
  ASSERT_TRUE(p.ok());
  EXPECT_GT(ComputeClassificationMetrics(test.y, *p, 3).accuracy, 0.9);
}

TEST(XgbModelTest, SameSeedSameModelDifferentSeedDifferentForest) {
  const Toy train = MakeToy(400, 3);
  std::map<std::string, double> hp = {{"n_estimators", 5}, {"random_state", 7}};
  auto a = TrainToy(train, Algorithm::kRandomForest, hp);
  auto b = TrainToy(train, Algorithm::kRandomForest, hp);
  hp["random_state"] = 8;
  auto c = TrainToy(train, Algorithm::kRandomForest, hp);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a->Predict(train.view()), *b->Predict(train.view()));
  EXPECT_NE(*a->Predict(train.view()), *c->Predict(train.view()));
}

TEST(XgbModelTest, ShapValuesPlusBiasSumToTheMargin) {
  const Toy train = MakeToy(500, 4), test = MakeToy(50, 5);
  for (Algorithm algo :
       {Algorithm::kRandomForest, Algorithm::kGradientBoosting}) {
    auto m = TrainToy(train, algo);
    ASSERT_TRUE(m.ok());
    auto c = m->PredictContributions(test.view());
    auto margin = m->PredictMargin(test.view());
    ASSERT_TRUE(c.ok() && margin.ok());
    ASSERT_EQ(c->groups, 3u);
    ASSERT_EQ(c->features, 2u);
    for (size_t r = 0; r < 50; ++r) {
      for (size_t g = 0; g < 3; ++g) {
        const double sum = c->at(r, g, 0) + c->at(r, g, 1) + c->bias(r, g);
        EXPECT_NEAR(sum, (*margin)[r * 3 + g], 1e-4);
      }
    }
  }
}

TEST(XgbModelTest, SaabasContributionsAlsoSumToTheMarginButDifferFromShap) {
  const Toy train = MakeToy(500, 14), test = MakeToy(50, 15);
  auto m = TrainToy(train, Algorithm::kRandomForest, {{"n_estimators", 10}});
  ASSERT_TRUE(m.ok());
  auto saabas =
      m->PredictContributions(test.view(), ContributionMethod::kSaabas);
  auto shap = m->PredictContributions(test.view());
  auto margin = m->PredictMargin(test.view());
  ASSERT_TRUE(saabas.ok() && shap.ok() && margin.ok());
  bool differs = false;
  for (size_t r = 0; r < 50; ++r) {
    for (size_t g = 0; g < 3; ++g) {
      const double sum =
          saabas->at(r, g, 0) + saabas->at(r, g, 1) + saabas->bias(r, g);
      EXPECT_NEAR(sum, (*margin)[r * 3 + g], 1e-4);
      differs |= std::fabs(saabas->at(r, g, 0) - shap->at(r, g, 0)) > 1e-4;
    }
  }
  EXPECT_TRUE(differs);
}

TEST(XgbModelTest, RegressionShapSumsToThePrediction) {
  const Toy train = MakeToy(500, 6, true), test = MakeToy(50, 7, true);
  auto m = TrainToy(train, Algorithm::kGradientBoosting, {{"n_estimators", 30}},
                    ModelType::kRegression);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto c = m->PredictContributions(test.view());
  auto p = m->Predict(test.view());
  ASSERT_TRUE(c.ok() && p.ok());
  ASSERT_EQ(c->groups, 1u);
  for (size_t r = 0; r < 50; ++r) {
    EXPECT_NEAR(c->at(r, 0, 0) + c->at(r, 0, 1) + c->bias(r, 0), (*p)[r], 1e-4);
  }
}

TEST(XgbModelTest, GainImportanceFavoursTheInformativeFeature) {
  auto m = TrainToy(MakeToy(600, 8), Algorithm::kGradientBoosting);
  ASSERT_TRUE(m.ok());
  auto gain = m->GainImportance();
  ASSERT_TRUE(gain.ok());
  ASSERT_EQ(gain->size(), 2u);
  EXPECT_NEAR((*gain)[0] + (*gain)[1], 1.0, 1e-9);
  EXPECT_GT((*gain)[0], 0.9);
}

TEST(XgbModelTest, SerializeRoundTripKeepsPredictionsAndMetadata) {
  const Toy train = MakeToy(300, 9);
  auto m = TrainToy(train, Algorithm::kGradientBoosting);
  ASSERT_TRUE(m.ok());
  auto bytes = m->Serialize();
  ASSERT_TRUE(bytes.ok());
  auto loaded = XgbModel::Deserialize(*bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->type(), ModelType::kClassification);
  EXPECT_EQ(loaded->feature_names(),
            (std::vector<std::string>{"signal", "noise"}));
  EXPECT_EQ(*loaded->Predict(train.view()), *m->Predict(train.view()));
}

TEST(XgbModelTest, SaveToFileIsAtomicAndLoadable) {
  const Toy train = MakeToy(300, 10);
  auto m = TrainToy(train, Algorithm::kRandomForest);
  ASSERT_TRUE(m.ok());
  const std::string path = ::testing::TempDir() + "/ml_model_test.json";
  ASSERT_TRUE(m->SaveToFile(path).ok());
  auto loaded = XgbModel::LoadFromFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded->Predict(train.view()), *m->Predict(train.view()));
  std::remove(path.c_str());
  EXPECT_EQ(XgbModel::LoadFromFile(path).status().code(), ErrorCode::kIo);
}

TEST(XgbModelTest, GarbageBytesAreCorruptionNotACrash) {
  auto r = XgbModel::Deserialize("{not a model");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCorruption);
}

TEST(XgbModelTest, XgboostErrorsAreUnprocessable) {
  Toy t = MakeToy(50, 11);
  t.y[0] = 7;  // label outside num_class = 3
  auto r = TrainToy(t, Algorithm::kGradientBoosting);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnprocessable);
  EXPECT_NE(r.status().message().find("XGBoosterUpdateOneIter"),
            std::string::npos)
      << r.status().message();
}

TEST(XgbModelTest, ShapeMismatchIsRejected) {
  const Toy t = MakeToy(50, 12);
  auto r = XgbModel::Train(
      ModelType::kClassification, {"only_one"}, t.view(), t.y,
      Config(Algorithm::kRandomForest, ModelType::kClassification, {}));
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  auto m = TrainToy(t, Algorithm::kRandomForest);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Predict({t.x.data(), 5, 3}).status().code(),
            ErrorCode::kValidation);
}

TEST(XgbModelTest, ProgressReportsEveryRoundAndCanCancel) {
  const Toy t = MakeToy(200, 13);
  std::vector<int> seen;
  auto cfg = Config(Algorithm::kGradientBoosting, ModelType::kClassification,
                    {{"n_estimators", 10}});
  auto r = XgbModel::Train(ModelType::kClassification, {"a", "b"}, t.view(),
                           t.y, cfg, [&](int done, int total) {
                             EXPECT_EQ(total, 10);
                             seen.push_back(done);
                             return done < 4;
                           });
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(IsCancelled(r.status()));
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace trainyard::ml
