#include "ml/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace trainyard::ml {
namespace {

// Six rows, true classes 0,0,1,1,2,2; argmax predictions 0,1,1,1,2,0.
const std::vector<float> kTrue = {0, 0, 1, 1, 2, 2};
const std::vector<float> kProba = {0.7f, 0.2f, 0.1f,  //
                                   0.3f, 0.6f, 0.1f,  //
                                   0.2f, 0.5f, 0.3f,  //
                                   0.1f, 0.8f, 0.1f,  //
                                   0.1f, 0.2f, 0.7f,  //
                                   0.5f, 0.1f, 0.4f};

TEST(MetricsTest, AccuracyAndMacroPrecisionRecallF1) {
  const ClassificationMetrics m =
      ComputeClassificationMetrics(kTrue, kProba, 3);
  // Correct: rows 0, 2, 3, 4 -> 4/6.
  EXPECT_NEAR(m.accuracy, 4.0 / 6.0, 1e-9);
  // class 0: tp 1, predicted 2, true 2 -> P 1/2, R 1/2, F1 1/2
  // class 1: tp 2, predicted 3, true 2 -> P 2/3, R 1,   F1 0.8
  // class 2: tp 1, predicted 1, true 2 -> P 1,   R 1/2, F1 2/3
  EXPECT_NEAR(m.precision, (0.5 + 2.0 / 3.0 + 1.0) / 3.0, 1e-9);  // 0.722222
  EXPECT_NEAR(m.recall, (0.5 + 1.0 + 0.5) / 3.0, 1e-9);           // 0.666667
  EXPECT_NEAR(m.f1, (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-9);         // 0.655556
}

TEST(MetricsTest, OneVsRestMacroRocAuc) {
  // class 0 scores: positives 0.7, 0.3 vs negatives 0.2, 0.1, 0.1, 0.5:
  //   0.7 beats 4, 0.3 beats 3 -> 7/8.
  // class 1: positives 0.5, 0.8 vs 0.2, 0.6, 0.2, 0.1 -> (3 + 4)/8.
  // class 2: positives 0.7, 0.4 vs 0.1, 0.1, 0.3, 0.1 -> 8/8.
  const ClassificationMetrics m =
      ComputeClassificationMetrics(kTrue, kProba, 3);
  EXPECT_NEAR(m.roc_auc, (0.875 + 0.875 + 1.0) / 3.0, 1e-6);
}

TEST(MetricsTest, LogLossOfTrueClassProbabilities) {
  // -(ln .7 + ln .3 + ln .5 + ln .8 + ln .7 + ln .4) / 6 = 0.624984
  const ClassificationMetrics m =
      ComputeClassificationMetrics(kTrue, kProba, 3);
  EXPECT_NEAR(m.log_loss, 0.6249842, 1e-6);
}

TEST(MetricsTest, BinaryAucCountsTiesAsHalf) {
  // positives 0.8, 0.4; negatives 0.6, 0.2, 0.4.
  // 0.8 beats 3; 0.4 beats 0.2, ties 0.4 (1/2), loses to 0.6 -> 4.5 / 6.
  EXPECT_DOUBLE_EQ(BinaryRocAuc({true, true, false, false, false},
                                {0.8, 0.4, 0.6, 0.2, 0.4}),
                   0.75);
  EXPECT_TRUE(std::isnan(BinaryRocAuc({true, true}, {0.1, 0.2})));
}

TEST(MetricsTest, ClassAbsentEverywhereIsLeftOutOfMacroAverages) {
  // Only classes 0 and 2 occur: both perfectly predicted.
  const ClassificationMetrics m = ComputeClassificationMetrics(
      {0, 2}, {0.9f, 0.05f, 0.05f, 0.1f, 0.1f, 0.8f}, 3);
  EXPECT_DOUBLE_EQ(m.precision, 1.0);
  EXPECT_DOUBLE_EQ(m.recall, 1.0);
  EXPECT_DOUBLE_EQ(m.f1, 1.0);
}

TEST(MetricsTest, RegressionMetrics) {
  // errors 1, 1, -4, 1: SSE 19, RMSE sqrt(19/4) = 2.179449, MAE 7/4.
  // mean(y) 0.5, SS_tot 0.25 + 6.25 + 6.25 + 0.25 = 13, R2 = 1 - 19/13.
  // direction: y=0 row skipped; (+,+) (-,-) hit, (+,-) miss -> 2/3.
  const RegressionMetrics m =
      ComputeRegressionMetrics({1, -2, 3, 0}, {2, -1, -1, 1});
  EXPECT_NEAR(m.rmse, std::sqrt(19.0 / 4.0), 1e-9);
  EXPECT_NEAR(m.mae, 1.75, 1e-9);
  EXPECT_NEAR(m.r2, 1.0 - 19.0 / 13.0, 1e-9);
  EXPECT_NEAR(m.directional_accuracy, 2.0 / 3.0, 1e-9);
}

TEST(MetricsTest, R2IsUndefinedForConstantTruth) {
  EXPECT_TRUE(std::isnan(ComputeRegressionMetrics({1, 1}, {1, 2}).r2));
}

}  // namespace
}  // namespace trainyard::ml
