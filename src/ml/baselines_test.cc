#include "ml/baselines.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/targets.h"

namespace trainyard::ml {
namespace {

// One symbol whose close on row i is closes[i]; labels y; next_return from
// the closes (0 on the last row).
Dataset OneSymbol(const std::vector<double>& closes,
                  const std::vector<float>& y, ModelType type) {
  Dataset d;
  d.type = type;
  d.symbols = {"S"};
  for (size_t i = 0; i < closes.size(); ++i) {
    const double next =
        i + 1 < closes.size() ? closes[i + 1] / closes[i] - 1.0 : 0.0;
    d.info.push_back(
        {0, static_cast<DayNumber>(100 + i), closes[i], 0.0, next});
    d.y.push_back(y[i]);
  }
  return d;
}

std::vector<size_t> Range(size_t from, size_t to) {
  std::vector<size_t> out;
  for (size_t i = from; i < to; ++i) out.push_back(i);
  return out;
}

TEST(NaiveBaselinesTest, MajorityClassComesFromTrainingAndIsScoredOnTest) {
  // Training: HOLD x3, BUY x2; test: BUY, HOLD, SELL, HOLD -> HOLD is right
  // on 2 of 4.
  std::vector<double> closes(9, 100.0);
  Dataset data = OneSymbol(closes, {1, 1, 2, 1, 2, 2, 1, 0, 1},
                           ModelType::kClassification);
  const Dataset train = data.Subset(Range(0, 5));
  const Dataset test = data.Subset(Range(5, 9));
  const NaiveBaselines b = ComputeNaiveBaselines(data, train, test, {});
  EXPECT_EQ(b.majority_class, kHold);
  EXPECT_DOUBLE_EQ(b.majority_accuracy, 0.5);
  EXPECT_TRUE(std::isnan(b.zero_forecast_rmse));
}

TEST(NaiveBaselinesTest, RegressionIsComparedWithAZeroForecast) {
  std::vector<double> closes(4, 100.0);
  Dataset data =
      OneSymbol(closes, {0.1f, -0.1f, 0.3f, -0.4f}, ModelType::kRegression);
  const NaiveBaselines b = ComputeNaiveBaselines(data, data.Subset(Range(0, 2)),
                                                 data.Subset(Range(2, 4)), {});
  EXPECT_NEAR(b.zero_forecast_rmse, std::sqrt((0.09 + 0.16) / 2), 1e-6);
  EXPECT_EQ(b.majority_class, -1);
}

TEST(NaiveBaselinesTest, BuyAndHoldIsLongOnEveryTestDayWithCosts) {
  // Test closes 100 -> 110 -> 121: +10 % twice, entry and exit cost 1 %.
  Dataset data = OneSymbol({90, 95, 100, 110, 121}, {1, 1, 1, 1, 1},
                           ModelType::kClassification);
  const Dataset test = data.Subset(Range(2, 5));
  const NaiveBaselines b =
      ComputeNaiveBaselines(data, data.Subset(Range(0, 2)), test, {0.01, true});
  const BacktestResult expected = RunBacktest(
      {{0, 102, 1, 0.1}, {0, 103, 1, 0.1}, {0, 104, 1, 0.0}}, {0.01, true});
  EXPECT_NEAR(b.buy_and_hold.total_return, expected.total_return, 1e-12);
  EXPECT_GT(b.buy_and_hold.total_return, 0.18);
}

TEST(NaiveBaselinesTest, MomentumFollowsTheLookbackReturnUsingTrainingHistory) {
  // 25 rising closes then 25 falling ones; the test period is the last 10
  // (falling, with 20 rows of history each): short every test day.
  std::vector<double> closes;
  for (int i = 0; i < 25; ++i) closes.push_back(100 + i);
  for (int i = 0; i < 25; ++i) closes.push_back(124 - 2 * i);
  Dataset data =
      OneSymbol(closes, std::vector<float>(50, 1), ModelType::kClassification);
  const Dataset test = data.Subset(Range(40, 50));
  const NaiveBaselines shorting =
      ComputeNaiveBaselines(data, data.Subset(Range(0, 40)), test, {0, true});
  // Falling prices: the short rule earns, buy-and-hold loses.
  EXPECT_GT(shorting.momentum.total_return, 0.0);
  EXPECT_LT(shorting.buy_and_hold.total_return, 0.0);
  EXPECT_EQ(shorting.momentum.total_trades, 1);
  // Without short selling the same rule stays flat.
  const NaiveBaselines flat =
      ComputeNaiveBaselines(data, data.Subset(Range(0, 40)), test, {0, false});
  EXPECT_DOUBLE_EQ(flat.momentum.total_return, 0.0);
  EXPECT_EQ(flat.momentum.total_trades, 0);
}

TEST(NaiveBaselinesTest, MomentumStaysFlatWithoutEnoughHistory) {
  std::vector<double> closes;
  for (int i = 0; i < 10; ++i) closes.push_back(100 + i);
  Dataset data =
      OneSymbol(closes, std::vector<float>(10, 1), ModelType::kClassification);
  const NaiveBaselines b = ComputeNaiveBaselines(
      data, data.Subset(Range(0, 5)), data.Subset(Range(5, 10)), {0, true});
  EXPECT_EQ(b.momentum.total_trades, 0);
}

TEST(ConfusionMatrixTest, CountsActualByPredictedAndPerClassFigures) {
  // actual:    SELL SELL HOLD HOLD BUY BUY BUY
  // predicted: SELL HOLD HOLD HOLD BUY HOLD HOLD
  const auto m = ConfusionMatrix({0, 0, 1, 1, 2, 2, 2}, {0, 1, 1, 1, 2, 1, 1},
                                 kNumSignals);
  EXPECT_EQ(m[0], (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(m[1], (std::vector<int>{0, 2, 0}));
  EXPECT_EQ(m[2], (std::vector<int>{0, 2, 1}));
  const std::vector<ClassReport> r = PerClassReport(m);
  EXPECT_EQ(r[kHold].support, 2);
  EXPECT_EQ(r[kHold].predicted, 5);
  EXPECT_DOUBLE_EQ(r[kHold].precision, 0.4);
  EXPECT_DOUBLE_EQ(r[kHold].recall, 1.0);
  EXPECT_NEAR(r[kHold].f1, 2 * 0.4 / 1.4, 1e-12);
  EXPECT_DOUBLE_EQ(r[kBuy].precision, 1.0);
  EXPECT_NEAR(r[kBuy].recall, 1.0 / 3, 1e-12);
}

TEST(ConfusionMatrixTest, NeverPredictedClassHasZeroPrecision) {
  const auto r = PerClassReport(ConfusionMatrix({0, 2}, {1, 1}, kNumSignals));
  EXPECT_EQ(r[kSell].predicted, 0);
  EXPECT_DOUBLE_EQ(r[kSell].precision, 0.0);
  EXPECT_DOUBLE_EQ(r[kSell].recall, 0.0);
}

}  // namespace
}  // namespace trainyard::ml
