#include "ml/dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "ml/test_util.h"

namespace trainyard::ml {
namespace {

using testing::SeriesFromCloses;

std::vector<double> Closes(int n, double phase) {
  std::vector<double> c;
  for (int i = 0; i < n; ++i) c.push_back(100 + 5 * std::sin(i * 0.2 + phase));
  return c;
}

DatasetSpec Spec(ModelType type, DayNumber first, DayNumber last) {
  DatasetSpec spec;
  spec.features = {"return_1d", "rsi_14"};
  spec.target.type = type;
  spec.target.horizon = 2;
  spec.target.threshold = 0.01;
  spec.first_day = first;
  spec.last_day = last;
  return spec;
}

TEST(TargetsTest, SignalThresholds) {
  EXPECT_EQ(SignalFromReturn(0.02, 0.01), kBuy);
  EXPECT_EQ(SignalFromReturn(-0.02, 0.01), kSell);
  EXPECT_EQ(SignalFromReturn(0.01, 0.01), kHold);  // strict inequality
  EXPECT_EQ(SignalFromReturn(-0.01, 0.01), kHold);
}

TEST(TargetsTest, ForwardReturnLooksHDaysAhead) {
  // close 100, 105, 110: 2-day forward return at 0 = 110/100 - 1 = 0.1.
  const auto f = ForwardReturns({100, 105, 110}, 2);
  EXPECT_NEAR(f[0], 0.1, 1e-12);
  EXPECT_TRUE(std::isnan(f[1]));
}

TEST(DatasetTest, ClassificationRowsHaveFeaturesAtTAndLabelFromTPlusH) {
  OhlcvSeries s = SeriesFromCloses(Closes(60, 0));
  auto r = BuildDataset(
      {s}, Spec(ModelType::kClassification, s.days.front(), s.days.back()));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // rsi_14 first defined at bar 14; the last 2 bars have no 2-day target.
  ASSERT_EQ(r->rows(), 60u - 14 - 2);
  EXPECT_EQ(r->feature_names,
            (std::vector<std::string>{"return_1d", "rsi_14"}));
  const RowInfo& row = r->info[0];
  EXPECT_EQ(row.day, s.days[14]);
  EXPECT_FLOAT_EQ(r->x[0], static_cast<float>(s.close[14] / s.close[13] - 1));
  const double fwd = s.close[16] / s.close[14] - 1;
  EXPECT_DOUBLE_EQ(row.forward_return, fwd);
  EXPECT_EQ(r->y[0], SignalFromReturn(fwd, 0.01));
  EXPECT_DOUBLE_EQ(row.next_return, s.close[15] / s.close[14] - 1);
}

TEST(DatasetTest, TargetsNeverUseBarsAfterTheWindow) {
  OhlcvSeries s = SeriesFromCloses(Closes(60, 0));
  const DayNumber last = s.days[40];
  auto r =
      BuildDataset({s}, Spec(ModelType::kRegression, s.days.front(), last));
  ASSERT_TRUE(r.ok());
  // Last row is bar 38 (its 2-day target ends at bar 40).
  EXPECT_EQ(r->info.back().day, s.days[38]);
}

TEST(DatasetTest, InferenceRowsKeepTheLatestBars) {
  OhlcvSeries s = SeriesFromCloses(Closes(60, 0));
  DatasetSpec spec =
      Spec(ModelType::kClassification, s.days.front(), s.days.back());
  spec.require_target = false;
  auto r = BuildDataset({s}, spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->info.back().day, s.days.back());
  EXPECT_TRUE(std::isnan(r->info.back().forward_return));
}

TEST(DatasetTest, TimeSeriesAddsLaggedInputs) {
  OhlcvSeries s = SeriesFromCloses(Closes(60, 0));
  DatasetSpec spec =
      Spec(ModelType::kTimeSeries, s.days.front(), s.days.back());
  spec.features = {"return_1d"};
  spec.target.lags = 3;
  auto r = BuildDataset({s}, spec);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->feature_names,
            (std::vector<std::string>{"return_1d", "return_1d_lag1",
                                      "return_1d_lag2"}));
  // First row: bar 3 (return_1d defined from bar 1, two lags back).
  EXPECT_EQ(r->info[0].day, s.days[3]);
  EXPECT_FLOAT_EQ(r->x[1], static_cast<float>(s.close[2] / s.close[1] - 1));
  EXPECT_FLOAT_EQ(r->x[2], static_cast<float>(s.close[1] / s.close[0] - 1));
}

TEST(DatasetTest, RowsAreSortedByDayThenSymbol) {
  OhlcvSeries a = SeriesFromCloses(Closes(60, 0));
  OhlcvSeries b = SeriesFromCloses(Closes(60, 1));
  b.symbol = "OTHER";
  b.source = DataSource::kSynthetic;
  auto r = BuildDataset(
      {a, b}, Spec(ModelType::kRegression, a.days.front(), a.days.back()));
  ASSERT_TRUE(r.ok());
  EXPECT_STREQ(r->data_source(), "synthetic");
  for (size_t i = 1; i < r->rows(); ++i) {
    const RowInfo &p = r->info[i - 1], &q = r->info[i];
    EXPECT_TRUE(p.day < q.day || (p.day == q.day && p.symbol < q.symbol));
  }
}

TEST(DatasetTest, TooShortWindowExplainsTheWarmup) {
  OhlcvSeries s = SeriesFromCloses(Closes(10, 0));
  auto r = BuildDataset(
      {s}, Spec(ModelType::kRegression, s.days.front(), s.days.back()));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("15 bars of history"), std::string::npos)
      << r.status().message();
}

