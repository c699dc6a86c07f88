#include "ml/features.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/test_util.h"

namespace trainyard::ml {
namespace {

using testing::SeriesFromCloses;

std::vector<double> Feature(const OhlcvSeries& s, const std::string& name) {
  auto r = ComputeFeatures(s, {name});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->values[0] : std::vector<double>();
}

std::vector<double> Ramp(double from, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(from + i);
  return v;
}

TEST(FeaturesTest, ReturnsOverOneFiveAndTwentyDays) {
  // closes 100, 110, 99 -> r1[1] = 110/100-1 = 0.1, r1[2] = 99/110-1 = -0.1
  const auto r1 = Feature(SeriesFromCloses({100, 110, 99}), "return_1d");
  EXPECT_TRUE(std::isnan(r1[0]));
  EXPECT_NEAR(r1[1], 0.1, 1e-12);
  EXPECT_NEAR(r1[2], -0.1, 1e-12);
  // Ramp 1..21: r5[5] = 6/1-1 = 5, r20[20] = 21/1-1 = 20, r20[19] undefined.
  const OhlcvSeries ramp = SeriesFromCloses(Ramp(1, 21));
  const auto r5 = Feature(ramp, "return_5d");
  EXPECT_TRUE(std::isnan(r5[4]));
  EXPECT_NEAR(r5[5], 5.0, 1e-12);
  const auto r20 = Feature(ramp, "return_20d");
  EXPECT_TRUE(std::isnan(r20[19]));
  EXPECT_NEAR(r20[20], 20.0, 1e-12);
}

TEST(FeaturesTest, EmaIsSeededWithTheSma) {
  // n = 3, alpha = 2/4 = 0.5. EMA[2] = (1+2+3)/3 = 2;
  // EMA[3] = 0.5*4 + 0.5*2 = 3; EMA[4] = 0.5*5 + 0.5*3 = 4.
  const auto e = Ema({1, 2, 3, 4, 5}, 3);
  EXPECT_TRUE(std::isnan(e[1]));
  EXPECT_DOUBLE_EQ(e[2], 2);
  EXPECT_DOUBLE_EQ(e[3], 3);
  EXPECT_DOUBLE_EQ(e[4], 4);
}

TEST(FeaturesTest, RsiUsesWilderSmoothing) {
  // 14 diffs: +2,-1 seven times -> avg gain 14/14 = 1, avg loss 7/14 = 0.5,
  // RS = 2, RSI[14] = 100 - 100/3 = 66.667. Next diff +3:
  // gain = (1*13 + 3)/14 = 16/14, loss = (0.5*13)/14 = 6.5/14,
  // RS = 16/6.5, RSI[15] = 100 - 100/(1 + 16/6.5) = 71.111.
  const OhlcvSeries s =
      SeriesFromCloses({100, 102, 101, 103, 102, 104, 103, 105, 104, 106, 105,
                        107, 106, 108, 107, 110});
  const auto rsi = Feature(s, "rsi_14");
  EXPECT_TRUE(std::isnan(rsi[13]));
  EXPECT_NEAR(rsi[14], 66.666666667, 1e-6);
  EXPECT_NEAR(rsi[15], 71.111111111, 1e-6);
}

TEST(FeaturesTest, RsiIsHundredWithoutLossesAndFiftyWhenFlat) {
  EXPECT_DOUBLE_EQ(Feature(SeriesFromCloses(Ramp(1, 15)), "rsi_14")[14], 100);
  EXPECT_DOUBLE_EQ(
      Feature(SeriesFromCloses(std::vector<double>(15, 5.0)), "rsi_14")[14],
      50);
}

TEST(FeaturesTest, MacdSignalOfALinearRampIsSevenOverClose) {
  // For x_t = 100 + t an SMA-seeded EMA(n) is exactly x_t - (n-1)/2, so
  // EMA12 - EMA26 = (25 - 11)/2 = 7 from t = 25, the 9-period signal line of
  // a constant 7 is 7 from t = 33, and the feature is 7 / close.
  const OhlcvSeries s = SeriesFromCloses(Ramp(100, 40));
  const auto m = Feature(s, "macd_signal");
  EXPECT_TRUE(std::isnan(m[32]));
  EXPECT_NEAR(m[33], 7.0 / 133.0, 1e-12);
  EXPECT_NEAR(m[39], 7.0 / 139.0, 1e-12);
}

TEST(FeaturesTest, BollingerPositionUsesPopulationSigma) {
  // closes 1..20: mean 10.5, population variance (20^2 - 1)/12 = 33.25,
  // sd = 5.76628; position = (20 - (10.5 - 2sd)) / (4sd) = 0.5 + 9.5/(4sd)
  // = 0.911877.
  const auto b = Feature(SeriesFromCloses(Ramp(1, 20)), "bollinger_position");
  EXPECT_TRUE(std::isnan(b[18]));
  EXPECT_NEAR(b[19], 0.911877235, 1e-8);
  // A flat window has zero-width bands: defined as the middle, 0.5.
  EXPECT_DOUBLE_EQ(Feature(SeriesFromCloses(std::vector<double>(20, 3.0)),
                           "bollinger_position")[19],
                   0.5);
}

TEST(FeaturesTest, VolumeMaRatioDividesByTwentyDayMean) {
  // volumes 1..20: mean 10.5, ratio = 20 / 10.5 = 1.904762.
  const auto v =
      Feature(SeriesFromCloses(std::vector<double>(20, 5.0), Ramp(1, 20)),
              "volume_ma_ratio");
  EXPECT_TRUE(std::isnan(v[18]));
  EXPECT_NEAR(v[19], 20.0 / 10.5, 1e-12);
}

TEST(FeaturesTest, PriceMa50RatioDividesByFiftyDaySma) {
  // closes 1..50: SMA50 = 25.5, ratio = 50 / 25.5 = 1.960784.
  const auto p = Feature(SeriesFromCloses(Ramp(1, 50)), "price_ma_50_ratio");
  EXPECT_TRUE(std::isnan(p[48]));
  EXPECT_NEAR(p[49], 50.0 / 25.5, 1e-12);
}

TEST(FeaturesTest, VolatilityIsSampleSdOfTwentyReturns) {
  // Alternating x1.1 and /1.1: returns +0.1 and -0.0909091, 10 each;
  // mean 0.00454545, each deviation +-0.0954545,
  // sd = sqrt(20 * 0.0954545^2 / 19) = 0.0979343.
  std::vector<double> c = {100};
  for (int i = 0; i < 20; ++i)
    c.push_back(i % 2 == 0 ? c.back() * 1.1 : c.back() / 1.1);
  const auto v = Feature(SeriesFromCloses(c), "volatility_20");
  EXPECT_TRUE(std::isnan(v[19]));
  EXPECT_NEAR(v[20], 0.0979342972, 1e-9);
}

TEST(FeaturesTest, AtrUsesTrueRangeWithWilderSmoothingOverClose) {
  // Bars 0..14: close 100, high 101, low 99 -> TR_1..14 = 2, ATR[14] = 2,
  // feature = 2/100 = 0.02. Bar 15 gaps to 114 (o=h=l=c): TR = |114 - 100|
  // = 14, ATR = (2*13 + 14)/14 = 40/14, feature = 40/14/114 = 0.0250627.
  OhlcvSeries s = SeriesFromCloses(std::vector<double>(16, 100.0));
  for (int t = 0; t < 15; ++t) {
    s.high[t] = 101;
    s.low[t] = 99;
  }
  s.open[15] = s.high[15] = s.low[15] = s.close[15] = 114;
  const auto a = Feature(s, "atr_14");
  EXPECT_TRUE(std::isnan(a[13]));
  EXPECT_NEAR(a[14], 0.02, 1e-12);
  EXPECT_NEAR(a[15], 40.0 / 14.0 / 114.0, 1e-12);
}

TEST(FeaturesTest, ObvAddsVolumeOnUpDaysAndSubtractsOnDownDays) {
  // closes 10, 11, 11, 10, 12; volumes 100..500:
  // 0, +200 = 200, flat 200, -400 = -200, +500 = 300.
  const auto o = Feature(
      SeriesFromCloses({10, 11, 11, 10, 12}, {100, 200, 300, 400, 500}), "obv");
  EXPECT_EQ(o, (std::vector<double>{0, 200, 200, -200, 300}));
}

TEST(FeaturesTest, FeatureAtTIgnoresLaterBars) {
  std::vector<double> c;
  for (int i = 0; i < 80; ++i) c.push_back(100 + 10 * std::sin(i * 0.3));
  OhlcvSeries a = SeriesFromCloses(c);
  OhlcvSeries b = a;
  for (int t = 60; t < 80; ++t) b.close[t] *= 1.5;
  std::vector<std::string> all;
  for (const auto& f : AllFeatures()) all.push_back(f.name);
  auto fa = ComputeFeatures(a, all);
  auto fb = ComputeFeatures(b, all);
  ASSERT_TRUE(fa.ok() && fb.ok());
  for (size_t f = 0; f < all.size(); ++f) {
    for (int t = 0; t < 60; ++t) {
      const double x = fa->values[f][t], y = fb->values[f][t];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y)
          << all[f] << " t=" << t;
    }
  }
}

TEST(FeaturesTest, UnknownFeatureListsTheValidNames) {
  auto r = ComputeFeatures(SeriesFromCloses({1, 2}), {"rsi_14", "magic_sauce"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  ASSERT_EQ(r.status().details().size(), 1u);
  const std::string& msg = r.status().details()[0].message;
  EXPECT_EQ(r.status().details()[0].field, "features");
  EXPECT_NE(msg.find("magic_sauce"), std::string::npos);
  for (const auto& f : AllFeatures()) {
    EXPECT_NE(msg.find(f.name), std::string::npos) << f.name;
  }
}

TEST(FeaturesTest, RepeatedAndEmptyFeatureListsAreRejected) {
  EXPECT_FALSE(ValidateFeatureNames({"obv", "obv"}).ok());
  EXPECT_FALSE(ValidateFeatureNames({}).ok());
}

TEST(FeaturesTest, DescribesFeaturesAndLaggedInputs) {
  EXPECT_EQ(DescribeModelInput("rsi_14"),
            "14-period Relative Strength Index (Wilder smoothing)");
  EXPECT_EQ(DescribeModelInput("obv_lag2"),
            "On-Balance Volume (cumulative signed volume), 2 days earlier");
  EXPECT_EQ(DescribeModelInput("return_1d_lag1"),
            "1-day simple return of the close, 1 day earlier");
  EXPECT_EQ(DescribeModelInput("nope_lag1"), "");
  EXPECT_EQ(DescribeModelInput("obv_lagx"), "");
}

TEST(FeaturesTest, VolumeFeaturesNeedVolume) {
  OhlcvSeries s = SeriesFromCloses({1, 2, 3});
  s.has_volume = false;
  auto r = ComputeFeatures(s, {"obv"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("needs volume"), std::string::npos);
  EXPECT_TRUE(ComputeFeatures(s, {"return_1d"}).ok());
}

}  // namespace
}  // namespace trainyard::ml
