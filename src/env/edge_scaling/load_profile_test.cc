#include "env/edge_scaling/load_profile.h"

#include <gtest/gtest.h>

#include <cmath>

namespace trainyard::env::edge {
namespace {

TEST(DiurnalMultiplierTest, SineTroughMeanAndPeak) {
  // 1 + 0.5 sin(2 pi (h - 9) / 24): h = 3 -> sin(-pi/2) = -1, h = 9 -> 0,
  // h = 15 -> sin(pi/2) = 1.
  EXPECT_NEAR(DiurnalMultiplier(DiurnalShape::kSine, 0.5, 3 * 3600.0), 0.5,
              1e-12);
  EXPECT_NEAR(DiurnalMultiplier(DiurnalShape::kSine, 0.5, 9 * 3600.0), 1.0,
              1e-12);
  EXPECT_NEAR(DiurnalMultiplier(DiurnalShape::kSine, 0.5, 15 * 3600.0), 1.5,
              1e-12);
}

TEST(DiurnalMultiplierTest, RepeatsEveryDay) {
  EXPECT_NEAR(
      DiurnalMultiplier(DiurnalShape::kSine, 0.5, 86400.0 + 15 * 3600.0), 1.5,
      1e-12);
}

TEST(DiurnalMultiplierTest, TwoPeakBusinessDay) {
  // h = 11: 0.3 + 1.2 * 1 + 0.9 exp(-81/4.5).
  EXPECT_NEAR(DiurnalMultiplier(DiurnalShape::kTwoPeak, 0, 11 * 3600.0),
              1.5 + 0.9 * std::exp(-18.0), 1e-12);
  // h = 20: 0.3 + 1.2 exp(-81/8) + 0.9.
  EXPECT_NEAR(DiurnalMultiplier(DiurnalShape::kTwoPeak, 0, 20 * 3600.0),
              1.2 + 1.2 * std::exp(-81.0 / 8.0), 1e-12);
}

TEST(TraceTest, ReplaysTheLastRowAtOrBeforeTheTime) {
  std::vector<TracePoint> trace = {{0, 1.0}, {60, 2.0}, {120, 0.5}};
  EXPECT_EQ(TraceMultiplier(trace, 0), 1.0);
  EXPECT_EQ(TraceMultiplier(trace, 59.9), 1.0);
  EXPECT_EQ(TraceMultiplier(trace, 60), 2.0);
  EXPECT_EQ(TraceMultiplier(trace, 150), 0.5);
}

TEST(TraceTest, LoopsWithThePeriodOfLastTimePlusMeanSpacing) {
  std::vector<TracePoint> trace = {{0, 1.0}, {60, 2.0}, {120, 0.5}};
  EXPECT_EQ(TracePeriod(trace), 180.0);
  EXPECT_EQ(TraceMultiplier(trace, 180 + 61), 2.0);
}

TEST(TraceCsvTest, ParsesHeaderCommentsAndRows) {
  auto rows =
      ParseTraceCsv("time_s,multiplier\n# comment\n0,1.5\r\n\n30,0.25\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].time_s, 30.0);
  EXPECT_EQ((*rows)[1].multiplier, 0.25);
}

TEST(TraceCsvTest, RejectsNonIncreasingTimesNamingTheLine) {
  auto rows = ParseTraceCsv("0,1\n10,1\n10,2\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), ErrorCode::kValidation);
  EXPECT_NE(rows.status().details()[0].message.find("line 3"),
            std::string::npos);
}

TEST(TraceCsvTest, RejectsNegativeValuesGarbageAndEmpty) {
  EXPECT_FALSE(ParseTraceCsv("0,-1\n").ok());
  EXPECT_FALSE(ParseTraceCsv("-5,1\n").ok());
  EXPECT_FALSE(ParseTraceCsv("0,1\nx,y\n").ok());
  EXPECT_FALSE(ParseTraceCsv("time_s,multiplier\n").ok());
}

TEST(LoadConfigTest, BaseRateIsUsersOverInterval) {
  LoadConfig load;
  load.users = 1200;
  load.request_interval_s = 20;
  EXPECT_EQ(load.base_rate(), 60.0);
}

TEST(LoadConfigTest, ValidationNamesEachBadField) {
  LoadConfig load;
  load.users = -1;
  load.shape = LoadShape::kTrace;
  Status s = ValidateLoadConfig(load);
  ASSERT_FALSE(s.ok());
  ASSERT_EQ(s.details().size(), 2u);
  EXPECT_EQ(s.details()[0].field, "load.users");
  EXPECT_EQ(s.details()[1].field, "load.trace");
}

}  // namespace
}  // namespace trainyard::env::edge
