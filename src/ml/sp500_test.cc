// Tests on real prices: the S&P 500 daily file fetched by
// scripts/fetch-datasets.sh (ctest fixture MlFetchDatasets). If the file is
// missing these tests FAIL with the command to fetch it; they never skip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "ml/backtest.h"
#include "ml/dataset.h"
#include "ml/features.h"
#include "ml/trainer.h"

namespace trainyard::ml {
namespace {

Result<OhlcvSeries> LoadSp500() {
  const char* path = std::getenv("TRAINYARD_SP500_CSV");
  if (path == nullptr) {
    return IoError(
        "TRAINYARD_SP500_CSV is not set; run the tests via ctest "
        "(fixture MlFetchDatasets) or scripts/fetch-datasets.sh");
  }
  auto r = LoadOhlcvCsv("SP500", path);
  if (!r.ok() && r.status().code() == ErrorCode::kIo) {
    return IoError(r.status().message() +
                   " - fetch it with scripts/fetch-datasets.sh (needs npm)");
  }
  return r;
}

class Sp500Test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = LoadSp500();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    series_ = std::move(r).value();
  }
  OhlcvSeries series_;
};

TEST_F(Sp500Test, FileHasTheKnownShapeAndFirstAndLastBars) {
  ASSERT_EQ(series_.size(), 5105u);  // data rows of the CSV
  EXPECT_TRUE(series_.has_volume);
  EXPECT_EQ(FormatDate(series_.days.front()), "2000-01-03");
  EXPECT_EQ(FormatDate(series_.days.back()), "2020-04-17");
  EXPECT_DOUBLE_EQ(series_.open[0], 1469.25);
  EXPECT_DOUBLE_EQ(series_.close[0], 1455.219971);
  EXPECT_DOUBLE_EQ(series_.volume[0], 931800000);
  EXPECT_DOUBLE_EQ(series_.close.back(), 2874.560059);
}

TEST_F(Sp500Test, AlwaysLongBacktestReproducesIndexReturnAndCrisisDrawdown) {
  // Holding the index from the first to the last close returns
  // 2874.560059 / 1455.219971 - 1 = 0.975344; its deepest fall is the
  // 2007-10-09 close 1565.15 to the 2009-03-09 close 676.53:
  // 1 - 676.53 / 1565.15 = 0.567754 (published S&P 500 figures).
  std::vector<BacktestRow> rows;
  for (size_t t = 0; t + 1 < series_.size(); ++t) {
    rows.push_back(
        {0, series_.days[t], 1, series_.close[t + 1] / series_.close[t] - 1});
  }
  const BacktestResult r = RunBacktest(rows, {0.0, true});
  EXPECT_NEAR(r.total_return, 2874.560059 / 1455.219971 - 1, 1e-9);
  EXPECT_NEAR(r.max_drawdown, 1 - 676.530029 / 1565.150024, 1e-6);
  EXPECT_EQ(r.total_trades, 1);
}

TEST_F(Sp500Test, RsiOnRealPricesStaysInRangeAndIsLowInTheCrash) {
  auto f = ComputeFeatures(series_, {"rsi_14"});
  ASSERT_TRUE(f.ok());
  const auto& rsi = f->values[0];
  for (size_t t = 14; t < rsi.size(); ++t) {
    ASSERT_GE(rsi[t], 0);
    ASSERT_LE(rsi[t], 100);
  }
  // 2008-10-10 closed after eight straight down days: deeply oversold.
  const DayNumber day = *ParseDate("2008-10-10");
  const size_t t =
      std::lower_bound(series_.days.begin(), series_.days.end(), day) -
      series_.days.begin();
  EXPECT_LT(rsi[t], 25);
}

TEST_F(Sp500Test, RandomForestTrainsOnRealPricesAndIsLabelledImported) {
  TrainingRequest req;
  req.type = ModelType::kClassification;
  req.algorithm = Algorithm::kRandomForest;
  req.features = {"rsi_14",
                  "macd_signal",
                  "bollinger_position",
                  "volume_ma_ratio",
                  "price_ma_50_ratio",
                  "return_5d",
                  "volatility_20",
                  "atr_14"};
  req.hyperparameters = {
      {"n_estimators", 100}, {"max_depth", 6}, {"random_state", 42}};
  req.start_day = *ParseDate("2005-01-01");
  req.end_day = *ParseDate("2019-12-31");
  req.cross_validation_folds = 3;
  req.threads = 1;
  auto r = TrainModel({series_}, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_STREQ(r->data_source, "imported");
  EXPECT_GT(r->test_rows, 500u);
  // The metrics are real numbers on a real test period (2017-2019).
  EXPECT_GT(r->metrics.at("accuracy"), 0.2);
  EXPECT_FALSE(std::isnan(r->metrics.at("roc_auc")));
  EXPECT_GE(r->backtest.total_trades, 1);
  EXPECT_EQ(FormatDate(r->test_last).substr(0, 4), "2019");
}

}  // namespace
}  // namespace trainyard::ml