Dataset Hundred() {
  OhlcvSeries s = SeriesFromCloses(Closes(116, 0));
  return *BuildDataset(
      {s}, Spec(ModelType::kRegression, s.days.front(), s.days.back()));
}

TEST(DatasetTest, SplitIsTimeOrderedWithEmbargo) {
  const Dataset d = Hundred();
  ASSERT_EQ(d.rows(), 100u);
  auto split = TimeOrderedSplit(d, 0.8, 2);
  ASSERT_TRUE(split.ok());
  // 100 distinct days: test = days 80..99, train = days 0..77 (embargo 2).
  EXPECT_EQ(split->test.size(), 20u);
  EXPECT_EQ(split->train.size(), 78u);
  EXPECT_LT(d.info[split->train.back()].day + 2,
            d.info[split->test.front()].day);
}

TEST(DatasetTest, SplitFractionMustBeInsideZeroOne) {
  const Dataset d = Hundred();
  EXPECT_FALSE(TimeOrderedSplit(d, 1.0, 0).ok());
  EXPECT_FALSE(TimeOrderedSplit(d, 0.0, 0).ok());
}

TEST(DatasetTest, WalkForwardFoldsExpandAndNeverLookAhead) {
  const Dataset d = Hundred();
  std::vector<size_t> idx(80);
  for (size_t i = 0; i < 80; ++i) idx[i] = i;
  auto folds = WalkForwardFolds(d, idx, 4, 2);
  ASSERT_TRUE(folds.ok()) << folds.status().ToString();
  ASSERT_EQ(folds->size(), 4u);
  // 80 days in 5 blocks of 16: fold k validates days [16k, 16k+16) and
  // trains on days [0, 16k - 2).
  std::set<size_t> validated;
  for (size_t k = 0; k < 4; ++k) {
    const Split& f = (*folds)[k];
    EXPECT_EQ(f.train.size(), 16 * (k + 1) - 2);
    EXPECT_EQ(f.test.size(), 16u);
    EXPECT_LT(d.info[f.train.back()].day, d.info[f.test.front()].day);
    for (size_t i : f.test) EXPECT_TRUE(validated.insert(i).second);
  }
  EXPECT_FALSE(WalkForwardFolds(d, idx, 1, 2).ok());
  EXPECT_FALSE(WalkForwardFolds(d, idx, 21, 2).ok());
}

}  // namespace
}  // namespace trainyard::ml
